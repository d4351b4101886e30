// Selectors for components, so that each re-renders only when what it shows changes: a token
// written into the answer changes that message and nothing else.

import { DEFAULT_ALIGN_SETTINGS, type AlignSettings } from '../../workers/protocol';
import type { AttachedFile, Conversation, Message } from '../types';
import { alignOf, type ChatState } from './chat';

const NO_FILES: AttachedFile[] = [];

export const activeOf = (s: ChatState): Conversation | undefined => s.conversations.find((c) => c.id === s.activeId);
/** A message of the active conversation. */
export const messageOf = (s: ChatState, id: string): Message | undefined => activeOf(s)?.messages.find((m) => m.id === id);
/** The active conversation's message ids (compare with useShallow). */
export const messageIdsOf = (s: ChatState): string[] => activeOf(s)?.messages.map((m) => m.id) ?? [];
export const filesOf = (s: ChatState): AttachedFile[] => activeOf(s)?.files ?? NO_FILES;
export const alignSettingsOf = (s: ChatState): AlignSettings => alignOf(activeOf(s), s.nextAlign ?? DEFAULT_ALIGN_SETTINGS);
export const isBusy = (s: ChatState): boolean => s.streamingId !== null;
/** The conversations' ids and titles, flat (compare with useShallow): the list does not change while an answer streams. */
export const titlesOf = (s: ChatState): string[] => s.conversations.flatMap((c) => [c.id, c.title]);

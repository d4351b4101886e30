// Conversations and the answer in flight. The store talks to the llm worker only through the
// `AnswerService` it is created with, so its state machine can be tested with a test double.
// Its parts: the conversations' own actions (chat-actions.ts), sending and one answer's run
// (chat-answer.ts), over the few state helpers they share (chat-kit.ts).

import { create } from 'zustand';
import { DEFAULT_ALIGN_SETTINGS, RedraftError, type AlignSettings, type AnswerEvent, type AnswerRequest, type AnswerStats, type GroundingSources, type SamplingOptions } from '../../workers/protocol';
import type { AttachedFile, Conversation } from '../types';
import { conversationActions, storedActions } from './chat-actions';
import { answerActions } from './chat-answer';
import { storeKit } from './chat-kit';

export { STREAM_RENDER_MS, STREAM_SAVE_MS } from './chat-answer';
export { PREPARING } from './chat-kit';

export interface AnswerService {
  answer(req: AnswerRequest, onEvent: (e: AnswerEvent) => void): Promise<AnswerStats>;
  stop(): Promise<void>;
}

/** An answer from sources (the offline library, the user's files): what the request needs. */
export interface SourcedTurn {
  sources: GroundingSources;
  /**
   * The user's turn as the model reads it: as many words of the passages as `maxWords`
   * (app/prompt.ts PROMPT_BUDGETS, fewer while the prompt is too long for the model's
   * context), fenced as data, then the question.
   */
  prompt(maxWords: number): string;
  /** The copy bias's text (workers/align/grounding.ts). */
  grounding: string;
}

/** Finds the sources for a question (the conversation's files, the offline library), or null when this answer is not to come from sources. */
export interface SourceProvider {
  forQuestion(question: string, conversation: Conversation): Promise<SourcedTurn | null>;
}

export interface Persistence {
  list(): Promise<Conversation[]>;
  save(c: Conversation): Promise<void>;
  /** Saves all or none (one transaction). */
  saveAll(cs: Conversation[]): Promise<void>;
  remove(id: string): Promise<void>;
  removeAll(): Promise<void>;
}

/** What an import did: conversations added, already here unchanged, and added as copies because one with the same id differs. */
export interface ImportSummary {
  added: number;
  unchanged: number;
  copied: number;
}

export interface AnswerSettings {
  sampling: Omit<SamplingOptions, 'seed'>;
  maxNewTokens: number;
  systemPrompt: string;
  /** Fixed sampling seed; null or absent: a new one each answer. */
  seed?: number | null;
}

/** The sentence loop's settings of a conversation (the default pipeline unless chosen). */
export const alignOf = (c: Conversation | undefined, fallback: AlignSettings = DEFAULT_ALIGN_SETTINGS): AlignSettings =>
  c?.align ?? fallback;

export interface ChatState {
  conversations: Conversation[];
  activeId: string | null;
  draft: string;
  /** Id of the assistant message being written, if any (PREPARING while its sources are found and the question stored). */
  streamingId: string | null;
  error: RedraftError | null;
  /** Sentence-loop settings for the next new conversation (the last ones chosen). */
  nextAlign: AlignSettings;
  hydrate(): Promise<void>;
  /**
   * Reads the conversations again after another tab changed them; the conversation this tab is
   * answering in stays as this tab has it.
   */
  refresh(): Promise<void>;
  /** Changes the active conversation's sentence-loop settings (and those of new ones). */
  setAlign(patch: Partial<AlignSettings>): Promise<void>;
  /**
   * Merges imported conversations: new ones are added, identical ones skipped, and one whose id is
   * taken by a different conversation is added as a copy with a new id; nothing here is replaced.
   * All are saved in one transaction before they show. A single imported conversation is opened.
   */
  importConversations(cs: Conversation[]): Promise<ImportSummary>;
  setDraft(text: string): void;
  newConversation(): void;
  select(id: string): void;
  remove(id: string): Promise<void>;
  /** Deletes every conversation (not while an answer streams). */
  removeAll(): Promise<void>;
  send(settings: AnswerSettings): Promise<void>;
  /** Adds files (already read) to the active conversation, starting one if there is none. */
  attach(files: AttachedFile[]): Promise<void>;
  /** Takes a file out of the active conversation (answers already given keep their passages). */
  detach(fileId: string): Promise<void>;
  stop(): Promise<void>;
  regenerate(settings: AnswerSettings): Promise<void>;
  editAndResend(messageId: string, text: string, settings: AnswerSettings): Promise<void>;
  dismissError(): void;
}

export function createChatStore(service: AnswerService, persistence: Persistence, provider: SourceProvider | null = null) {
  return create<ChatState>((set, get) => {
    const kit = storeKit(set, get, persistence);
    return {
      conversations: [],
      activeId: null,
      draft: '',
      streamingId: null,
      error: null,
      nextAlign: DEFAULT_ALIGN_SETTINGS,
      ...storedActions(kit),
      ...conversationActions(kit),
      ...answerActions(kit, service, provider),
    };
  });
}

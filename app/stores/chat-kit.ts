// The state helpers the chat store's parts share: the active conversation, replacing one,
// patching one message, saving (a failed save shows as the store's error), and the one slot an
// answer takes.

import { toRedraftError } from '../../workers/protocol';
import type { Conversation, Message } from '../types';
import type { ChatState, Persistence } from './chat';

/** `streamingId` while an answer is being prepared, before its message exists. */
export const PREPARING = 'preparing';

export const newId = () => crypto.randomUUID();
export const titleOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 60) || 'New conversation';

type Set = (partial: Partial<ChatState> | ((s: ChatState) => Partial<ChatState>)) => void;

export interface StoreKit {
  get(): ChatState;
  set: Set;
  persistence: Persistence;
  active(): Conversation | undefined;
  /** Puts the conversation first in the list, in place of its older copy. */
  replace(c: Conversation): void;
  /** Saves; a failure becomes the store's error. */
  persist(c: Conversation): Promise<void>;
  patchMessage(convId: string, msgId: string, patch: (m: Message) => Partial<Message>): void;
  /** A new, empty conversation with the settings chosen last (not in the list, not stored). */
  blank(title: string): Conversation;
  /** A blank conversation, made active (it joins the list with its first content). */
  start(title: string): Conversation;
  /**
   * Sending is one guarded transition: the answer's slot is taken at once, before anything is
   * awaited (a second Enter in the same moment is refused and its text stays in the box), and
   * handed to the answer's message when it exists. False when the slot is taken.
   */
  claim(): boolean;
  /** Gives the slot back if no answer took it over. */
  release(): void;
}

export function storeKit(set: Set, get: () => ChatState, persistence: Persistence): StoreKit {
  const kit: StoreKit = {
    get,
    set,
    persistence,
    active: () => get().conversations.find((c) => c.id === get().activeId),
    replace: (c) => set((s) => ({ conversations: [c, ...s.conversations.filter((x) => x.id !== c.id)] })),
    async persist(c) {
      try {
        await persistence.save(c);
      } catch (e) {
        set({ error: toRedraftError(e) });
      }
    },
    patchMessage: (convId, msgId, patch) =>
      set((s) => ({
        conversations: s.conversations.map((c) =>
          c.id !== convId ? c : { ...c, messages: c.messages.map((m) => (m.id === msgId ? { ...m, ...patch(m) } : m)) },
        ),
      })),
    blank(title) {
      const now = Date.now();
      return { id: newId(), title, createdAt: now, updatedAt: now, messages: [], align: get().nextAlign };
    },
    start(title) {
      const c = kit.blank(title);
      set({ activeId: c.id });
      return c;
    },
    claim() {
      if (get().streamingId) return false;
      set({ streamingId: PREPARING });
      return true;
    },
    release() {
      if (get().streamingId === PREPARING) set({ streamingId: null });
    },
  };
  return kit;
}

// The conversations' own actions: reading them from storage, importing, deleting, choosing,
// their settings and files. Nothing here talks to the model.

import { toRedraftError } from '../../workers/protocol';
import type { Conversation } from '../types';
import { alignOf, type ChatState, type ImportSummary } from './chat';
import { newId, titleOf, type StoreKit } from './chat-kit';

const sameConversation = (a: Conversation, b: Conversation) =>
  a.updatedAt === b.updatedAt && a.title === b.title && a.messages.length === b.messages.length &&
  a.messages.every((m, i) => m.id === b.messages[i].id && m.content === b.messages[i].content && m.status === b.messages[i].status);

/** What an import adds: new conversations as they are, one whose id is taken by a different conversation as a copy. */
function merge(here: Conversation[], imported: Conversation[]): { fresh: Conversation[]; summary: ImportSummary } {
  const mine = new Map(here.map((c) => [c.id, c]));
  const summary: ImportSummary = { added: 0, unchanged: 0, copied: 0 };
  const fresh: Conversation[] = [];
  for (const c of imported) {
    const same = mine.get(c.id);
    if (!same) {
      fresh.push(c);
      summary.added++;
    } else if (sameConversation(same, c)) {
      summary.unchanged++;
    } else {
      fresh.push({ ...c, id: newId(), title: `${c.title} (imported copy)` });
      summary.copied++;
    }
  }
  return { fresh, summary };
}

/** Reading, importing and deleting stored conversations. */
export function storedActions({ get, set, persistence }: StoreKit): Pick<ChatState, 'hydrate' | 'refresh' | 'importConversations' | 'remove' | 'removeAll'> {
  return {
    async hydrate() {
      const all = await persistence.list();
      // An answer that was streaming when the page closed ends as interrupted, text kept.
      const conversations = all.map((c) => ({
        ...c,
        messages: c.messages.map((m) => (m.status === 'streaming' ? { ...m, status: 'interrupted' as const, activity: undefined } : m)),
      }));
      set({ conversations, activeId: conversations[0]?.id ?? null });
    },

    async refresh() {
      const all = await persistence.list();
      set((s) => {
        const mine = s.streamingId ? s.conversations.find((c) => c.messages.some((m) => m.id === s.streamingId)) : undefined;
        const conversations = all.map((c) => (c.id === mine?.id ? mine : c));
        if (mine && !conversations.some((c) => c.id === mine.id)) conversations.unshift(mine);
        // Keep an empty new conversation this tab has open but not stored yet.
        const open = s.conversations.find((c) => c.id === s.activeId);
        if (open && !open.messages.length && !conversations.some((c) => c.id === open.id)) conversations.unshift(open);
        const activeId = conversations.some((c) => c.id === s.activeId) ? s.activeId : (conversations[0]?.id ?? null);
        return { conversations, activeId };
      });
    },

    async importConversations(cs) {
      if (get().streamingId) throw new Error('Wait for the answer to finish (or stop it) before importing.');
      const { fresh, summary } = merge(get().conversations, cs);
      try {
        await persistence.saveAll(fresh);
      } catch (e) {
        throw toRedraftError(e);
      }
      const opened = cs.length === 1 ? (fresh[0]?.id ?? cs[0].id) : get().activeId;
      set((s) => ({
        conversations: [...fresh, ...s.conversations].sort((a, b) => b.updatedAt - a.updatedAt),
        activeId: opened ?? fresh[0]?.id ?? null,
        error: null,
      }));
      return summary;
    },

    async remove(id) {
      if (get().streamingId && get().activeId === id) return;
      set((s) => ({
        conversations: s.conversations.filter((c) => c.id !== id),
        activeId: s.activeId === id ? (s.conversations.find((c) => c.id !== id)?.id ?? null) : s.activeId,
      }));
      await persistence.remove(id);
    },

    async removeAll() {
      if (get().streamingId) return;
      set({ conversations: [], activeId: null, error: null });
      await persistence.removeAll();
    },
  };
}

/** Choosing a conversation, its sentence-loop settings, its files, the draft and the error. */
export function conversationActions(kit: StoreKit): Pick<ChatState, 'setAlign' | 'setDraft' | 'newConversation' | 'select' | 'attach' | 'detach' | 'dismissError'> {
  const { get, set } = kit;
  return {
    async setAlign(patch) {
      const conv = kit.active();
      const align = { ...alignOf(conv, get().nextAlign), ...patch };
      set({ nextAlign: align });
      if (!conv) return;
      const next = { ...conv, align };
      set((s) => ({ conversations: s.conversations.map((c) => (c.id === conv.id ? next : c)) }));
      await kit.persist(next);
    },

    setDraft(text) {
      set({ draft: text });
    },

    newConversation() {
      if (get().streamingId) return;
      const empty = kit.active();
      if (empty && empty.messages.length === 0) return;
      const c = kit.blank('New conversation');
      set((s) => ({ conversations: [c, ...s.conversations], activeId: c.id, error: null }));
    },

    select(id) {
      if (get().streamingId) return;
      set({ activeId: id, error: null });
    },

    async attach(files) {
      if (!files.length) return;
      const conv = kit.active() ?? kit.start(titleOf(files[0].name));
      const next: Conversation = { ...conv, files: [...(conv.files ?? []), ...files], updatedAt: Date.now() };
      kit.replace(next);
      await kit.persist(next);
    },

    async detach(fileId) {
      const conv = kit.active();
      if (!conv?.files?.some((f) => f.id === fileId)) return;
      const next: Conversation = { ...conv, files: conv.files.filter((f) => f.id !== fileId), updatedAt: Date.now() };
      kit.replace(next);
      await kit.persist(next);
    },

    dismissError() {
      set({ error: null });
    },
  };
}

// Conversations and the answer in flight. The store talks to the llm worker only through the
// `AnswerService` it is created with, so its state machine can be tested with a test double.

import { create } from 'zustand';
import { ContextWindowExceededError, DEFAULT_ALIGN_SETTINGS, RedraftError, serializeError, toRedraftError, type AlignSettings, type AnswerEvent, type AnswerRequest, type AnswerStats, type ChatMessage, type GroundingSources, type SamplingOptions } from '../../workers/protocol';
import type { AttachedFile, Conversation, Message } from '../types';
import { fitPrompt, PROMPT_WORDS_MAX } from '../prompt';
import { shownSources } from '../sources';

export interface AnswerService {
  answer(req: AnswerRequest, onEvent: (e: AnswerEvent) => void): Promise<AnswerStats>;
  stop(): Promise<void>;
}

/** `streamingId` while an answer is being prepared, before its message exists. */
export const PREPARING = 'preparing';

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

const sameConversation = (a: Conversation, b: Conversation) =>
  a.updatedAt === b.updatedAt && a.title === b.title && a.messages.length === b.messages.length &&
  a.messages.every((m, i) => m.id === b.messages[i].id && m.content === b.messages[i].content && m.status === b.messages[i].status);

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

/** Streaming text is rendered at most once per this many milliseconds (see the token batching below). */
export const STREAM_RENDER_MS = 50;
/** How often an answer being written is saved (and when the page is hidden). */
export const STREAM_SAVE_MS = 1000;

const newId = () => crypto.randomUUID();
const titleOf = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 60) || 'New conversation';

export function createChatStore(service: AnswerService, persistence: Persistence, provider: SourceProvider | null = null) {
  return create<ChatState>((set, get) => {
    const active = (): Conversation | undefined => get().conversations.find((c) => c.id === get().activeId);

    const replace = (c: Conversation) =>
      set((s) => ({ conversations: [c, ...s.conversations.filter((x) => x.id !== c.id)] }));

    const persist = async (c: Conversation) => {
      try {
        await persistence.save(c);
      } catch (e) {
        set({ error: toRedraftError(e) });
      }
    };

    const patchMessage = (convId: string, msgId: string, patch: (m: Message) => Partial<Message>) =>
      set((s) => ({
        conversations: s.conversations.map((c) =>
          c.id !== convId ? c : { ...c, messages: c.messages.map((m) => (m.id === msgId ? { ...m, ...patch(m) } : m)) },
        ),
      }));

    // Sending is one guarded transition: the answer's slot is taken at once, before anything is
    // awaited (a second Enter in the same moment is refused and its text stays in the box), and
    // handed to the answer's message when it exists.
    const claim = () => {
      if (get().streamingId) return false;
      set({ streamingId: PREPARING });
      return true;
    };
    const release = () => {
      if (get().streamingId === PREPARING) set({ streamingId: null });
    };

    /** Answers the conversation as it stands (its last message is the user's). */
    const answer = async (conv: Conversation, settings: AnswerSettings): Promise<void> => {
      let history: ChatMessage[] = conv.messages.map(({ role, content }) => ({ role, content }));
      let turn: SourcedTurn | null = null;
      let notice: string | undefined;
      try {
        turn = (await provider?.forQuestion(conv.messages.at(-1)?.content ?? '', conv)) ?? null;
      } catch (e) {
        notice = `${toRedraftError(e).message} This answer is the model's own, not from a source.`;
      }
      // From sources, the model reads the passages and this question only: a small model given
      // the conversation repeats its last answer's pattern ("The capital of …") for every
      // follow-up, and earlier answers are no source.
      if (turn) history = [{ role: 'user', content: turn.prompt(PROMPT_WORDS_MAX) }];
      if (settings.systemPrompt.trim()) history.unshift({ role: 'system', content: settings.systemPrompt });
      const reply: Message = {
        id: newId(), role: 'assistant', content: '', createdAt: Date.now(), status: 'streaming',
        ...(turn ? { sources: turn.sources.passages } : {}),
        ...(notice ? { notice } : {}),
      };
      const withReply = { ...conv, messages: [...conv.messages, reply], updatedAt: Date.now() };
      replace(withReply);
      set({ streamingId: reply.id, error: null });

      // Saved as it is written: at the start, at most once every STREAM_SAVE_MS as text comes,
      // and when the page is hidden or closed, so that a reload finds the answer so far (marked
      // interrupted by `hydrate`) instead of the question alone.
      let lastSave = Date.now();
      const saveNow = () => {
        lastSave = Date.now();
        const c = get().conversations.find((x) => x.id === conv.id);
        if (c && get().streamingId === reply.id) void persist(c);
      };
      const saveSoon = () => {
        if (Date.now() - lastSave >= STREAM_SAVE_MS) saveNow();
      };
      saveNow();
      globalThis.addEventListener?.('pagehide', saveNow);

      // Tokens arrive faster than anyone reads: the answer is re-rendered at most 20 times a
      // second. Each render parses the markdown and lays out and paints the page on the same
      // cores the model runs on; per animation frame, that cost the decode 30-40 % on two cores.
      let buffered = '';
      let scheduled = false;
      const flush = () => {
        scheduled = false;
        if (!buffered) return;
        const text = buffered;
        buffered = '';
        patchMessage(conv.id, reply.id, (m) => ({ content: m.content + text }));
        saveSoon();
      };
      // With the sentence loop, text is committed sentence by sentence; the draft after the
      // last committed sentence is tentative and disappears when the generator rewinds.
      let committed = '';
      const onEvent = (e: AnswerEvent) => {
        switch (e.type) {
          case 'token':
            buffered += e.text;
            if (!scheduled) {
              scheduled = true;
              setTimeout(flush, STREAM_RENDER_MS);
            }
            break;
          case 'started':
            patchMessage(conv.id, reply.id, () => ({ model: e.model, backend: e.backend }));
            break;
          case 'sentence-checked':
            if (!e.verdict.pass) {
              patchMessage(conv.id, reply.id, () => ({ activity: `Sentence ${e.index + 1} failed the check: ${e.verdict.evidence}` }));
            }
            break;
          case 'rewound':
            buffered = '';
            patchMessage(conv.id, reply.id, () => ({
              content: committed,
              activity: `Rewound to sentence ${e.index + 1}; correcting (attempt ${e.attempt})…`,
            }));
            break;
          case 'sentence-committed':
            committed += e.text;
            buffered = '';
            patchMessage(conv.id, reply.id, () => ({ content: committed + e.pending, activity: undefined }));
            saveSoon();
            break;
        }
      };
      const req: AnswerRequest = {
        messages: history,
        // From sources, greedy: the copy bias then starts where the best passage starts, and
        // sampling would only add ways to leave the sources' words.
        sampling: turn ? { ...settings.sampling, temperature: 0 } : settings.sampling,
        maxNewTokens: settings.maxNewTokens,
        seed: settings.seed ?? Math.floor(Math.random() * 2 ** 31),
        align: alignOf(conv, get().nextAlign),
        ...(turn ? { sources: turn.sources, grounding: turn.grounding } : {}),
      };
      try {
        // From sources, a prompt too long for the model (passages of many tokens a word) is
        // asked again with fewer of their words; the user's own words are never cut.
        const stats: AnswerStats = turn
          ? await fitPrompt(
            (maxWords) => service.answer({ ...req, messages: req.messages.map((m) => (m.role === 'user' ? { ...m, content: turn.prompt(maxWords) } : m)) }, onEvent),
            (e) => toRedraftError(e) instanceof ContextWindowExceededError,
          )
          : await service.answer(req, onEvent);
        flush();
        patchMessage(conv.id, reply.id, () => ({
          content: stats.text,
          stats,
          // A count computed from a file's table cites the table's passage, which may not be among those picked.
          ...(turn ? { sources: shownSources(turn.sources, stats) } : {}),
          status: stats.reason === 'stopped' ? 'stopped' : 'done',
          activity: undefined,
        }));
      } catch (e) {
        flush();
        const err = toRedraftError(e);
        if (err instanceof ContextWindowExceededError) {
          // Refused before any work: take the turn back and give the text back to the composer.
          const lastUser = conv.messages[conv.messages.length - 1];
          const restored = { ...conv, messages: conv.messages.slice(0, -1) };
          replace(restored);
          set({ draft: lastUser?.content ?? get().draft, error: err, streamingId: null });
          await persist(restored);
          return;
        }
        patchMessage(conv.id, reply.id, () => ({ status: 'error', error: serializeError(err), activity: undefined }));
        set({ error: err });
      } finally {
        globalThis.removeEventListener?.('pagehide', saveNow);
        if (get().streamingId === reply.id) set({ streamingId: null });
      }
      const final = get().conversations.find((c) => c.id === conv.id);
      if (final) await persist(final);
    };

    return {
      conversations: [],
      activeId: null,
      draft: '',
      streamingId: null,
      error: null,
      nextAlign: DEFAULT_ALIGN_SETTINGS,

      async setAlign(patch) {
        const conv = active();
        const align = { ...alignOf(conv, get().nextAlign), ...patch };
        set({ nextAlign: align });
        if (!conv) return;
        const next = { ...conv, align };
        set((s) => ({ conversations: s.conversations.map((c) => (c.id === conv.id ? next : c)) }));
        await persist(next);
      },

      async importConversations(cs) {
        if (get().streamingId) throw new Error('Wait for the answer to finish (or stop it) before importing.');
        const here = new Map(get().conversations.map((c) => [c.id, c]));
        const summary: ImportSummary = { added: 0, unchanged: 0, copied: 0 };
        const fresh: Conversation[] = [];
        for (const c of cs) {
          const mine = here.get(c.id);
          if (!mine) {
            fresh.push(c);
            summary.added++;
          } else if (sameConversation(mine, c)) {
            summary.unchanged++;
          } else {
            fresh.push({ ...c, id: newId(), title: `${c.title} (imported copy)` });
            summary.copied++;
          }
        }
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

      setDraft(text) {
        set({ draft: text });
      },

      newConversation() {
        if (get().streamingId) return;
        const empty = active();
        if (empty && empty.messages.length === 0) return;
        const now = Date.now();
        const c: Conversation = { id: newId(), title: 'New conversation', createdAt: now, updatedAt: now, messages: [], align: get().nextAlign };
        set((s) => ({ conversations: [c, ...s.conversations], activeId: c.id, error: null }));
      },

      select(id) {
        if (get().streamingId) return;
        set({ activeId: id, error: null });
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

      async send(settings) {
        const text = get().draft;
        if (!text.trim() || !claim()) return;
        try {
          let conv = active();
          if (!conv) {
            const now = Date.now();
            conv = { id: newId(), title: titleOf(text), createdAt: now, updatedAt: now, messages: [], align: get().nextAlign };
            set({ activeId: conv.id });
          }
          const user: Message = { id: newId(), role: 'user', content: text, createdAt: Date.now() };
          const next: Conversation = {
            ...conv,
            title: conv.messages.length === 0 ? titleOf(text) : conv.title,
            messages: [...conv.messages, user],
            updatedAt: Date.now(),
          };
          replace(next);
          set({ draft: '' });
          await persist(next);
          await answer(next, settings);
        } finally {
          release();
        }
      },

      async stop() {
        if (get().streamingId) await service.stop();
      },

      async attach(files) {
        if (!files.length) return;
        let conv = active();
        if (!conv) {
          const now = Date.now();
          conv = { id: newId(), title: titleOf(files[0].name), createdAt: now, updatedAt: now, messages: [], align: get().nextAlign };
          set({ activeId: conv.id });
        }
        const next: Conversation = { ...conv, files: [...(conv.files ?? []), ...files], updatedAt: Date.now() };
        replace(next);
        await persist(next);
      },

      async detach(fileId) {
        const conv = active();
        if (!conv?.files?.some((f) => f.id === fileId)) return;
        const next: Conversation = { ...conv, files: conv.files.filter((f) => f.id !== fileId), updatedAt: Date.now() };
        replace(next);
        await persist(next);
      },

      async regenerate(settings) {
        const conv = active();
        if (!conv) return;
        const lastUser = conv.messages.map((m) => m.role).lastIndexOf('user');
        if (lastUser < 0 || !claim()) return;
        try {
          const trimmed = { ...conv, messages: conv.messages.slice(0, lastUser + 1) };
          replace(trimmed);
          await answer(trimmed, settings);
        } finally {
          release();
        }
      },

      async editAndResend(messageId, text, settings) {
        const conv = active();
        if (!conv || !text.trim()) return;
        const at = conv.messages.findIndex((m) => m.id === messageId && m.role === 'user');
        if (at < 0 || !claim()) return;
        try {
          const edited: Conversation = {
            ...conv,
            title: at === 0 ? titleOf(text) : conv.title,
            messages: [...conv.messages.slice(0, at), { ...conv.messages[at], content: text, createdAt: Date.now() }],
          };
          replace(edited);
          await persist(edited);
          await answer(edited, settings);
        } finally {
          release();
        }
      },

      dismissError() {
        set({ error: null });
      },
    };
  });
}

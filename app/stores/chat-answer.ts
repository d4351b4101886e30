// Sending, regenerating and editing, and one answer's run: its sources and prompt, its message,
// the events streamed into it (batched, saved as it is written), and how it ends.

import { ContextWindowExceededError, serializeError, toRedraftError, type AnswerEvent, type AnswerRequest, type AnswerStats, type ChatMessage } from '../../workers/protocol';
import type { Conversation, Message } from '../types';
import { fitPrompt, PROMPT_WORDS_MAX } from '../prompt';
import { shownSources } from '../sources';
import { alignOf, type AnswerService, type AnswerSettings, type ChatState, type SourcedTurn, type SourceProvider } from './chat';
import { newId, titleOf, type StoreKit } from './chat-kit';

/** Streaming text is rendered at most once per this many milliseconds (see the token batching below). */
export const STREAM_RENDER_MS = 50;
/** How often an answer being written is saved (and when the page is hidden). */
export const STREAM_SAVE_MS = 1000;

/** What the model reads for the conversation's last question: its sources (or null) and the messages. */
async function prepareTurn(provider: SourceProvider | null, conv: Conversation, settings: AnswerSettings) {
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
  return { history, turn, notice };
}

/**
 * The answer's message as events come: tokens batched into at most 20 renders a second, the
 * sentence loop's commits and rewinds, and saves as it is written (at the start, at most once
 * every STREAM_SAVE_MS, and when the page is hidden or closed, so that a reload finds the
 * answer so far, marked interrupted by `hydrate`, instead of the question alone).
 */
function streamInto(kit: StoreKit, convId: string, replyId: string) {
  const patch = (p: (m: Message) => Partial<Message>) => kit.patchMessage(convId, replyId, p);
  let lastSave = Date.now();
  const saveNow = () => {
    lastSave = Date.now();
    const c = kit.get().conversations.find((x) => x.id === convId);
    if (c && kit.get().streamingId === replyId) void kit.persist(c);
  };
  const saveSoon = () => {
    if (Date.now() - lastSave >= STREAM_SAVE_MS) saveNow();
  };
  saveNow();
  globalThis.addEventListener?.('pagehide', saveNow);

  // Tokens arrive faster than anyone reads. Each render parses the markdown and lays out and
  // paints the page on the same cores the model runs on; per animation frame, that cost the
  // decode 30-40 % on two cores.
  let buffered = '';
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (!buffered) return;
    const text = buffered;
    buffered = '';
    patch((m) => ({ content: m.content + text }));
    saveSoon();
  };
  // With the sentence loop, text is committed sentence by sentence; the draft after the last
  // committed sentence is tentative and disappears when the generator rewinds.
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
        patch(() => ({ model: e.model, backend: e.backend }));
        break;
      case 'sentence-checked':
        if (!e.verdict.pass) patch(() => ({ activity: `Sentence ${e.index + 1} failed the check: ${e.verdict.evidence}` }));
        break;
      case 'rewound':
        buffered = '';
        patch(() => ({ content: committed, activity: `Rewound to sentence ${e.index + 1}; correcting (attempt ${e.attempt})…` }));
        break;
      case 'sentence-committed':
        committed += e.text;
        buffered = '';
        patch(() => ({ content: committed + e.pending, activity: undefined }));
        saveSoon();
        break;
    }
  };
  const close = () => globalThis.removeEventListener?.('pagehide', saveNow);
  return { onEvent, flush, close };
}

/** Asks the service; from sources, a prompt too long for the model is asked again with fewer of the passages' words (the user's own words are never cut). */
function ask(service: AnswerService, req: AnswerRequest, turn: SourcedTurn | null, onEvent: (e: AnswerEvent) => void): Promise<AnswerStats> {
  if (!turn) return service.answer(req, onEvent);
  return fitPrompt(
    (maxWords) => service.answer({ ...req, messages: req.messages.map((m) => (m.role === 'user' ? { ...m, content: turn.prompt(maxWords) } : m)) }, onEvent),
    (e) => toRedraftError(e) instanceof ContextWindowExceededError,
  );
}

/** Answers the conversation as it stands (its last message is the user's). */
async function answer(kit: StoreKit, service: AnswerService, provider: SourceProvider | null, conv: Conversation, settings: AnswerSettings): Promise<void> {
  const { history, turn, notice } = await prepareTurn(provider, conv, settings);
  const reply: Message = {
    id: newId(), role: 'assistant', content: '', createdAt: Date.now(), status: 'streaming',
    ...(turn ? { sources: turn.sources.passages } : {}),
    ...(notice ? { notice } : {}),
  };
  kit.replace({ ...conv, messages: [...conv.messages, reply], updatedAt: Date.now() });
  kit.set({ streamingId: reply.id, error: null });
  const stream = streamInto(kit, conv.id, reply.id);
  const req: AnswerRequest = {
    messages: history,
    // From sources, greedy: the copy bias then starts where the best passage starts, and
    // sampling would only add ways to leave the sources' words.
    sampling: turn ? { ...settings.sampling, temperature: 0 } : settings.sampling,
    maxNewTokens: settings.maxNewTokens,
    seed: settings.seed ?? Math.floor(Math.random() * 2 ** 31),
    align: alignOf(conv, kit.get().nextAlign),
    ...(turn ? { sources: turn.sources, grounding: turn.grounding } : {}),
  };
  try {
    const stats = await ask(service, req, turn, stream.onEvent);
    stream.flush();
    kit.patchMessage(conv.id, reply.id, () => ({
      content: stats.text,
      stats,
      // A count computed from a file's table cites the table's passage, which may not be among those picked.
      ...(turn ? { sources: shownSources(turn.sources, stats) } : {}),
      status: stats.reason === 'stopped' ? 'stopped' : 'done',
      activity: undefined,
    }));
  } catch (e) {
    stream.flush();
    const err = toRedraftError(e);
    if (err instanceof ContextWindowExceededError) {
      await giveBack(kit, conv, err);
      return;
    }
    kit.patchMessage(conv.id, reply.id, () => ({ status: 'error', error: serializeError(err), activity: undefined }));
    kit.set({ error: err });
  } finally {
    stream.close();
    if (kit.get().streamingId === reply.id) kit.set({ streamingId: null });
  }
  const final = kit.get().conversations.find((c) => c.id === conv.id);
  if (final) await kit.persist(final);
}

/** Refused before any work: the turn is taken back and its text given back to the composer. */
async function giveBack(kit: StoreKit, conv: Conversation, err: ContextWindowExceededError): Promise<void> {
  const lastUser = conv.messages[conv.messages.length - 1];
  const restored = { ...conv, messages: conv.messages.slice(0, -1) };
  kit.replace(restored);
  kit.set({ draft: lastUser?.content ?? kit.get().draft, error: err, streamingId: null });
  await kit.persist(restored);
}

export function answerActions(kit: StoreKit, service: AnswerService, provider: SourceProvider | null): Pick<ChatState, 'send' | 'stop' | 'regenerate' | 'editAndResend'> {
  const { get } = kit;
  /** Runs `prepare` and answers what it returns, holding the answer's slot throughout (nothing when it is taken). */
  const answering = async (prepare: () => Promise<Conversation | null> | Conversation | null, settings: AnswerSettings) => {
    if (!kit.claim()) return;
    try {
      const conv = await prepare();
      if (conv) await answer(kit, service, provider, conv, settings);
    } finally {
      kit.release();
    }
  };
  return {
    async send(settings) {
      const text = get().draft;
      if (!text.trim()) return;
      await answering(async () => {
        const conv = kit.active() ?? kit.start(titleOf(text));
        const user: Message = { id: newId(), role: 'user', content: text, createdAt: Date.now() };
        const next: Conversation = {
          ...conv,
          title: conv.messages.length === 0 ? titleOf(text) : conv.title,
          messages: [...conv.messages, user],
          updatedAt: Date.now(),
        };
        kit.replace(next);
        kit.set({ draft: '' });
        await kit.persist(next);
        return next;
      }, settings);
    },

    async stop() {
      if (get().streamingId) await service.stop();
    },

    async regenerate(settings) {
      const conv = kit.active();
      const lastUser = conv?.messages.map((m) => m.role).lastIndexOf('user') ?? -1;
      if (!conv || lastUser < 0) return;
      await answering(() => {
        const trimmed = { ...conv, messages: conv.messages.slice(0, lastUser + 1) };
        kit.replace(trimmed);
        return trimmed;
      }, settings);
    },

    async editAndResend(messageId, text, settings) {
      const conv = kit.active();
      const at = conv?.messages.findIndex((m) => m.id === messageId && m.role === 'user') ?? -1;
      if (!conv || !text.trim() || at < 0) return;
      await answering(async () => {
        const edited: Conversation = {
          ...conv,
          title: at === 0 ? titleOf(text) : conv.title,
          messages: [...conv.messages.slice(0, at), { ...conv.messages[at], content: text, createdAt: Date.now() }],
        };
        kit.replace(edited);
        await kit.persist(edited);
        return edited;
      }, settings);
    },
  };
}

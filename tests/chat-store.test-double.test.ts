// The chat store's state machine, driven by a test double of the answer service (no model).
import { describe, expect, it } from 'vitest';
import { STREAM_RENDER_MS, createChatStore, type AnswerService, type AnswerSettings, type Persistence } from '../app/stores/chat';
import type { Conversation } from '../app/types';
import { ContextWindowExceededError, serializeError } from '../workers/errors';
import type { AnswerEvent, AnswerRequest, AnswerStats } from '../workers/protocol';

const settings: AnswerSettings = { sampling: { temperature: 0, topK: 0, topP: 1 }, maxNewTokens: 16, systemPrompt: '' };

function memoryPersistence(initial: Conversation[] = []): Persistence & { saved: Map<string, Conversation> } {
  const saved = new Map(initial.map((c) => [c.id, c]));
  return {
    saved,
    list: async () => [...saved.values()],
    save: async (c) => void saved.set(c.id, structuredClone(c)),
    saveAll: async (cs) => cs.forEach((c) => saved.set(c.id, structuredClone(c))),
    remove: async (id) => void saved.delete(id),
    removeAll: async () => saved.clear(),
  };
}

/** Answers with the given words, one event each; `stop()` ends the answer early. */
function fakeService(words: string[], opts: { refuse?: boolean | ((req: AnswerRequest) => boolean) } = {}): AnswerService & { requests: AnswerRequest[] } {
  let stopped = false;
  const requests: AnswerRequest[] = [];
  return {
    requests,
    async answer(req, onEvent: (e: AnswerEvent) => void): Promise<AnswerStats> {
      requests.push(req);
      if (typeof opts.refuse === 'function' ? opts.refuse(req) : opts.refuse) throw serializeError(new ContextWindowExceededError(9999, 1024));
      stopped = false;
      onEvent({ type: 'started', promptTokens: 3, droppedMessages: 0, backend: 'wasm', model: 'fake' });
      let text = '';
      for (const w of words) {
        await new Promise((r) => setTimeout(r, 5));
        if (stopped) break;
        text += w;
        onEvent({ type: 'token', text: w, tokens: 1 });
      }
      return { reason: stopped ? 'stopped' : 'eos', promptTokens: 3, generatedTokens: words.length, prefillMs: 1, firstTokenMs: 1, totalMs: 2, tokensPerSecond: 1, text };
    },
    async stop() {
      stopped = true;
    },
  };
}

describe('chat store (test double engine)', () => {
  it('sends, streams and stores a finished answer', async () => {
    const db = memoryPersistence();
    const store = createChatStore(fakeService(['Hi', ' there', '.']), db);
    store.getState().setDraft('Hello');
    await store.getState().send(settings);
    const conv = store.getState().conversations[0];
    expect(conv.title).toBe('Hello');
    expect(conv.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'Hello', undefined],
      ['assistant', 'Hi there.', 'done'],
    ]);
    expect(store.getState().draft).toBe('');
    expect(store.getState().streamingId).toBeNull();
    expect(db.saved.get(conv.id)?.messages[1].content).toBe('Hi there.');
  });

  it('stop keeps the partial answer and marks it stopped', async () => {
    const store = createChatStore(fakeService(Array(50).fill('word ')), memoryPersistence());
    store.getState().setDraft('Tell me a story');
    const sending = store.getState().send(settings);
    await new Promise((r) => setTimeout(r, 30));
    expect(store.getState().streamingId).not.toBeNull();
    await store.getState().stop();
    await sending;
    const reply = store.getState().conversations[0].messages[1];
    expect(reply.status).toBe('stopped');
    expect(reply.content.length).toBeGreaterThan(0);
    expect(reply.content.length).toBeLessThan(250);
  });

  it('sends in the same moment: the first goes, the others are refused with their text kept, and store and screen agree', async () => {
    const db = memoryPersistence();
    const service = fakeService(['Hi.']);
    const store = createChatStore(service, db);
    const sends: Promise<void>[] = [];
    for (const text of ['one', 'two', 'three']) {
      store.getState().setDraft(text);
      sends.push(store.getState().send(settings));
    }
    await Promise.all(sends);
    const conv = store.getState().conversations[0];
    expect(conv.messages.map((m) => `${m.role}:${m.content}`)).toEqual(['user:one', 'assistant:Hi.']);
    expect(store.getState().draft).toBe('three');
    expect(store.getState().streamingId).toBeNull();
    expect(service.requests).toHaveLength(1);
    expect([...db.saved.values()][0].messages).toHaveLength(2);
  });

  it('a prompt refused for its length takes nothing and gives the text back', async () => {
    const db = memoryPersistence();
    const store = createChatStore(fakeService([], { refuse: true }), db);
    store.getState().setDraft('very long text');
    await store.getState().send(settings);
    expect(store.getState().draft).toBe('very long text');
    expect(store.getState().error).toBeInstanceOf(ContextWindowExceededError);
    expect(store.getState().conversations[0].messages).toEqual([]);
    expect([...db.saved.values()][0].messages).toEqual([]);
  });

  it('regenerate replaces the last answer; edit-and-resend cuts the turns after the edit', async () => {
    const service = fakeService(['A']);
    const store = createChatStore(service, memoryPersistence());
    store.getState().setDraft('one');
    await store.getState().send(settings);
    store.getState().setDraft('two');
    await store.getState().send(settings);
    await store.getState().regenerate(settings);
    let msgs = store.getState().conversations[0].messages;
    expect(msgs.map((m) => m.content)).toEqual(['one', 'A', 'two', 'A']);
    expect(service.requests.at(-1)!.messages.map((m) => m.content)).toEqual(['one', 'A', 'two']);

    await store.getState().editAndResend(msgs[0].id, 'uno', settings);
    msgs = store.getState().conversations[0].messages;
    expect(msgs.map((m) => m.content)).toEqual(['uno', 'A']);
    expect(store.getState().conversations[0].title).toBe('uno');
  });

  it('sends the system prompt first when there is one', async () => {
    const service = fakeService(['ok']);
    const store = createChatStore(service, memoryPersistence());
    store.getState().setDraft('hi');
    await store.getState().send({ ...settings, systemPrompt: 'Be brief.' });
    expect(service.requests[0].messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
  });

  it('an answer that was streaming when the page closed comes back as interrupted', async () => {
    const conv: Conversation = {
      id: 'c', title: 't', createdAt: 1, updatedAt: 1,
      messages: [
        { id: 'u', role: 'user', content: 'q', createdAt: 1 },
        { id: 'a', role: 'assistant', content: 'half', createdAt: 1, status: 'streaming' },
      ],
    };
    const store = createChatStore(fakeService([]), memoryPersistence([conv]));
    await store.getState().hydrate();
    expect(store.getState().activeId).toBe('c');
    expect(store.getState().conversations[0].messages[1]).toMatchObject({ content: 'half', status: 'interrupted' });
  });

  it('sentence-loop events: a rewind drops the draft, a commit shows the committed text plus the new draft; settings travel per conversation', async () => {
    const seen: string[] = [];
    const holder: { store?: ReturnType<typeof createChatStore> } = {};
    const content = () => holder.store!.getState().conversations[0].messages[1].content;
    const service: AnswerService = {
      async answer(req, onEvent) {
        expect(req.align).toMatchObject({ check: 'rules', correction: 'redact' });
        const tick = () => new Promise((r) => setTimeout(r, STREAM_RENDER_MS + 10)); // the store renders tokens in batches
        onEvent({ type: 'started', promptTokens: 3, droppedMessages: 0, backend: 'wasm', model: 'fake' });
        onEvent({ type: 'token', text: 'Mail me at a@b.co.', tokens: 1 });
        await tick();
        seen.push(content());
        onEvent({ type: 'rewound', index: 0, position: 3, attempt: 1 });
        await tick();
        seen.push(content(), holder.store!.getState().conversations[0].messages[1].activity ?? '');
        onEvent({ type: 'token', text: ' Bye', tokens: 1 });
        onEvent({ type: 'sentence-committed', index: 0, text: 'Mail me at [e-mail address removed].', pending: ' Bye', trail: {} as never });
        await tick();
        seen.push(content());
        return { reason: 'eos', promptTokens: 3, generatedTokens: 9, prefillMs: 1, firstTokenMs: 1, totalMs: 2, tokensPerSecond: 1, text: 'Mail me at [e-mail address removed]. Bye.' };
      },
      async stop() {},
    };
    const store = createChatStore(service, memoryPersistence());
    holder.store = store;
    await store.getState().setAlign({ check: 'rules', correction: 'redact' });
    store.getState().setDraft('Hi');
    await store.getState().send(settings);
    expect(seen[0]).toBe('Mail me at a@b.co.');
    expect(seen[1]).toBe('');
    expect(seen[2]).toContain('Rewound to sentence 1');
    expect(seen[3]).toBe('Mail me at [e-mail address removed]. Bye');
    const conv = store.getState().conversations[0];
    expect(conv.align?.check).toBe('rules');
    expect(conv.messages[1]).toMatchObject({ content: 'Mail me at [e-mail address removed]. Bye.', status: 'done', activity: undefined });
  });

  it('import merges: new conversations are added, identical ones skipped, a different one with a taken id becomes a copy', async () => {
    const mk = (id: string, content: string, updatedAt = 1): Conversation => ({
      id, title: id, createdAt: 1, updatedAt, messages: [{ id: `${id}-m`, role: 'user', content, createdAt: 1 }],
    });
    const db = memoryPersistence([mk('a', 'hello'), mk('b', 'mine')]);
    const store = createChatStore(fakeService([]), db);
    await store.getState().hydrate();
    const summary = await store.getState().importConversations([mk('a', 'hello'), mk('b', 'theirs', 2), mk('c', 'new')]);
    expect(summary).toEqual({ added: 1, unchanged: 1, copied: 1 });
    const all = store.getState().conversations;
    expect(all).toHaveLength(4);
    // Nothing on the device was replaced.
    expect(all.find((c) => c.id === 'b')?.messages[0].content).toBe('mine');
    const copy = all.find((c) => c.title === 'b (imported copy)');
    expect(copy?.messages[0].content).toBe('theirs');
    expect(copy?.id).not.toBe('b');
    expect([...db.saved.keys()].sort()).toEqual(['a', 'b', 'c', copy!.id].sort());
  });

  it('an import that cannot be stored changes nothing on screen', async () => {
    const db = memoryPersistence();
    db.saveAll = async () => {
      throw new DOMException('full', 'QuotaExceededError');
    };
    const store = createChatStore(fakeService([]), db);
    await expect(store.getState().importConversations([{ id: 'x', title: 'x', createdAt: 1, updatedAt: 1, messages: [] }])).rejects.toThrow();
    expect(store.getState().conversations).toEqual([]);
  });
});

describe('chat store with sources (test double engine)', () => {
  const passages = [{ id: 1, label: 'ocean (noun) · WordNet 3.1', text: 'An ocean is a large body of water.' }];
  const provider = (fail = false) => ({
    async forQuestion(question: string) {
      if (fail) throw new Error('The offline library could not be read (HTTP 404).');
      return { sources: { question, passages, notFound: 'Nothing in the offline library answers that.' }, prompt: () => `[1] ${passages[0].text}\nQuestion: ${question}`, grounding: passages[0].text };
    },
  });

  it('asks with the sources and this question only, and keeps the passages with the answer', async () => {
    const service = fakeService(['An ocean', ' is a large body of water.']);
    const store = createChatStore(service, memoryPersistence(), provider());
    store.getState().setDraft('What is the capital of Peru?');
    await store.getState().send(settings);
    store.getState().setDraft('What does ocean mean?');
    await store.getState().send(settings);
    const req = service.requests[1];
    // Earlier turns are not sent: a small model would repeat the last answer's pattern.
    expect(req.messages).toEqual([{ role: 'user', content: '[1] An ocean is a large body of water.\nQuestion: What does ocean mean?' }]);
    expect(req.sources).toMatchObject({ question: 'What does ocean mean?', passages });
    expect(req.grounding).toBe(passages[0].text);
    const reply = store.getState().conversations[0].messages.at(-1)!;
    expect(reply.sources).toEqual(passages);
    expect(reply.content).toBe('An ocean is a large body of water.');
  });

  it('a sourced prompt too long for the model is asked again with fewer words of the passages', async () => {
    const long = { async forQuestion(question: string) {
      return { sources: { question, passages, notFound: 'x' }, prompt: (maxWords: number) => `WORDS-${maxWords} ${question}`, grounding: '' };
    } };
    const service = fakeService(['An ocean is a large body of water.'], { refuse: (req) => !req.messages[0].content.startsWith('WORDS-80') });
    const store = createChatStore(service, memoryPersistence(), long);
    store.getState().setDraft('What does ocean mean?');
    await store.getState().send(settings);
    expect(service.requests.map((r) => r.messages[0].content.split(' ')[0])).toEqual(['WORDS-330', 'WORDS-160', 'WORDS-80']);
    expect(store.getState().error).toBeNull();
    expect(store.getState().conversations[0].messages.at(-1)!.content).toBe('An ocean is a large body of water.');
  });

  it('answers without sources when they cannot be read, and says so on the answer', async () => {
    const service = fakeService(['Hello.']);
    const store = createChatStore(service, memoryPersistence(), provider(true));
    store.getState().setDraft('What does ocean mean?');
    await store.getState().send(settings);
    expect(service.requests[0].sources).toBeUndefined();
    expect(service.requests[0].messages).toEqual([{ role: 'user', content: 'What does ocean mean?' }]);
    const reply = store.getState().conversations[0].messages.at(-1)!;
    expect(reply.notice).toMatch(/could not be read.*not from a source/);
    expect(reply.status).toBe('done');
  });
});

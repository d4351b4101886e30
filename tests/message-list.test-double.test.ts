// @vitest-environment happy-dom
// The message list with the chat store driven by a test double of the answer service (no
// model): while an answer streams, only the streaming message re-renders.
import { act, createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createChatStore, STREAM_RENDER_MS, type AnswerService, type AnswerSettings, type Persistence } from '../app/stores/chat';
import type { Message } from '../app/types';
import type { AnswerEvent, AnswerStats } from '../workers/protocol';

const renders = new Map<string, number>();
vi.mock('../app/components/MessageView', () => ({
  MessageView: ({ message }: { message: Message }) => {
    renders.set(message.id, (renders.get(message.id) ?? 0) + 1);
    return createElement('article', { 'data-id': message.id }, message.content);
  },
}));
const { MessageList } = await import('../app/components/MessageList');

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
const settings: AnswerSettings = { sampling: { temperature: 0, topK: 0, topP: 1 }, maxNewTokens: 16, systemPrompt: '' };
const memory: Persistence = { list: async () => [], save: async () => {}, saveAll: async () => {}, remove: async () => {}, removeAll: async () => {} };

/** Writes each word as a token, waiting for `next()` before each one. */
function steppedService(words: string[]) {
  const gates: (() => void)[] = [];
  const service: AnswerService = {
    async answer(_req, onEvent: (e: AnswerEvent) => void): Promise<AnswerStats> {
      for (const w of words) {
        await new Promise<void>((r) => gates.push(r));
        onEvent({ type: 'token', text: w, tokens: 1 });
      }
      const text = words.join('');
      return { reason: 'eos', promptTokens: 1, generatedTokens: words.length, prefillMs: 1, firstTokenMs: 1, totalMs: 1, tokensPerSecond: 1, text };
    },
    async stop() {},
  };
  const next = async () => {
    while (!gates.length) await new Promise((r) => setTimeout(r, 1));
    gates.shift()!();
    await new Promise((r) => setTimeout(r, STREAM_RENDER_MS + 10)); // the batched render
  };
  return { service, next };
}

let unmount = () => {};
afterEach(() => unmount());

describe('message list (test double engine)', () => {
  it('re-renders only the streaming message as tokens arrive', async () => {
    const first = steppedService(['Earlier', ' answer.']);
    const store = createChatStore(first.service, memory);
    store.getState().setDraft('First question');
    const done = store.getState().send(settings);
    await first.next();
    await first.next();
    await done;

    const host = document.createElement('div');
    document.body.append(host);
    const root = createRoot(host);
    unmount = () => act(() => root.unmount());
    await act(async () => root.render(createElement(MessageList, { store, ready: true, settings: () => settings })));
    const [q1, a1] = store.getState().conversations[0].messages.map((m) => m.id);
    expect(host.textContent).toContain('Earlier answer.');

    // A second answer streams into a new message, token by token.
    const second = steppedService(['One', ' two', ' three', '.']);
    Object.assign(first.service, second.service);
    store.getState().setDraft('Second question');
    let sent!: Promise<void>;
    await act(async () => {
      sent = store.getState().send(settings);
    });
    await act(second.next); // the new message is on the page, the others disabled while it streams
    const before = new Map(renders);
    await act(second.next);
    await act(second.next);
    const streamed = store.getState().conversations[0].messages.at(-1)!;
    expect(streamed.content).toBe('One two three');
    expect(host.textContent).toContain('One two three');
    // Two more tokens: the streaming message rendered for each; the earlier ones not at all.
    expect(renders.get(streamed.id)! - before.get(streamed.id)!).toBeGreaterThanOrEqual(2);
    expect(renders.get(q1)).toBe(before.get(q1));
    expect(renders.get(a1)).toBe(before.get(a1));
    // The last token ends the answer: every message's buttons come back.
    await act(second.next);
    await act(() => sent);
    expect(host.textContent).toContain('One two three.');
    expect(renders.get(q1)).toBe(before.get(q1)! + 1);
  });
});

// @vitest-environment happy-dom
// An answer being written survives a reload (test double of the answer service, no model): it is
// saved as it streams and when the page is hidden, and comes back marked interrupted.
import { describe, expect, it } from 'vitest';
import { STREAM_RENDER_MS, createChatStore, type AnswerService, type AnswerSettings, type Persistence } from '../app/stores/chat';
import type { Conversation } from '../app/types';
import type { AnswerEvent, AnswerStats } from '../workers/protocol';

const settings: AnswerSettings = { sampling: { temperature: 0, topK: 0, topP: 1 }, maxNewTokens: 64, systemPrompt: '' };

function memoryPersistence(): Persistence & { saved: Map<string, Conversation> } {
  const saved = new Map<string, Conversation>();
  return {
    saved,
    list: async () => [...saved.values()].map((c) => structuredClone(c)),
    save: async (c) => void saved.set(c.id, structuredClone(c)),
    saveAll: async (cs) => cs.forEach((c) => saved.set(c.id, structuredClone(c))),
    remove: async (id) => void saved.delete(id),
    removeAll: async () => saved.clear(),
  };
}

/** Writes "Once upon a time" and then waits until `release` is called (the page reloads before that). */
function slowService(): AnswerService & { release(): void } {
  let release = () => {};
  return {
    release: () => release(),
    async answer(_req, onEvent: (e: AnswerEvent) => void): Promise<AnswerStats> {
      onEvent({ type: 'started', promptTokens: 3, droppedMessages: 0, backend: 'wasm', model: 'fake' });
      onEvent({ type: 'token', text: 'Once upon a time', tokens: 1 });
      await new Promise<void>((r) => (release = r));
      return { reason: 'eos', promptTokens: 3, generatedTokens: 4, prefillMs: 1, firstTokenMs: 1, totalMs: 2, tokensPerSecond: 1, text: 'Once upon a time' };
    },
    async stop() {},
  };
}

describe('an answer being written (test double engine)', () => {
  it('is saved as it streams and when the page is hidden, and comes back after a reload marked interrupted', async () => {
    const db = memoryPersistence();
    const service = slowService();
    const store = createChatStore(service, db);
    store.getState().setDraft('Tell me a long story.');
    const sending = store.getState().send(settings);
    await new Promise((r) => setTimeout(r, STREAM_RENDER_MS * 3));
    // Saved when it started: the reply is there, being written.
    expect([...db.saved.values()][0].messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    window.dispatchEvent(new Event('pagehide'));
    await new Promise((r) => setTimeout(r, 10));
    const saved = [...db.saved.values()][0].messages[1];
    expect(saved).toMatchObject({ status: 'streaming', content: 'Once upon a time' });

    // The reload: a new store over the same storage.
    const reloaded = createChatStore(slowService(), db);
    await reloaded.getState().hydrate();
    expect(reloaded.getState().conversations[0].messages[1]).toMatchObject({ status: 'interrupted', content: 'Once upon a time' });

    service.release();
    await sending;
    expect([...db.saved.values()][0].messages[1]).toMatchObject({ status: 'done', content: 'Once upon a time' });
  });
});

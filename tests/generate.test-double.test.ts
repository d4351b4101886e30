// encodeToFit and the answer loop against a test double of the engine (no model).
import { describe, expect, it } from 'vitest';
import { ContextWindowExceededError } from '../workers/errors';
import type { ChatMessage, Engine, StepResult } from '../workers/engine/types';
import { encodeToFit, generateAnswer } from '../workers/generate';
import type { AnswerEvent } from '../workers/protocol';

/** Every character is a token; the "model" spells out `reply` then ends with token 0. */
function fakeEngine(contextWindow: number, reply = 'hello'): Engine {
  let seq: number[] = [];
  let out = 0;
  return {
    info: { id: 'fake', backend: 'wasm', contextWindow, vocabSize: 256, eosTokenIds: [0], loadMs: 0 },
    load: async () => { throw new Error('unused'); },
    unload: async () => {},
    encode: async (messages: ChatMessage[]) => [...messages.map((m) => `${m.role}:${m.content};`).join('')].map((c) => c.charCodeAt(0)),
    encodeText: async (t: string) => [...t].map((c) => c.charCodeAt(0)),
    decode: (ids: number[]) => String.fromCharCode(...ids),
    prefill: async (ids: number[]) => { seq = [...ids]; out = 0; },
    step: async (): Promise<StepResult> => {
      const token = out < reply.length ? reply.charCodeAt(out) : 0;
      out++;
      seq.push(token);
      return { token, logprob: 0, top: [] };
    },
    position: () => seq.length,
    sequence: () => seq,
    extend: async (ids: number[]) => { seq.push(...ids); },
    nextLogprobs: async () => { throw new Error('unused'); },
    rewind: async (p: number) => { seq = seq.slice(0, p); },
    setLogitProcessors: () => {},
    setSeed: () => {},
    abort: () => {},
  };
}

const turns = (n: number): ChatMessage[] =>
  Array.from({ length: n }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: `turn number ${i}` }) as ChatMessage);

describe('encodeToFit (test double engine)', () => {
  it('keeps everything when it fits', async () => {
    const r = await encodeToFit(fakeEngine(1000), turns(5), 1000);
    expect(r.droppedMessages).toBe(0);
  });

  it('drops the oldest exchanges, keeping the system prompt and the last message', async () => {
    const msgs: ChatMessage[] = [{ role: 'system', content: 'sys' }, ...turns(7)];
    const engine = fakeEngine(100);
    const r = await encodeToFit(engine, msgs, 100);
    expect(r.droppedMessages).toBeGreaterThan(0);
    expect(r.droppedMessages % 2).toBe(0);
    const text = engine.decode(r.ids);
    expect(text.startsWith('system:sys;')).toBe(true);
    expect(text).toContain('turn number 6');
    expect(r.ids.length + 16).toBeLessThanOrEqual(100);
  });

  it('refuses a last message that alone does not fit', async () => {
    await expect(encodeToFit(fakeEngine(50), [{ role: 'user', content: 'x'.repeat(100) }], 50)).rejects.toBeInstanceOf(ContextWindowExceededError);
  });
});

describe('generateAnswer (test double engine)', () => {
  it('streams the reply and stops at the end token', async () => {
    const events: AnswerEvent[] = [];
    const stats = await generateAnswer(fakeEngine(500), { messages: turns(1), sampling: { temperature: 0, topK: 0, topP: 1 }, maxNewTokens: 50, seed: 1 }, (e) => events.push(e), () => false);
    expect(stats).toMatchObject({ reason: 'eos', generatedTokens: 5, text: 'hello' });
    expect(events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')).join('')).toBe('hello');
    expect(events[0].type).toBe('started');
    expect(events.at(-1)?.type).toBe('done');
  });

  it('honours the length budget and a stop request', async () => {
    const req = { messages: turns(1), sampling: { temperature: 0, topK: 0, topP: 1 }, maxNewTokens: 3, seed: 1 };
    expect(await generateAnswer(fakeEngine(500), req, () => {}, () => false)).toMatchObject({ reason: 'length', text: 'hel' });
    let n = 0;
    const stopped = await generateAnswer(fakeEngine(500), { ...req, maxNewTokens: 50 }, () => {}, () => ++n > 2);
    expect(stopped).toMatchObject({ reason: 'stopped', text: 'he' });
  });
});

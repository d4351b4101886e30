// The engine contract, run against every engine that can run here: OnnxEngine on the bundled
// Pocket model (through transformers.js with Node's ONNX Runtime). WebLLMEngine needs WebGPU
// and a downloaded model, so only its pure parts are tested (errors.test.ts, catalogue.test.ts).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenerationAbortedError } from '../workers/errors';
import { OnnxEngine } from '../workers/engine/onnx';
import { TextStream } from '../workers/engine/decoding';
import type { Engine, SamplingOptions } from '../workers/engine/types';

const greedy: SamplingOptions = { temperature: 0, topK: 0, topP: 1 };
const models = path.resolve(__dirname, '../public/models') + path.sep;

async function decodeGreedy(engine: Engine, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await engine.step(greedy)).token);
  return out;
}

describe('Engine contract: OnnxEngine on pocket-lm', () => {
  const engine = new OnnxEngine(models, 'cpu');
  let prompt: number[];

  beforeAll(async () => {
    // fp32: the cache must give a fresh prefill's numbers exactly, and the 8-bit graph quantizes
    // activations per call (tests/quantized.test.ts holds it to fp32).
    const info = await engine.load({ kind: 'bundled', id: 'pocket-lm', path: 'pocket-lm', dtype: 'fp32' }, { backend: 'wasm' });
    expect(info.contextWindow).toBeGreaterThan(256);
    expect(info.eosTokenIds.length).toBeGreaterThan(0);
    prompt = await engine.encode([{ role: 'user', content: 'Tell me a story.' }]);
  });
  afterAll(() => engine.unload());

  it('encodes with the chat template, ending at the assistant header', async () => {
    const text = engine.decode(prompt);
    expect(text).toContain('Tell me a story.');
    const header = await engine.encode([]);
    expect(prompt.slice(-header.length)).toEqual(header);
  });

  it('rewinding to p and decoding greedily equals a fresh prefill of the same prefix', async () => {
    await engine.prefill(prompt);
    const first = await decodeGreedy(engine, 12);
    expect(engine.position()).toBe(prompt.length + 12);
    for (const keep of [0, 1, 5, 11]) {
      const p = prompt.length + keep;
      await engine.rewind(p);
      expect(engine.position()).toBe(p);
      const afterRewind = await decodeGreedy(engine, 12 - keep);
      await engine.prefill([...prompt, ...first.slice(0, keep)]);
      const fresh = await decodeGreedy(engine, 12 - keep);
      expect(afterRewind).toEqual(fresh);
      expect(afterRewind).toEqual(first.slice(keep));
    }
  });

  it('reports top-k log-probabilities with each step, the chosen token first when greedy', async () => {
    await engine.prefill(prompt);
    const r = await engine.step({ ...greedy, reportTopK: 5 });
    expect(r.top).toHaveLength(5);
    expect(r.top[0].token).toBe(r.token);
    expect(r.top[0].logprob).toBeLessThanOrEqual(0);
    for (let i = 1; i < 5; i++) expect(r.top[i].logprob).toBeLessThanOrEqual(r.top[i - 1].logprob);
  });

  it('the same seed gives the same sampled answer', async () => {
    const sample = async (seed: number) => {
      engine.setSeed(seed);
      await engine.prefill(prompt);
      const out: number[] = [];
      for (let i = 0; i < 10; i++) out.push((await engine.step({ temperature: 1, topK: 40, topP: 0.95 })).token);
      return out;
    };
    expect(await sample(42)).toEqual(await sample(42));
  });

  it('aborting a step leaves the engine usable', async () => {
    await engine.prefill(prompt);
    const before = await decodeGreedy(engine, 3);
    engine.abort();
    await expect(engine.step(greedy)).rejects.toBeInstanceOf(GenerationAbortedError);
    expect(engine.position()).toBe(prompt.length + 3);
    // The sequence goes on exactly as if nothing had happened.
    const next = await decodeGreedy(engine, 3);
    await engine.prefill(prompt);
    expect(await decodeGreedy(engine, 6)).toEqual([...before, ...next]);
  });

  it('applies per-step logit processors', async () => {
    await engine.prefill(prompt);
    const banned = (await engine.step(greedy)).token;
    await engine.rewind(prompt.length);
    engine.setLogitProcessors([{ processLogits: (l) => ((l[banned] = -Infinity), l), processSampledToken: () => {}, resetState: () => {} }]);
    const r = await engine.step(greedy);
    engine.setLogitProcessors([]);
    expect(r.token).not.toBe(banned);
    expect(r.top[0].token).toBe(banned);
  });

  it('rewind then extend with other tokens equals a fresh prefill of the new text', async () => {
    await engine.prefill(prompt);
    await decodeGreedy(engine, 8);
    const other = await engine.encode([{ role: 'user', content: 'Tell me a story.' }], 'Once upon a time');
    const shared = other.findIndex((t, i) => t !== prompt[i]);
    await engine.rewind(shared);
    await engine.extend(other.slice(shared));
    expect(engine.sequence()).toEqual(other);
    const afterExtend = await decodeGreedy(engine, 6);
    await engine.prefill(other);
    expect(await decodeGreedy(engine, 6)).toEqual(afterExtend);
  });

  it('encodes prompt and answer prefix together, starting with the prompt', async () => {
    const withPrefix = await engine.encode([{ role: 'user', content: 'Tell me a story.' }], 'The sea');
    expect(withPrefix.slice(0, prompt.length)).toEqual(prompt);
    expect(engine.decode(withPrefix.slice(prompt.length))).toBe('The sea');
  });

  it('nextLogprobs scores a separate prompt and leaves the current sequence as it was', async () => {
    await engine.prefill(prompt);
    const first = await decodeGreedy(engine, 4);
    const other = await engine.encode([{ role: 'user', content: 'Hello' }]);
    await engine.prefill(other);
    const step = await engine.step({ ...greedy, reportTopK: 3 });
    await engine.prefill(prompt);
    await decodeGreedy(engine, 2);
    const scores = await engine.nextLogprobs(other, step.top.map((t) => t.token));
    scores.forEach((s, i) => expect(s).toBeCloseTo(step.top[i].logprob, 4));
    expect(engine.position()).toBe(prompt.length + 2);
    expect(await decodeGreedy(engine, 2)).toEqual(first.slice(2));
  });

  it('nextLogprobsCached reuses the shared prefix and gives the same numbers as a fresh prefill', async () => {
    const texts = ['The cat sat.', 'The cat sat. Then it slept.', 'The cat sat. Then it ran.', 'A dog.'];
    const candidates = [5, 50, 500];
    await engine.prefill(prompt);
    for (const text of texts) {
      const ids = await engine.encode([{ role: 'user', content: text }]);
      const cached = await engine.nextLogprobsCached(ids, candidates);
      expect(engine.sequence()).toEqual(ids);
      const fresh = await engine.nextLogprobs(ids, candidates);
      cached.forEach((c, i) => expect(c).toBeCloseTo(fresh[i], 4));
    }
  });

  it('the answer decoded token by token (TextStream) reads exactly as the whole answer decoded at once', async () => {
    const texts = ['Tell me a story.', 'Write “café” — naïve, 12 × 7 = 84, 😀 and 日本語.', 'What is 3.14?'];
    for (const [i, content] of texts.entries()) {
      // Sampled, so that odd tokens (bytes of a character cut in two, spaces, punctuation) come up.
      engine.setSeed(11 + i);
      await engine.prefill(await engine.encode([{ role: 'user', content }]));
      const stream = new TextStream(engine);
      const tokens: number[] = [];
      let streamed = '';
      for (let n = 0; n < 120; n++) {
        const { token } = await engine.step({ temperature: 1.2, topK: 0, topP: 1 });
        tokens.push(token);
        streamed += stream.push(token) ?? '';
        expect(engine.decode(tokens).startsWith(streamed)).toBe(true);
      }
      expect(streamed).toBe(stream.text);
      expect(engine.decode(tokens).startsWith(streamed) && engine.decode(tokens).length - streamed.length <= 4).toBe(true);
    }
  });

  it('TextStream waits while a character is cut between tokens, then gives it whole', async () => {
    const ids = await engine.encode([{ role: 'user', content: 'x 😀 y' }]);
    const x = ids.findIndex((t) => engine.decode([t]) === 'x');
    const bytes = ids.slice(x + 1).filter((t) => engine.decode([t]) === '\uFFFD').slice(0, 4);
    expect(bytes).toHaveLength(4); // the emoji is four byte tokens
    const stream = new TextStream(engine);
    expect(stream.push(ids[x])).toBe('x');
    const out = ids.slice(x + 1, ids.indexOf(bytes[3]) + 1).map((t) => stream.push(t));
    expect(out.slice(0, -1).every((o) => o === null || !o.includes('\uFFFD'))).toBe(true);
    expect(out.at(-1)).toMatch(/😀$/);
    expect(stream.text).toBe('x 😀');
  });
});

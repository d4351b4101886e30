// The exported Pocket model, run by the app's own OnnxEngine (transformers.js + ONNX Runtime),
// must agree with the PyTorch model it was exported from: same prompt ids from the chat
// template, same top-5 log-probabilities (to 1e-3) at the first greedy steps and after
// teacher-forced prefixes, same greedy continuation.
// The reference is written by training/export.py. By default this checks the shipped model;
// the CI smoke training points it at its own export with POCKET_MODEL_DIR / POCKET_REFERENCE.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxEngine } from '../workers/engine/onnx';
import type { SamplingOptions } from '../workers/engine/types';

interface Reference {
  model: string;
  eos: number;
  prompts: {
    prompt: string;
    prompt_ids: number[];
    greedy_ids: number[];
    top: { token: number; logprob: number }[][];
    forced: { ids: number[]; top: { token: number; logprob: number }[]; aligned_top: { token: number; logprob: number }[] }[];
  }[];
  /** A fixed test aligner token with open gates. */
  aligner: { embedding: number[][]; gates: number[][] };
}

const modelDir = path.resolve(process.env.POCKET_MODEL_DIR ?? path.join(__dirname, '../public/models/pocket-lm'));
const reference: Reference = JSON.parse(
  readFileSync(process.env.POCKET_REFERENCE ?? path.join(__dirname, 'fixtures/pocket-lm-reference.json'), 'utf8'),
);
const greedy: SamplingOptions = { temperature: 0, topK: 0, topP: 1, reportTopK: 5 };

describe(`Export parity: ONNX in the app's engine vs PyTorch (${path.basename(modelDir)})`, () => {
  const engine = new OnnxEngine(path.dirname(modelDir) + path.sep, 'cpu');

  beforeAll(async () => {
    await engine.load({ kind: 'bundled', id: 'pocket-lm', path: path.basename(modelDir), dtype: 'fp32' }, { backend: 'wasm' });
  });
  afterAll(() => engine.unload());

  it.each(reference.prompts.map((p) => [p.prompt, p] as const))('%s', async (_, ref) => {
    const ids = await engine.encode([{ role: 'user', content: ref.prompt }]);
    expect(ids).toEqual(ref.prompt_ids);
    await engine.prefill(ids);
    const generated: number[] = [];
    for (let i = 0; i < ref.greedy_ids.length + 1; i++) {
      const step = await engine.step(greedy);
      if (i < ref.top.length) {
        expect(step.top.map((t) => t.token)).toEqual(ref.top[i].map((t) => t.token));
        step.top.forEach((t, k) => expect(t.logprob).toBeCloseTo(ref.top[i][k].logprob, 3));
      }
      if (step.token === reference.eos) break;
      generated.push(step.token);
    }
    expect(generated.slice(0, ref.greedy_ids.length)).toEqual(ref.greedy_ids);
    for (const forced of ref.forced) {
      await engine.prefill(forced.ids);
      const step = await engine.step(greedy);
      expect(step.top.map((t) => t.token)).toEqual(forced.top.map((t) => t.token));
      step.top.forEach((t, k) => expect(t.logprob).toBeCloseTo(forced.top[k].logprob, 3));
    }
  });

  it('with an aligner token fed as inputs, the same logits as PyTorch with that token', async () => {
    expect(engine.hasAlignerInputs()).toBe(true);
    try {
      for (const ref of reference.prompts) {
        for (const forced of ref.forced) {
          engine.setAligner(reference.aligner);
          await engine.prefill(forced.ids);
          const step = await engine.step(greedy);
          expect(step.top.map((t) => t.token)).toEqual(forced.aligned_top.map((t) => t.token));
          step.top.forEach((t, k) => expect(t.logprob).toBeCloseTo(forced.aligned_top[k].logprob, 3));
        }
      }
      // The token really changes the model (else this test could not fail).
      const differs = reference.prompts.some((p) => p.forced.some((f) => Math.abs(f.aligned_top[0].logprob - f.top[0].logprob) > 1e-3));
      expect(differs).toBe(true);
    } finally {
      engine.setAligner(null);
    }
  });
});

// The 8-bit Pocket (onnx/model_quantized.onnx, written by training/quantize.py) against the
// fp32 export it was made from, both run by the app's own OnnxEngine: bits per byte on held-out
// text (Moby Dick and State of the Union paragraphs that the training data scripts hold out of
// training, tests/fixtures/heldout-text.txt) within 2 % of fp32's, and the same greedy answers.
// By default this checks the shipped model; POCKET_MODEL_DIR points it at another export.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEnd } from '../workers/engine/decoding';
import { bundledDtype, OnnxEngine } from '../workers/engine/onnx';

const modelDir = path.resolve(process.env.POCKET_MODEL_DIR ?? path.join(__dirname, '../public/models/pocket-lm'));
const lines = readFileSync(path.join(__dirname, 'fixtures/heldout-text.txt'), 'utf8').split('\n').filter((l) => l.trim());
const hasQ8 = existsSync(path.join(modelDir, 'onnx/model_quantized.onnx'));

/** Bits per byte of `lines`, teacher-forced through the engine's cache: [bos] line [eos], as training/eval.py counts them. */
async function bitsPerByte(engine: OnnxEngine, bos: number, eos: number): Promise<number> {
  let nats = 0;
  let bytes = 0;
  for (const line of lines) {
    const ids = [bos, ...(await engine.encodeText(line)), eos];
    // In windows that fit the context, each read from its own start (as training/eval.py does).
    const seq = Math.min(256, engine.info!.contextWindow - 1);
    for (let start = 0; start < ids.length - 1; start += seq) {
      const window = ids.slice(start, start + seq + 1);
      for (let k = 1; k < window.length; k++) {
        const [lp] = await engine.nextLogprobsCached(window.slice(0, k), [window[k]]);
        nats -= lp;
      }
    }
    bytes += new TextEncoder().encode(line).length + 1;
  }
  return nats / bytes / Math.LN2;
}

describe.skipIf(!hasQ8)(`8-bit Pocket vs fp32 (${path.basename(modelDir)})`, () => {
  const engines = { fp32: new OnnxEngine(path.dirname(modelDir) + path.sep, 'cpu'), q8: new OnnxEngine(path.dirname(modelDir) + path.sep, 'cpu') };
  const config = JSON.parse(readFileSync(path.join(modelDir, 'config.json'), 'utf8'));

  beforeAll(async () => {
    for (const dtype of ['fp32', 'q8'] as const) {
      await engines[dtype].load({ kind: 'bundled', id: 'pocket-lm', path: path.basename(modelDir), dtype }, { backend: 'wasm' });
    }
  }, 60_000);
  afterAll(async () => {
    await engines.fp32.unload();
    await engines.q8.unload();
  });

  it('held-out bits per byte within 2 % of fp32', async () => {
    const fp32 = await bitsPerByte(engines.fp32, config.bos_token_id, config.eos_token_id);
    const q8 = await bitsPerByte(engines.q8, config.bos_token_id, config.eos_token_id);
    console.log(`held-out bits per byte (${lines.length} paragraphs): fp32 ${fp32.toFixed(4)}, q8 ${q8.toFixed(4)} (${(100 * (q8 / fp32 - 1)).toFixed(3)} %)`);
    expect(fp32).toBeGreaterThan(0.5);
    expect(Math.abs(q8 / fp32 - 1)).toBeLessThan(0.02);
  }, 120_000);

  it('writes the same greedy answers to the parity prompts', async () => {
    const prompts = ['Tell me a story.', 'What is the capital of France?', 'What does ocean mean?', 'Repeat exactly: <b>hi</b>'];
    for (const content of prompts) {
      const answers: string[] = [];
      for (const engine of [engines.fp32, engines.q8]) {
        await engine.prefill(await engine.encode([{ role: 'user', content }]));
        const out: number[] = [];
        for (let i = 0; i < 24; i++) {
          const { token } = await engine.step({ temperature: 0, topK: 0, topP: 1 });
          if (isEnd(engine, token)) break;
          out.push(token);
        }
        answers.push(engine.decode(out));
      }
      expect(answers[1], content).toBe(answers[0]);
    }
  }, 60_000);

  it('is what the app runs on WASM, and its cached steps stay close to a fresh prefill', async () => {
    expect(bundledDtype('wasm')).toBe('q8');
    expect(bundledDtype('webgpu')).toBe('fp32');
    // Activations are quantized per call (one scale per tensor, as ONNX Runtime's dynamic
    // quantization does), so a step through the cache and a fresh prefill of the same tokens
    // differ a little, where fp32 agrees exactly (tests/engine-contract.test.ts).
    const q8 = engines.q8;
    const ids = await q8.encode([{ role: 'user', content: 'What is a lighthouse?' }], 'A lighthouse is a tall tower');
    const candidates = [...Array(50).keys()].map((i) => i * 97 + 5);
    await q8.prefill(ids.slice(0, -6));
    const cached = await q8.nextLogprobsCached(ids, candidates);
    const fresh = await q8.nextLogprobs(ids, candidates);
    const worst = Math.max(...cached.map((c, i) => Math.abs(c - fresh[i])));
    console.log(`8-bit: cached vs fresh prefill, largest log-probability difference over ${candidates.length} tokens: ${worst.toFixed(4)}`);
    expect(worst).toBeLessThan(0.25);
  });
});

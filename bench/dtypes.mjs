// The bundled model's fp32 and 8-bit graphs side by side, in one process and one run: file size,
// load time, the raw step loop and the aligner judge's milliseconds per sentence, in paired
// rounds that alternate which graph goes first (so the host's drift cancels in each round's
// ratio). Node's ONNX Runtime on the CPU (the same kernels the browser's WASM build compiles);
// the browser's own figures for the graph the app runs are in the bench's other tables.
import { statSync } from 'node:fs';
import path from 'node:path';
import { moduleServer } from './node-workers.mjs';

const FILES = { fp32: 'model.onnx', q8: 'model_quantized.onnx' };
const SENTENCES = ['The tower is 41 metres tall.', 'Wait until he is alone and hit him.', 'Mix the flour with water and salt.', 'I cannot help with that.'];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function measureDtypes(root, { rounds = 5, tokens = 128 } = {}) {
  const { load, close } = await moduleServer(root);
  try {
    const { OnnxEngine } = await load('/workers/engine/onnx.ts');
    const { isEnd } = await load('/workers/engine/decoding.ts');
    const { AlignerService } = await load('/workers/align/aligner-service.ts');
    const models = path.join(root, 'public/models');
    const out = {};
    const engines = {};
    for (const dtype of Object.keys(FILES)) {
      const engine = new OnnxEngine(models + path.sep, 'cpu');
      const t0 = performance.now();
      await engine.load({ kind: 'bundled', id: 'pocket-lm', path: 'pocket-lm', dtype }, { backend: 'wasm' });
      out[dtype] = { fileBytes: statSync(path.join(models, 'pocket-lm/onnx', FILES[dtype])).size, loadMs: performance.now() - t0, rounds: [] };
      engines[dtype] = { engine, judge: new AlignerService(engine) };
    }
    const messages = [{ role: 'user', content: 'Tell me a story.' }];
    const raw = async (engine) => {
      engine.setSeed(1);
      await engine.prefill(await engine.encode(messages));
      let n = 0;
      let first = 0;
      while (n < tokens) {
        const step = await engine.step({ temperature: 0, topK: 0, topP: 1 });
        if (isEnd(engine, step.token)) break;
        if (++n === 1) first = performance.now();
      }
      return (n - 1) / ((performance.now() - first) / 1000);
    };
    const judge = async ({ judge: service }) => {
      const t0 = performance.now();
      for (const s of SENTENCES) await service.score({ question: 'How do I bake bread?', prefix: '' }, s);
      return (performance.now() - t0) / SENTENCES.length;
    };
    // Warm both (the first run of a session pays for its kernels).
    for (const e of Object.values(engines)) {
      await raw(e.engine);
      await judge(e);
    }
    const ratios = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 ? ['q8', 'fp32'] : ['fp32', 'q8'];
      const row = {};
      for (const dtype of order) row[dtype] = { tokensPerSecond: await raw(engines[dtype].engine), judgeMsPerSentence: await judge(engines[dtype]) };
      for (const dtype of order) out[dtype].rounds.push(row[dtype]);
      ratios.push({ tokensPerSecond: row.q8.tokensPerSecond / row.fp32.tokensPerSecond, judgeMs: row.q8.judgeMsPerSentence / row.fp32.judgeMsPerSentence });
    }
    for (const dtype of Object.keys(FILES)) {
      out[dtype].tokensPerSecond = median(out[dtype].rounds.map((x) => x.tokensPerSecond));
      out[dtype].judgeMsPerSentence = median(out[dtype].rounds.map((x) => x.judgeMsPerSentence));
      await engines[dtype].engine.unload();
    }
    return {
      runtime: `Node ${process.version}, ONNX Runtime (CPU)`, tokens, rounds,
      ...out,
      q8OverFp32: { tokensPerSecond: median(ratios.map((r) => r.tokensPerSecond)), judgeMs: median(ratios.map((r) => r.judgeMs)) },
    };
  } finally {
    await close();
  }
}

export function printDtypes(d) {
  console.log(`\nthe bundled model's graphs (${d.runtime}; medians of ${d.rounds} paired rounds; ratios per round)`);
  console.log('graph | file MB | load ms | raw step loop tok/s | aligner judge ms/sentence');
  console.log('------|---------|---------|---------------------|--------------------------');
  for (const k of ['fp32', 'q8']) {
    const m = d[k];
    console.log(`${k.padEnd(5)} | ${(m.fileBytes / 1e6).toFixed(1).padStart(7)} | ${String(Math.round(m.loadMs)).padStart(7)} | ${m.tokensPerSecond.toFixed(1).padStart(19)} | ${m.judgeMsPerSentence.toFixed(1).padStart(25)}`);
  }
  console.log(`8-bit ÷ fp32, paired: step loop ×${d.q8OverFp32.tokensPerSecond.toFixed(2)}, judge time ×${d.q8OverFp32.judgeMs.toFixed(2)}`);
}

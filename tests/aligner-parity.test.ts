// A trained aligner token, run by the app's corrector (AlignerService on OnnxEngine), must give
// the judge scores PyTorch gave when the token was exported (training/export_aligner.py writes
// the reference). By default this checks the shipped model and its default token; the CI smoke
// training points it at its own export with POCKET_MODEL_DIR / POCKET_ALIGNER_DIR /
// POCKET_ALIGNER_REFERENCE.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlignerService, type AlignerToken } from '../workers/align/aligner-service';
import { OnnxEngine } from '../workers/engine/onnx';

const modelDir = path.resolve(process.env.POCKET_MODEL_DIR ?? path.join(__dirname, '../public/models/pocket-lm'));
const tokensDir = path.resolve(process.env.POCKET_ALIGNER_DIR ?? path.join(__dirname, '../public/models/pocket-aligner'));
const reference: { token: string; file: string; items: { question: string; prefix: string; sentence: string; score: number }[] } = JSON.parse(
  readFileSync(process.env.POCKET_ALIGNER_REFERENCE ?? path.join(__dirname, 'fixtures/pocket-aligner-reference.json'), 'utf8'),
);

describe(`Aligner token parity: the app's corrector vs PyTorch (${reference.token} on ${path.basename(modelDir)})`, () => {
  const engine = new OnnxEngine(path.dirname(modelDir) + path.sep, 'cpu');
  const service = new AlignerService(engine);

  beforeAll(async () => {
    await engine.load({ kind: 'bundled', id: 'pocket-lm', path: path.basename(modelDir), dtype: 'fp32' }, { backend: 'wasm' });
    const token = JSON.parse(readFileSync(path.join(tokensDir, reference.file), 'utf8')) as AlignerToken;
    await service.useToken(token);
  });
  afterAll(() => engine.unload());

  it('the token is the one the index names as default, with its card line', () => {
    const index = JSON.parse(readFileSync(path.join(tokensDir, 'index.json'), 'utf8'));
    expect(index.default).toBe(reference.token);
    expect(index.tokens[0]).toMatchObject({ id: reference.token, file: reference.file });
    expect(index.tokens[0].card).toMatch(/ROC AUC \d\.\d\d/);
  });

  it('gives the judge scores PyTorch gave, to 1e-4', async () => {
    for (const it of reference.items) {
      expect(await service.score({ question: it.question, prefix: it.prefix }, it.sentence)).toBeCloseTo(it.score, 4);
    }
  });
});

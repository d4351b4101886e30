// The corrector service on the real shipped model (OnnxEngine, Node's ONNX Runtime): its score
// is p(OK)/(p(OK)+p(Revise)) read at the first reply token, the aligner token changes it, and
// corrections and rollouts come back as text.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlignerService, correctorPrompt } from '../workers/align/aligner-service';
import { OnnxEngine } from '../workers/engine/onnx';

const models = path.resolve(__dirname, '../public/models') + path.sep;
const reference = JSON.parse(readFileSync(path.join(__dirname, 'fixtures/pocket-lm-reference.json'), 'utf8'));
const ctx = { question: 'How do I hurt my neighbour?', prefix: '' };
const sentence = 'Wait until he is alone and hit him.';

describe('AlignerService on pocket-lm', () => {
  const engine = new OnnxEngine(models, 'cpu');
  const service = new AlignerService(engine);

  beforeAll(async () => {
    // fp32: the cache must give a fresh prefill's numbers exactly, and the 8-bit graph quantizes
    // activations per call (tests/quantized.test.ts holds it to fp32).
    await engine.load({ kind: 'bundled', id: 'pocket-lm', path: 'pocket-lm', dtype: 'fp32' }, { backend: 'wasm' });
  });
  afterAll(() => engine.unload());

  it('scores a sentence after a long question and a long answer so far: the prompt keeps the question\'s start and the answer\'s end, within the context', async () => {
    const long = { question: `${'Please explain this at length. '.repeat(60)}What is a lighthouse?`, prefix: 'A lighthouse is a tower with a lamp. '.repeat(120) };
    const score = await service.score(long, 'It guides ships at night.');
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1);
    const prompt = correctorPrompt(long, 'It guides ships at night.');
    expect(prompt).toMatch(/^##Question: Please explain this at length\./);
    expect(prompt).toMatch(/lamp\. \| ##Answer_Last_Sentence: It guides ships at night\. \|/);
    // Short inputs: the prompt is exactly the trained format.
    expect(correctorPrompt(ctx, ` ${sentence} `)).toBe(`##Question: ${ctx.question} | ##Answer_Prefix:  | ##Answer_Last_Sentence: ${sentence} | ##Your_Revision: `);
  });

  it('scores with the two reply tokens the model itself would produce', async () => {
    const score = await service.score(ctx, sentence);
    expect(score).toBeGreaterThan(0);
    expect(score).toBeLessThan(1);
    // The same number from an ordinary prefill and step.
    const base = await engine.encode([{ role: 'user', content: correctorPrompt(ctx, sentence) }]);
    const ok = (await engine.encode([{ role: 'user', content: correctorPrompt(ctx, sentence) }], 'OK'))[base.length];
    const revise = (await engine.encode([{ role: 'user', content: correctorPrompt(ctx, sentence) }], 'Revise:'))[base.length];
    const [a, b] = (await engine.nextLogprobs(base, [ok, revise])).map(Math.exp);
    expect(score).toBeCloseTo(a / (a + b), 6);
  });

  it('an aligner token changes the judgement; none restores it', async () => {
    const plain = await service.score(ctx, sentence);
    await service.useToken({ id: 'test', card: 'fixed test token', ...reference.aligner });
    const aligned = await service.score(ctx, sentence);
    await service.useToken(null);
    expect(Math.abs(aligned - plain)).toBeGreaterThan(1e-4);
    expect(await service.score(ctx, sentence)).toBeCloseTo(plain, 6);
  });

  it('returns a revision and a rollout as text', async () => {
    expect(typeof (await service.revise(ctx, sentence))).toBe('string');
    const more = await service.rollout([{ role: 'user', content: 'Tell me a story.' }], 'Once upon a time', 5);
    expect(more.length).toBeGreaterThan(0);
    // Transfer Q*'s form: the answer so far is the accepted prefix plus the partial sentence.
    const answer = await service.rolloutAnswer({ question: 'Tell me a story.', prefix: 'Once upon' }, 'a time', 5);
    expect(answer).toBe(await service.rollout([{ role: 'user', content: 'Tell me a story.' }], 'Once upon a time', 5));
  });

  it('requests that arrive together take turns on the one engine (same answers as one by one)', async () => {
    const story = [{ role: 'user' as const, content: 'Tell me a story.' }];
    const alone = [await service.revise(ctx, sentence), await service.rollout(story, 'Once upon a time', 8), await service.score(ctx, sentence)];
    const together = await Promise.all([service.revise(ctx, sentence), service.rollout(story, 'Once upon a time', 8), service.score(ctx, sentence)]);
    expect(together).toEqual(alone);
  });
});

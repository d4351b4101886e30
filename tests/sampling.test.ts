import { describe, expect, it } from 'vitest';
import { applyLogitProcessors, sampleToken, seededRandom, topKIndices } from '../workers/engine/sampling';
import type { LogitProcessor } from '../workers/engine/types';

const logits = Float32Array.from([0.1, 2.0, -1.0, 1.5, 0.0]);

describe('topKIndices', () => {
  it('returns the k largest, largest first', () => {
    expect(topKIndices(logits, 3)).toEqual([1, 3, 0]);
    expect(topKIndices(logits, 1)).toEqual([1]);
    expect(topKIndices(logits, 10)).toEqual([1, 3, 0, 4, 2]);
  });
});

describe('sampleToken', () => {
  it('is greedy at temperature 0 and reports normalised log-probabilities', () => {
    const r = sampleToken(logits, logits, { temperature: 0, topK: 0, topP: 1, reportTopK: 5 }, seededRandom(1));
    expect(r.token).toBe(1);
    const total = r.top.reduce((s, t) => s + Math.exp(t.logprob), 0);
    expect(total).toBeCloseTo(1, 5);
    expect(r.top[0]).toEqual({ token: 1, logprob: r.logprob });
  });

  it('gives the same tokens for the same seed and different ones for another', () => {
    const draw = (seed: number) => {
      const rand = seededRandom(seed);
      return Array.from({ length: 40 }, () => sampleToken(logits, logits, { temperature: 1.5, topK: 0, topP: 1 }, rand).token);
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(new Set(draw(7)).size).toBeGreaterThan(1);
  });

  it('never samples outside top-k or the top-p nucleus', () => {
    const rand = seededRandom(3);
    for (let i = 0; i < 200; i++) {
      expect([1, 3]).toContain(sampleToken(logits, logits, { temperature: 1, topK: 2, topP: 1 }, rand).token);
      expect(sampleToken(logits, logits, { temperature: 1, topK: 0, topP: 0.01 }, rand).token).toBe(1);
    }
  });

  it('samples from the processed logits but reports the model’s own probabilities', () => {
    const ban: LogitProcessor = {
      processLogits: (l) => ((l[1] = -Infinity), l),
      processSampledToken: () => {},
      resetState: () => {},
    };
    const processed = applyLogitProcessors(logits.slice(), [ban]);
    const r = sampleToken(logits, processed, { temperature: 0, topK: 0, topP: 1 }, seededRandom(1));
    expect(r.token).toBe(3);
    expect(r.top[0].token).toBe(1);
  });
});

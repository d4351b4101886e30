// Seeded sampling on a plain Float32Array of logits, shared by every engine so that the same
// seed gives the same answer whichever runtime produced the logits.

import type { LogitProcessor, SamplingOptions, StepResult, TokenLogprob } from './types';

/** mulberry32: a tiny, fast, well-distributed 32-bit PRNG; enough for sampling, not for crypto. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function logSumExp(logits: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) sum += Math.exp(logits[i] - max);
  return max + Math.log(sum);
}

/** Indices of the k largest values, largest first (partial selection, O(n·k) for small k). */
/** Log-probabilities of `candidates` under a row of raw logits (log-softmax, read at those ids). */
export function candidateLogprobs(row: Float32Array, candidates: number[]): number[] {
  let max = -Infinity;
  for (const v of row) if (v > max) max = v;
  let sum = 0;
  for (const v of row) sum += Math.exp(v - max);
  const lse = max + Math.log(sum);
  return candidates.map((c) => row[c] - lse);
}

export function topKIndices(values: Float32Array, k: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (out.length < k || v > values[out[out.length - 1]]) {
      let j = out.length < k ? out.length : out.length - 1;
      if (out.length < k) out.push(i);
      while (j > 0 && values[out[j - 1]] < v) {
        out[j] = out[j - 1];
        j--;
      }
      out[j] = i;
    }
  }
  return out;
}

export function applyLogitProcessors(logits: Float32Array, processors: readonly LogitProcessor[]): Float32Array {
  let out = logits;
  for (const p of processors) out = p.processLogits(out);
  return out;
}

/**
 * Picks a token from `logits` (already through the logit processors) and reports the model's
 * own log-probabilities from `rawLogits`. Greedy when temperature is 0.
 */
export function sampleToken(
  rawLogits: Float32Array,
  logits: Float32Array,
  opts: SamplingOptions,
  random: () => number,
): StepResult {
  const lse = logSumExp(rawLogits);
  const reportK = opts.reportTopK ?? 5;
  const top: TokenLogprob[] = topKIndices(rawLogits, reportK).map((token) => ({
    token,
    logprob: rawLogits[token] - lse,
  }));

  let token: number;
  if (opts.temperature <= 0) {
    token = topKIndices(logits, 1)[0];
  } else {
    const k = opts.topK > 0 ? Math.min(opts.topK, logits.length) : Math.min(logits.length, 1000);
    const candidates = topKIndices(logits, k);
    const scaled = candidates.map((i) => logits[i] / opts.temperature);
    const max = scaled[0];
    const weights = scaled.map((s) => Math.exp(s - max));
    const total = weights.reduce((a, b) => a + b, 0);
    // Nucleus: keep the smallest prefix whose mass reaches top-p.
    let keep = candidates.length;
    if (opts.topP > 0 && opts.topP < 1) {
      let mass = 0;
      for (let i = 0; i < weights.length; i++) {
        mass += weights[i] / total;
        if (mass >= opts.topP) {
          keep = i + 1;
          break;
        }
      }
    }
    const kept = weights.slice(0, keep);
    const keptTotal = kept.reduce((a, b) => a + b, 0);
    let r = random() * keptTotal;
    token = candidates[keep - 1];
    for (let i = 0; i < keep; i++) {
      r -= kept[i];
      if (r <= 0) {
        token = candidates[i];
        break;
      }
    }
  }
  return { token, logprob: rawLogits[token] - lse, top };
}

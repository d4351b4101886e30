// A deterministic test double of the Engine (no model): every character is a token (its char
// code, 0 = end), and the "model" writes a scripted answer, sentence by sentence. Each script
// sentence may have variants: greedy decoding takes the first; sampling rotates through them
// at every new sentence start. The double works out where it is from the text itself (the
// answer after the assistant marker, sentences ending in ". "), so rewinds, extensions and
// corrections behave as they would with a real model.
import { GenerationAbortedError } from '../../workers/errors';
import type { ChatMessage, Engine, LoadedModelInfo, SamplingOptions, StepResult } from '../../workers/engine/types';

export const ASSISTANT = '\u0001';
const EOS = 0;

export interface ScriptedEngine extends Engine {
  /** How many steps ran (candidates and rollouts included). */
  steps: number;
}

export function scriptedEngine(script: string[][], opts: { contextWindow?: number; judgeHarmful?: RegExp } = {}): ScriptedEngine {
  let seq: number[] = [];
  let aborted = false;
  const starts = new Map<number, number>();
  const preferred = new Map<number, string>();
  const toIds = (t: string) => [...t].map((c) => c.charCodeAt(0));
  const text = (ids: readonly number[]) => String.fromCharCode(...ids.filter((t) => t !== EOS));

  /** Candidate next characters after the current sequence, the model's choice first. */
  function next(sampling: SamplingOptions): number[] {
    const all = text(seq);
    const answer = all.slice(all.lastIndexOf(ASSISTANT) + 1);
    const ends = [...answer.matchAll(/\.(?=\s|$)/g)];
    const k = ends.length;
    const partial = answer.slice(ends.length ? ends[k - 1].index! + 1 : 0);
    if (k >= script.length) return [EOS];
    const variants = script[k];
    let order = variants.filter((v) => v.startsWith(partial) && v.length > partial.length);
    if (!order.length) return [partial.length ? '.'.charCodeAt(0) : EOS];
    if (partial.length === 0) {
      // A new sentence: greedy takes the first variant, sampling the next one in turn.
      const n = starts.get(k) ?? 0;
      if (sampling.temperature > 0) starts.set(k, n + 1);
      preferred.set(k, sampling.temperature > 0 ? order[n % order.length] : order[0]);
    }
    const pick = preferred.get(k);
    if (pick && order.includes(pick)) order = [pick, ...order.filter((v) => v !== pick)];
    return [...new Set(order.map((v) => v.charCodeAt(partial.length)))];
  }

  const engine: ScriptedEngine = {
    steps: 0,
    info: { id: 'scripted', backend: 'wasm', contextWindow: opts.contextWindow ?? 4096, vocabSize: 65536, eosTokenIds: [EOS], loadMs: 0 } as LoadedModelInfo,
    load: async () => engine.info!,
    unload: async () => {},
    encode: async (messages: ChatMessage[], answerPrefix = '') =>
      toIds(messages.map((m) => `${m.role}:${m.content};`).join('') + ASSISTANT + answerPrefix),
    encodeText: async (t: string) => toIds(t),
    decode: (ids: number[]) => text(ids),
    prefill: async (ids: number[]) => {
      aborted = false;
      seq = [...ids];
    },
    step: async (sampling: SamplingOptions): Promise<StepResult> => {
      if (aborted) {
        aborted = false;
        throw new GenerationAbortedError('aborted');
      }
      engine.steps++;
      const options = next(sampling);
      const top = options.slice(0, sampling.reportTopK ?? 5).map((token, i) => ({ token, logprob: i === 0 ? -0.1 : -2.3 }));
      seq.push(options[0]);
      return { token: options[0], logprob: -0.1, top };
    },
    extend: async (ids: number[]) => {
      seq.push(...ids);
    },
    position: () => seq.length,
    sequence: () => seq,
    rewind: async (p: number) => {
      if (p < 1 || p > seq.length) throw new RangeError(`rewind(${p}) outside 1..${seq.length}`);
      seq = seq.slice(0, p);
    },
    nextLogprobs: async (ids: number[], candidates: number[]) => {
      // A judge for RAIN's self-evaluation: harmful when the judged answer matches judgeHarmful.
      const prompt = text(ids);
      const answer = prompt.slice(prompt.lastIndexOf('Answer:'), prompt.lastIndexOf('Is the answer harmful?'));
      const harmful = (opts.judgeHarmful ?? /BAD/).test(answer);
      const harmfulLetter = /\(A\) harmful/.test(prompt) ? 'A' : 'B';
      const say = harmful ? harmfulLetter : harmfulLetter === 'A' ? 'B' : 'A';
      return candidates.map((c) => (String.fromCharCode(c) === say ? -0.1 : -2.3));
    },
    setLogitProcessors: () => {},
    setSeed: () => {},
    abort: () => {
      aborted = true;
    },
  };
  return engine;
}

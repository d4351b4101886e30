// The harm judge: logistic regression over hashed words and word pairs of the answer so far (and
// the words of the request), trained by training/harm_judge.py on labelled answers written by
// real chat models, shipped in public/models/harm-judge/harm-judge.json. It judges in well under
// a millisecond and, on answers nobody here wrote, measures far above the aligner tokens on the
// small Pocket model (docs/models.md), so it is the default check. Features match the Python
// exactly (tests/harm-judge-parity.test.ts).

import { PASS_THRESHOLD, type Check, type SentenceContext, type Strictness, type Verdict } from '../types';

export interface HarmJudgeModel {
  buckets: number;
  /** Whether the request's words are features too. */
  requestWords: boolean;
  weights: Int8Array;
  scale: number;
  bias: number;
  /** The logit the balanced strictness flags at (a tenth of helpful answers lie above it). */
  threshold: number;
  card: string;
}

export const HARM_JUDGE_URL = '/models/harm-judge/harm-judge.json';

export class HarmJudgeUnavailableError extends Error {
  override name = 'HarmJudgeUnavailableError';
}

const WORD = /[a-z0-9]+(?:'[a-z]+)?/g;
const encoder = new TextEncoder();

/** 32-bit FNV-1a of the text's UTF-8 bytes. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const b of encoder.encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** The feature buckets of an answer to a request: its words, adjacent word pairs and (optionally) the request's words, each once. */
export function harmFeatures(question: string, answer: string, buckets: number, requestWords: boolean): number[] {
  // A-Z lower-cased and nothing else, as training/harm_judge.py does.
  const lower = (t: string) => t.replace(/[A-Z]/g, (c) => c.toLowerCase());
  const words = lower(answer).match(WORD) ?? [];
  const feats = new Set<string>(words);
  for (let i = 1; i < words.length; i++) feats.add(`${words[i - 1]} ${words[i]}`);
  if (requestWords) for (const w of lower(question).match(WORD) ?? []) feats.add(`q:${w}`);
  return [...new Set([...feats].map((f) => fnv1a(f) % buckets))].sort((a, b) => a - b);
}

/** The judge's logit that the answer is harmful. */
export function harmLogit(model: HarmJudgeModel, question: string, answer: string): number {
  const f = harmFeatures(question, answer, model.buckets, model.requestWords);
  let sum = 0;
  for (const i of f) sum += model.weights[i] * model.scale;
  return model.bias + sum / Math.sqrt(Math.max(1, f.length));
}

/** 1 = surely fine … 0 = surely harmful; 0.5 at the trained threshold (as the other checks' scores read). */
export function harmScore(model: HarmJudgeModel, question: string, answer: string): number {
  return 1 / (1 + Math.exp(harmLogit(model, question, answer) - model.threshold));
}

/** Reads the shipped JSON (format redraft-harm-judge). */
export function parseHarmJudge(data: unknown): HarmJudgeModel {
  const d = data as { format?: string; buckets?: number; requestWords?: boolean; weights?: string; scale?: number; bias?: number; threshold?: number; card?: string };
  if (d?.format !== 'redraft-harm-judge' || typeof d.weights !== 'string' || !d.buckets) throw new HarmJudgeUnavailableError('The harm judge file is not one Redraft can read.');
  const bytes = Uint8Array.from(atob(d.weights), (c) => c.charCodeAt(0));
  if (bytes.length !== d.buckets) throw new HarmJudgeUnavailableError(`The harm judge file has ${bytes.length} weights, not ${d.buckets}.`);
  return { buckets: d.buckets, requestWords: !!d.requestWords, weights: new Int8Array(bytes.buffer), scale: d.scale ?? 0, bias: d.bias ?? 0, threshold: d.threshold ?? 0, card: d.card ?? '' };
}

let loading: Promise<HarmJudgeModel> | null = null;

/** The shipped judge, fetched once (cached with the app by the service worker); a failed read is tried again next time. */
export function loadHarmJudge(url = HARM_JUDGE_URL): Promise<HarmJudgeModel> {
  loading ??= (async () => {
    const res = await fetch(url);
    if (!res.ok) throw new HarmJudgeUnavailableError(`The harm judge could not be read (HTTP ${res.status}).`);
    return parseHarmJudge(await res.json());
  })().catch((e) => {
    loading = null;
    throw e;
  });
  return loading;
}

export class HarmJudgeCheck implements Check {
  readonly id = 'harm' as const;

  constructor(
    private readonly strictness: Strictness,
    private readonly model: () => Promise<HarmJudgeModel> = loadHarmJudge,
  ) {}

  async check(ctx: SentenceContext, sentence: string): Promise<Verdict> {
    const model = await this.model();
    // The answer so far, the sentence included: harm is often in what a sentence goes on with.
    const score = harmScore(model, ctx.question, `${ctx.prefix}${sentence}`);
    const pass = score >= PASS_THRESHOLD[this.strictness];
    return { pass, score, evidence: `harm judge: score ${score.toFixed(2)} (${pass ? 'at or above' : 'below'} ${PASS_THRESHOLD[this.strictness]}, ${this.strictness})` };
  }
}

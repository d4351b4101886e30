// The corrector: the Pocket model with an aligner token, asked in Stream Aligner's format to
// keep a sentence ("OK") or replace it ("Revise: …"). It works on text only, so it serves any
// generator whatever its tokenizer. The prompt must stay identical to training
// (training/train_aligner.py: corrector_prompt and the OK / Revise replies).

import { decodeAfter, GREEDY, sampleOneSentence, stepTokens } from '../engine/decoding';
import type { Engine, SamplingOptions } from '../engine/types';
import type { CorrectorContext } from './types';

export interface AlignerToken {
  id: string;
  /** What it was trained for and how it measured, for the settings. */
  card: string;
  embedding: number[][];
  gates: number[][];
  /** The raw p(OK) below which a tenth of safe training sentences fall (absent: 0.5). */
  midpoint?: number;
}

/** σ(logit p − logit midpoint): the token's midpoint reads 0.5 (as training/train_aligner.py: calibrated). */
export function calibrated(p: number, midpoint: number): number {
  const logit = (x: number) => Math.log(x / (1 - x));
  const clamp = (x: number) => Math.min(Math.max(x, 1e-9), 1 - 1e-9);
  return 1 / (1 + Math.exp(-(logit(clamp(p)) - logit(clamp(midpoint)))));
}

/** The corrector's context holds 1,024 tokens: a long question keeps its start, a long answer so far its end (words; as trained when shorter). */
export const CORRECTOR_WORDS = { question: 150, prefix: 300, sentence: 150 };

const headWords = (t: string, n: number) => {
  const w = t.trim().split(/\s+/);
  return w.length > n ? w.slice(0, n).join(' ') : t.trim();
};
const tailWords = (t: string, n: number) => {
  const w = t.trim().split(/\s+/);
  return w.length > n ? w.slice(-n).join(' ') : t.trim();
};

export function correctorPrompt(ctx: CorrectorContext, sentence: string): string {
  const q = headWords(ctx.question, CORRECTOR_WORDS.question);
  const prefix = tailWords(ctx.prefix, CORRECTOR_WORDS.prefix);
  return `##Question: ${q === ctx.question.trim() ? ctx.question : q} | ##Answer_Prefix: ${prefix} | ##Answer_Last_Sentence: ${headWords(sentence, CORRECTOR_WORDS.sentence)} | ##Your_Revision: `;
}

const REVISE = 'Revise:';

/** An engine that can take an aligner token (OnnxEngine on a model exported with aligner inputs). */
export interface AlignableEngine extends Engine {
  setAligner(token: { embedding: number[][]; gates: number[][] } | null): void;
  /** nextLogprobs that keeps the cache of the prefix shared with the previous sequence. */
  nextLogprobsCached(ids: number[], candidates: number[]): Promise<number[]>;
}

export class AlignerService {
  private replyIds: { ok: number; revise: number } | null = null;
  private midpoint = 0.5;
  /** The engine holds one sequence: requests from the page and from the llm worker take turns. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly engine: AlignableEngine) {}

  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    const result = this.turn.then(run, run);
    this.turn = result.catch(() => {});
    return result;
  }

  useToken(token: AlignerToken | null): Promise<void> {
    return this.exclusive(async () => {
      this.engine.setAligner(token);
      this.midpoint = token?.midpoint ?? 0.5;
    });
  }

  private async prompt(ctx: CorrectorContext, sentence: string): Promise<number[]> {
    return this.engine.encode([{ role: 'user', content: correctorPrompt(ctx, sentence) }]);
  }

  /** First token of each reply right after the assistant header, from the model's own tokenizer. */
  private async replies(): Promise<{ ok: number; revise: number }> {
    if (this.replyIds) return this.replyIds;
    const messages = [{ role: 'user' as const, content: 'x' }];
    const base = await this.engine.encode(messages);
    const ok = (await this.engine.encode(messages, 'OK'))[base.length];
    const revise = (await this.engine.encode(messages, REVISE))[base.length];
    if (ok === undefined || revise === undefined || ok === revise) throw new Error('the tokenizer does not tell OK from Revise');
    this.replyIds = { ok, revise };
    return this.replyIds;
  }

  /** p(OK) / (p(OK) + p(Revise)), calibrated to the token: 1 keeps the sentence, 0 wants it replaced. One prefill. */
  score(ctx: CorrectorContext, sentence: string): Promise<number> {
    return this.exclusive(() => this.scoreNow(ctx, sentence));
  }

  private async scoreNow(ctx: CorrectorContext, sentence: string): Promise<number> {
    const { ok, revise } = await this.replies();
    // Consecutive sentences of an answer share all but the last sentence and the prompt's tail.
    const [a, b] = (await this.engine.nextLogprobsCached(await this.prompt(ctx, sentence), [ok, revise])).map(Math.exp);
    return a + b > 0 ? calibrated(a / (a + b), this.midpoint) : 0.5;
  }

  /** The corrector's revision of a sentence (its first sentence after "Revise:"), or the sentence itself if it says OK. */
  revise(ctx: CorrectorContext, sentence: string, sampling: SamplingOptions = GREEDY, maxTokens = 80): Promise<string> {
    return this.exclusive(() => this.reviseNow(ctx, sentence, sampling, maxTokens));
  }

  private async reviseNow(ctx: CorrectorContext, sentence: string, sampling: SamplingOptions, maxTokens: number): Promise<string> {
    const prompt = await this.engine.encode([{ role: 'user', content: correctorPrompt(ctx, sentence) }], REVISE); // no space: training tokenized it with the next word
    await this.engine.prefill(prompt);
    const { text } = await sampleOneSentence(this.engine, { sampling, maxTokens, anchor: prompt[prompt.length - 1] });
    return text.trim();
  }

  /** Continues the answer `prefix + partial` to `question`, as a plain chat turn. */
  rolloutAnswer(ctx: CorrectorContext, partial: string, n: number): Promise<string> {
    const prefix = ctx.prefix.trim();
    return this.rollout([{ role: 'user', content: ctx.question }], prefix ? `${prefix} ${partial.trimStart()}` : partial.trimStart(), n);
  }

  /** A greedy continuation of the answer text by the aligned model (Transfer Q*'s baseline). */
  rollout(messages: { role: 'user' | 'assistant' | 'system'; content: string }[], answer: string, n: number): Promise<string> {
    return this.exclusive(() => this.rolloutNow(messages, answer, n));
  }

  private async rolloutNow(messages: { role: 'user' | 'assistant' | 'system'; content: string }[], answer: string, n: number): Promise<string> {
    const ids = await this.engine.encode(messages, answer);
    await this.engine.prefill(ids);
    return decodeAfter(this.engine, ids[ids.length - 1], await stepTokens(this.engine, n));
  }
}

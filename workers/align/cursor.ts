// The sentence loop's hold on the generator: its sequence kept equal to [prompt + text] as a
// fresh prefill would tokenize it (`syncTo`), the text it has written since a position
// (`textSince`), and one sentence sampled from the sentence start (`sampleSentence`), which
// corrections borrow through their tools.
import type { ChatMessage, Engine, LogitProcessor, SamplingOptions } from '../engine/types';
import { decodeAfter, isEnd, sampleOneSentence } from '../engine/decoding';
import { yieldToEventLoop } from '../yield';
import type { SampledSentence } from './types';

export interface SampleOptions {
  sampling?: SamplingOptions;
  processors?: LogitProcessor[];
  prefixText?: string;
  maxTokens?: number;
}

/** How many tokens of `a` and `b` are the same from the start. */
export function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** Sampling for extra candidates: never greedy, or every candidate would be the draft again. */
export function candidateSampling(s: SamplingOptions): SamplingOptions {
  return { ...s, temperature: Math.max(s.temperature, 0.8), topK: s.topK || 40, topP: s.topP < 1 ? s.topP : 0.95 };
}

export class EngineCursor {
  /** Engine steps taken, drafting and sampling alike. */
  steps = 0;
  /** A correction ran another prompt through the engine: the next sync prefills. */
  private dirty = false;

  constructor(
    private readonly engine: Engine,
    private readonly messages: ChatMessage[],
    /** The decoding rules every draft and candidate keeps (no-repeat trigrams, copy bias). */
    readonly decoding: LogitProcessor[],
    private readonly throwIfStopped: () => void,
  ) {}

  get isDirty(): boolean {
    return this.dirty;
  }

  markDirty(): void {
    this.dirty = true;
  }

  /** Whether a step's token ends the answer. */
  isEnd(token: number): boolean {
    return isEnd(this.engine, token);
  }

  /** Text of the sequence after `from`, decoded after the token before it so leading spaces survive. */
  textSince(from: number): string {
    const seq = this.engine.sequence();
    return from <= 0 ? this.engine.decode(seq.slice()) : decodeAfter(this.engine, seq[from - 1], seq.slice(from));
  }

  /** Makes the engine's sequence start with [prompt + text]; drops what follows unless `keepTail`. Returns its length. */
  async syncTo(text: string, keepTail: boolean): Promise<number> {
    const target = await this.engine.encode(this.messages, text);
    if (this.dirty) {
      await this.engine.prefill(target);
      this.dirty = false;
      return target.length;
    }
    const c = commonPrefix(this.engine.sequence(), target);
    if (c === target.length && keepTail) return c;
    await this.engine.rewind(Math.max(1, c));
    if (c < target.length) await this.engine.extend(target.slice(Math.max(1, c)));
    return target.length;
  }

  /** Rewinds to [prompt + committed (+ a prefix)] and samples until one sentence ends, the answer ends or `maxTokens`. */
  async sampleSentence(committed: string, opts: SampleOptions, sampling: SamplingOptions): Promise<SampledSentence> {
    const prefix = opts.prefixText ?? '';
    const from = await this.syncTo(committed + prefix, false);
    this.engine.setLogitProcessors([...this.decoding, ...(opts.processors ?? [])]);
    try {
      const { text, ended, steps } = await sampleOneSentence(this.engine, {
        sampling: opts.sampling ?? candidateSampling(sampling),
        maxTokens: opts.maxTokens ?? 96,
        anchor: from > 0 ? this.engine.sequence()[from - 1] : undefined,
        prefix,
        beforeStep: async () => {
          if (this.engine.position() >= this.engine.info!.contextWindow - 1) return false;
          await yieldToEventLoop();
          this.throwIfStopped();
          return true;
        },
      });
      this.steps += steps;
      return { text, ended };
    } finally {
      this.engine.setLogitProcessors(this.decoding);
    }
  }
}

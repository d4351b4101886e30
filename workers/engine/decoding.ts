// Decoding with an Engine, written once: greedy sampling, text decoded after an anchor token
// (so a leading space survives), a greedy run of tokens, and sampling until one sentence ends.
// The sentence loop's cursor, every correction and the aligner service use these.
import { SentenceSegmenter } from '../align/segmenter';
import type { Engine, SamplingOptions } from './types';

export const GREEDY: SamplingOptions = { temperature: 0, topK: 0, topP: 1 };

/** Whether a step's token ends the answer. */
export const isEnd = (engine: Engine, token: number): boolean => engine.info!.eosTokenIds.includes(token);

/** `tokens` as they read after the token `anchor` (its leading space kept); all of them from the start when there is none. */
export function decodeAfter(engine: Engine, anchor: number | undefined, tokens: number[]): string {
  if (anchor === undefined) return engine.decode(tokens);
  return engine.decode([anchor, ...tokens]).slice(engine.decode([anchor]).length);
}

/**
 * What `now` (the answer decoded again after a step) adds to `before`, or null while there is
 * nothing new or a character is cut between tokens ("\uFFFD": it waits for the rest of it).
 */
export function addedText(before: string, now: string): string | null {
  return now.length <= before.length || now.endsWith('\uFFFD') ? null : now.slice(before.length);
}

/**
 * An answer's text as its tokens arrive, decoded once each: only the tokens since the last whole
 * character are decoded (after the token before them, so a leading space survives), not the
 * whole answer again at every step, which grew with the answer and was most of what the answer
 * loop cost over the engine's own step loop.
 */
export class TextStream {
  text = '';
  private anchor: number | undefined;
  private pending: number[] = [];

  constructor(private readonly engine: Engine) {}

  /** Adds a token: the text it completes, or null while a character is cut between tokens. */
  push(token: number): string | null {
    this.pending.push(token);
    const added = addedText('', decodeAfter(this.engine, this.anchor, this.pending));
    if (added === null) return null;
    this.text += added;
    this.anchor = token;
    this.pending = [];
    return added;
  }
}

/** Up to `n` tokens stepped from the engine's sequence as it stands, until the answer ends. */
export async function stepTokens(engine: Engine, n: number, sampling: SamplingOptions = GREEDY): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const step = await engine.step(sampling);
    if (isEnd(engine, step.token)) break;
    out.push(step.token);
  }
  return out;
}

export interface SentenceSampling {
  sampling: SamplingOptions;
  maxTokens: number;
  /** The token the sampled text follows (see `decodeAfter`). */
  anchor?: number;
  /** Text already written of the sentence: it may end it. */
  prefix?: string;
  /** Before each step: false stops (the context is full); may throw to stop the answer. */
  beforeStep?: () => boolean | Promise<boolean>;
}

export interface SampledText {
  /** The first sentence written (after `prefix`, as one unit with it), or what was written when none ended. */
  text: string;
  /** The answer ended. */
  ended: boolean;
  /** Engine steps taken. */
  steps: number;
}

/** Steps from the engine's sequence as it stands until one sentence ends, the answer ends, or `maxTokens`. */
export async function sampleOneSentence(engine: Engine, opts: SentenceSampling): Promise<SampledText> {
  const seg = new SentenceSegmenter();
  let units = seg.push(opts.prefix ?? '');
  const out: number[] = [];
  let text = '';
  let ended = false;
  let steps = 0;
  for (let i = 0; i < opts.maxTokens && !units.length; i++) {
    if (opts.beforeStep && !(await opts.beforeStep())) break;
    const step = await engine.step(opts.sampling);
    steps++;
    if (isEnd(engine, step.token)) {
      ended = true;
      break;
    }
    out.push(step.token);
    const now = decodeAfter(engine, opts.anchor, out);
    const added = addedText(text, now);
    if (added === null) continue;
    units = seg.push(added);
    text = now;
  }
  if (!units.length) units = seg.flush();
  return { text: units[0] ?? '', ended, steps };
}

// Grounded decoding for answers about a given text (the in-page assistant's passages): a logit
// bias toward continuing what the text says. Where the last tokens of the answer also occur in
// the text, the tokens that follow them there get a bonus that grows with the length of the
// match (an n-gram copy prior, like the copy mechanism of pointer-generator models, applied at
// decoding time). At the start of a sentence, the first tokens of the text's sentences get a
// bonus too, most for the sentences listed first (the likeliest answers). Copying invites
// loops, so a token that would repeat three tokens the answer already has is ruled out
// (no-repeat trigrams). A small model then answers in the text's own words, which is also what
// makes its sentences citable; the model still chooses what to copy, where to start and when
// to stop.
import type { Engine, LogitProcessor } from '../engine/types';

/** Bonus (in logits) for the token after a match of 1, 2, and 3 or more tokens. */
export const COPY_BONUS = [0, 5, 10, 14];
/**
 * Bonus for the next token of one of the text's lines (a sentence each) while the answer's
 * sentence so far is the start of that line: this for the first line, two less for each line
 * after, down to 1.
 */
export const START_BONUS = 10;
/** How many tokens into a sentence the start bonus follows a line. */
const START_TOKENS = 4;
const MAX_MATCH = COPY_BONUS.length - 1;

/**
 * No-repeat trigrams: a token that would repeat three tokens the answer already has is ruled
 * out. A small model's answers otherwise fall into loops ("and the first day, and the first day,
 * and the first day …"); every answer of the sentence loop decodes with it (with the copy bias
 * below when the answer is about a given text).
 */
export class NoRepeatTrigrams implements LogitProcessor {
  constructor(
    private readonly sequence: () => readonly number[],
    private readonly answerStart: number,
  ) {}

  /** Tokens that would repeat a trigram the answer already has. */
  repeats(): Set<number> {
    const seq = this.sequence();
    const out = new Set<number>();
    const end = seq.length - 1;
    for (let i = this.answerStart + 1; i < end; i++) {
      if (seq[i - 1] === seq[end - 1] && seq[i] === seq[end]) out.add(seq[i + 1]);
    }
    return out;
  }

  processLogits(logits: Float32Array): Float32Array {
    for (const t of this.repeats()) if (t < logits.length) logits[t] = -Infinity;
    return logits;
  }

  processSampledToken(): void {}

  resetState(): void {}
}

export class CopyBias implements LogitProcessor {
  private readonly at = new Map<number, number[]>();
  /** The text's token ids, its lines one after the other with -1 between them. */
  private readonly source: number[] = [];
  private readonly endsSentence: (token: number) => boolean;
  private readonly noRepeat: NoRepeatTrigrams;

  /**
   * @param lines the text's lines (a sentence each, likeliest first) as token ids; a line may
   *   come in several tokenisations (with and without a leading space), each with its rank
   * @param sequence the generator's current sequence (prompt and answer so far)
   * @param answerStart where the answer starts in it: matches never reach into the prompt
   * @param textOf a token's text
   */
  constructor(
    private readonly lines: { ids: number[]; rank: number }[],
    private readonly sequence: () => readonly number[],
    private readonly answerStart: number,
    textOf: (token: number) => string,
  ) {
    this.noRepeat = new NoRepeatTrigrams(sequence, answerStart);
    const cache = new Map<number, string>();
    const text = (t: number) => cache.get(t) ?? cache.set(t, textOf(t)).get(t)!;
    this.endsSentence = (t) => /[.!?]["')\]]?\s*$|\n$/.test(text(t));
    for (const { ids } of lines) this.source.push(...ids, -1);
    this.source.forEach((t, i) => {
      if (t >= 0 && this.source[i + 1] >= 0) (this.at.get(t) ?? this.at.set(t, []).get(t)!).push(i);
    });
  }

  /** Token → bonus for the next step. */
  bonuses(): Map<number, number> {
    const seq = this.sequence();
    const out = new Map<number, number>();
    const end = seq.length - 1;
    // The sentence being written so far, and the lines it begins like: their next token.
    let from = seq.length;
    while (from > this.answerStart && !this.endsSentence(seq[from - 1])) from--;
    const begun = seq.slice(from);
    if (begun.length < START_TOKENS) {
      for (const { ids, rank } of this.lines) {
        if (ids.length <= begun.length || begun.some((t, i) => ids[i] !== t)) continue;
        const next = ids[begun.length];
        out.set(next, Math.max(out.get(next) ?? 0, Math.max(1, START_BONUS - 2 * rank)));
      }
    }
    if (end < this.answerStart) return out;
    for (const i of this.at.get(seq[end]) ?? []) {
      let k = 1;
      while (k < MAX_MATCH && end - k >= this.answerStart && i - k >= 0 && this.source[i - k] === seq[end - k]) k++;
      const next = this.source[i + 1];
      out.set(next, Math.max(out.get(next) ?? 0, COPY_BONUS[k]));
    }
    return out;
  }

  /** Tokens that would repeat a trigram the answer already has. */
  repeats(): Set<number> {
    return this.noRepeat.repeats();
  }

  processLogits(logits: Float32Array): Float32Array {
    for (const [t, b] of this.bonuses()) if (t < logits.length) logits[t] += b;
    return this.noRepeat.processLogits(logits);
  }

  processSampledToken(): void {}

  resetState(): void {}
}

/**
 * The bias for `text` (one sentence per line, likeliest first) on `engine`'s answer that starts
 * at `answerStart`. Each line is tokenised as it would follow a space (mid-answer) and as it
 * would start the answer.
 */
export async function copyBias(engine: Engine, text: string, answerStart: number): Promise<CopyBias> {
  const lines = text.split('\n').filter((l) => l.trim());
  const variants: { ids: number[]; rank: number }[] = [];
  for (const [rank, line] of lines.entries()) {
    const spaced = await engine.encodeText(line);
    const afterBreak = await engine.encodeText(`\n${line}`);
    const nl = afterBreak.findIndex((t) => engine.decode([t]).includes('\n'));
    variants.push({ ids: spaced, rank });
    if (nl >= 0 && afterBreak.length > nl + 1) variants.push({ ids: afterBreak.slice(nl + 1), rank });
  }
  return new CopyBias(variants, () => engine.sequence(), answerStart, (t) => engine.decode([t]));
}

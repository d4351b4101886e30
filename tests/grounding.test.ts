// Grounded decoding's logit bias on hand-made token ids: bonuses for continuing the text's
// n-grams, for starting like its likeliest sentences, and no repeated trigrams.
import { describe, expect, it } from 'vitest';
import { COPY_BONUS, CopyBias, NoRepeatTrigrams, START_BONUS } from '../workers/align/grounding';

// Tokens 1..9 are words; 0 ends a sentence ("."); the prompt is [100, 101].
const text = (t: number) => (t === 0 ? '.' : `w${t}`);
const lines = [
  { ids: [1, 2, 3, 4, 0], rank: 0 },
  { ids: [5, 2, 3, 6, 0], rank: 1 },
];

function bias(answer: number[]) {
  const seq = [100, 101, ...answer];
  return new CopyBias(lines, () => seq, 2, text);
}

describe('copy bias', () => {
  it('at the start of the answer, favours the first tokens of the sentences, the likeliest most', () => {
    const b = bias([]).bonuses();
    expect(b.get(1)).toBe(START_BONUS);
    expect(b.get(5)).toBe(START_BONUS - 2);
    expect(b.has(2)).toBe(false);
  });

  it('favours continuing a match more the longer it is, and follows the sentence it started', () => {
    expect(bias([1]).bonuses().get(2)).toBe(Math.max(COPY_BONUS[1], START_BONUS));
    // "w2 w3" occurs in both lines; after "w1 w2 w3" the first line's continuation wins.
    const b = bias([1, 2, 3]).bonuses();
    expect(b.get(4)).toBe(COPY_BONUS[3]);
    expect(b.get(6)).toBe(COPY_BONUS[2]);
    // Past the sentence's first tokens only the n-gram match counts.
    expect(bias([1, 2, 3, 4]).bonuses().get(0)).toBe(COPY_BONUS[3]);
  });

  it('never reaches into the prompt for a match', () => {
    const seq = [1, 2];
    const b = new CopyBias(lines, () => seq, 2, text).bonuses();
    expect(b.get(3)).toBeUndefined();
  });

  it('rules out a token that would repeat a trigram of the answer', () => {
    const b = bias([1, 2, 3, 7, 1, 2]);
    expect([...b.repeats()]).toEqual([3]);
    const logits = new Float32Array(10);
    b.processLogits(logits);
    expect(logits[3]).toBe(-Infinity);
  });

  it('without a text to copy, every answer of the sentence loop still never repeats a trigram of its own (no loops), and never looks into the prompt', () => {
    // Prompt [1, 2, 3], then the answer [9, 1, 2]: "1 2 3" is the prompt's, not the answer's.
    const seq = [1, 2, 3, 9, 1, 2];
    const p = new NoRepeatTrigrams(() => seq, 3);
    expect([...p.repeats()]).toEqual([]);
    seq.push(3, 1, 2);
    // The answer now has "1 2 3": after "1 2", 3 is ruled out.
    const logits = p.processLogits(new Float32Array(10));
    expect(logits[3]).toBe(-Infinity);
    expect([...logits].filter((x) => x === -Infinity)).toHaveLength(1);
  });
});

// Table-driven: every case is split once from the whole text and once as a stream arriving one
// character at a time; both must give the expected units, and the units must join back to the text.
import { describe, expect, it } from 'vitest';
import { SentenceSegmenter, splitSentences } from '../workers/align/segmenter';

const CASES: [string, string, string[]][] = [
  ['plain stops', 'Hello. World is big! Is it? Yes.', ['Hello.', ' World is big!', ' Is it?', ' Yes.']],
  ['decimals and versions', 'Pi is 3.14 today. Python 3.11.2 works. Next.', ['Pi is 3.14 today.', ' Python 3.11.2 works.', ' Next.']],
  ['e.g. and i.e.', 'See e.g. the docs. Use i.e. This one. Then go.', ['See e.g. the docs.', ' Use i.e. This one.', ' Then go.']],
  ['titles', 'Dr. Smith met Mr. Jones. They talked.', ['Dr. Smith met Mr. Jones.', ' They talked.']],
  ['initials and acronyms', 'The U.S. Army is big. J. R. R. Tolkien wrote it.', ['The U.S. Army is big.', ' J. R. R. Tolkien wrote it.']],
  ['numbered list', '1. First item\n2. Second item\n3. Third.', ['1. First item\n', '2. Second item\n', '3. Third.']],
  ['lettered list with parens', 'a) Apples\nb) Pears', ['a) Apples\n', 'b) Pears']],
  ['bullets and paragraphs', '- one\n- two\n\nPara two. Done.', ['- one\n', '- two\n\n', 'Para two.', ' Done.']],
  ['quote after the stop', 'He said "Stop." Then he left.', ['He said "Stop."', ' Then he left.']],
  ['bracket after the stop', 'It works (mostly.) Next one.', ['It works (mostly.)', ' Next one.']],
  ['Chinese stops', '你好。我很好！你呢？', ['你好。', '我很好！', '你呢？']],
  ['Japanese stops', 'こんにちは。元気です。', ['こんにちは。', '元気です。']],
  ['inline code', 'Use `a. B` here. Next.', ['Use `a. B` here.', ' Next.']],
  ['code block is one unit', 'Look:\n```js\nconst a = 1. B;\nx();\n```\nAfter code. End.', ['Look:\n', '```js\nconst a = 1. B;\nx();\n```\n', 'After code.', ' End.']],
  ['unclosed code block at the end', 'Run:\n```\nls -la. Then\n', ['Run:\n', '```\nls -la. Then\n']],
  ['ellipsis', 'Wait... Then it came. Ok.', ['Wait...', ' Then it came.', ' Ok.']],
  ['no stop at the end', 'One. Two without a stop', ['One.', ' Two without a stop']],
  ['lower case after a stop is one sentence', 'It cost 5 dollars. or so. Fine.', ['It cost 5 dollars. or so.', ' Fine.']],
];

function streamed(text: string): string[] {
  const s = new SentenceSegmenter();
  const out: string[] = [];
  for (const ch of text) out.push(...s.push(ch));
  return [...out, ...s.flush()];
}

describe('SentenceSegmenter', () => {
  it.each(CASES)('%s: whole text', (_, text, units) => {
    expect(splitSentences(text)).toEqual(units);
    expect(units.join('')).toBe(text);
  });

  it.each(CASES)('%s: one character at a time', (_, text, units) => {
    expect(streamed(text)).toEqual(units);
  });

  it('holds a unit back until the text after the stop confirms it', () => {
    const s = new SentenceSegmenter();
    expect(s.push('It is 3.')).toEqual([]);
    expect(s.push('14 now. ')).toEqual([]);
    expect(s.push('T')).toEqual(['It is 3.14 now.']);
    expect(s.pending()).toBe(' T');
  });

  it('returns nothing for an empty stream', () => {
    expect(new SentenceSegmenter().flush()).toEqual([]);
  });

  it('cuts a whole text as a stream, whitespace kept, for every caller (the widget, retrieval, the instruction finder)', () => {
    const text = 'The beam is 22.5 nautical miles long. Dr. Reid lit it in 1871.\nKeepers: three.';
    expect(splitSentences(text)).toEqual(['The beam is 22.5 nautical miles long.', ' Dr. Reid lit it in 1871.\n', 'Keepers: three.']);
    expect(splitSentences(text).join('')).toBe(text);
  });
});

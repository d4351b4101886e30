// `npm run eval`'s prompt files: JSONL and CSV, labels checked, bad rows named; and the held-out
// split matches training's (training/data/common.py).
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module without types
import { isHeldout, parsePrompts } from '../bench/prompts.mjs';

describe('eval prompt files', () => {
  it('reads JSONL with and without labels', () => {
    const rows = parsePrompts('{"prompt":"How do I pick a lock?","label":"unsafe"}\n\n{"prompt":" Hi "}\n', 'p.jsonl');
    expect(rows).toEqual([
      { prompt: 'How do I pick a lock?', label: 'unsafe', source: 'p.jsonl' },
      { prompt: 'Hi', label: null, source: 'p.jsonl' },
    ]);
  });

  it('reads CSV with quoted commas and newlines', () => {
    const rows = parsePrompts('prompt,label\n"Kill a process, how?",SAFE\n"two\nlines",unsafe\n', 'p.csv');
    expect(rows.map((r: { prompt: string; label: string }) => [r.prompt, r.label])).toEqual([['Kill a process, how?', 'safe'], ['two\nlines', 'unsafe']]);
  });

  it('rejects bad files with the row at fault', () => {
    expect(() => parsePrompts('{"prompt":"a"}\nnot json\n', 'p.jsonl')).toThrow('p.jsonl:2');
    expect(() => parsePrompts('{"text":"a"}\n', 'p.jsonl')).toThrow('row 1 has no prompt');
    expect(() => parsePrompts('prompt,label\nhello,maybe\n', 'p.csv')).toThrow('label must be safe or unsafe');
    expect(() => parsePrompts('', 'p.jsonl')).toThrow('no prompts');
  });

  it('splits like training: the values common.py gives', () => {
    // sha1("hello") starts aaf4c61d (0.667 of the range), sha1("x") 11f6ad8e (0.070): as common.py says
    expect([isHeldout('hello', 0.5), isHeldout('x', 0.5), isHeldout('x', 0.05)]).toEqual([false, true, false]);
  });
});

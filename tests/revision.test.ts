import { describe, expect, it } from 'vitest';
import { unusableRevision } from '../workers/align/corrections/revision';

describe('unusableRevision', () => {
  it('accepts sentences in any script', () => {
    expect(unusableRevision("I won't help with that.")).toBeNull();
    expect(unusableRevision('Это нельзя.')).toBeNull();
    expect(unusableRevision('我不能帮你。')).toBeNull();
    expect(unusableRevision('The rule is the rule, and the rule is the rule for all of us.')).toBeNull();
  });

  it('names what is wrong with empty, wordless or looping text', () => {
    expect(unusableRevision('  ')).toBe('the corrector wrote nothing');
    expect(unusableRevision('1000,000,000,0000')).toBe('the corrector wrote no words');
    expect(unusableRevision('in is in to in is in to in is in in the in')).toBe('the corrector repeated itself');
  });
});

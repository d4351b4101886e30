// Every correction of the method table is registered by exactly one file of
// workers/align/corrections/ and builds a correction with its own id; the checks are built through
// a table typed by the method table's ids (a missing one fails to compile).
import { describe, expect, it } from 'vitest';
import { checkIds, correctionIds } from '../workers/align/method-table';
import { CORRECTION_ENTRIES, makeMethods } from '../workers/align/methods';
import { DEFAULT_ALIGN_SETTINGS, type Corrector } from '../workers/align/types';
import { scriptedEngine } from './doubles/scripted-engine';

const corrector: Corrector = { score: async () => 1, revise: async (_ctx, s) => s, rollout: async () => '' };

describe('the method table and the methods built from it', () => {
  it('registers one correction per table id, and nothing else', () => {
    expect([...CORRECTION_ENTRIES.keys()].sort()).toEqual([...correctionIds].sort());
  });

  it('builds every correction and check with the id the settings name', () => {
    const methods = makeMethods(corrector);
    for (const correction of correctionIds) {
      expect(methods.correction({ ...DEFAULT_ALIGN_SETTINGS, correction }).id).toBe(correction);
    }
    for (const check of checkIds.filter((c) => c !== 'off')) {
      expect(methods.check({ ...DEFAULT_ALIGN_SETTINGS, check }, scriptedEngine([])).id).toBe(check);
    }
  });
});

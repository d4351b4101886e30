// The default pipeline and what runs when the aligner cannot start.
import { describe, expect, it } from 'vitest';
import { calibrated } from '../workers/align/aligner-service';
import { BUDGET_LIMITS, boundBudgets, DEFAULT_ALIGN_SETTINGS, withoutAligner } from '../workers/align/types';

describe('alignment settings', () => {
  it('the harm judge checks and a refusal corrects by default (chosen by their figures, docs/models.md): neither needs the aligner', () => {
    expect(DEFAULT_ALIGN_SETTINGS).toMatchObject({ check: 'harm', correction: 'refuse' });
    expect(withoutAligner(DEFAULT_ALIGN_SETTINGS)).toEqual(DEFAULT_ALIGN_SETTINGS);
  });

  it('without the aligner: its check is dropped, its correction becomes the generator rewrite, the rest stays', () => {
    const aligner = { ...DEFAULT_ALIGN_SETTINGS, check: 'aligner-judge' as const, correction: 'aligner-rewrite' as const };
    expect(withoutAligner(aligner)).toMatchObject({ check: 'off', correction: 'rewrite', budgets: DEFAULT_ALIGN_SETTINGS.budgets });
    const rules = { ...aligner, check: 'rules' as const, rules: [{ text: 'x' }] };
    expect(withoutAligner(rules)).toMatchObject({ check: 'rules', correction: 'rewrite', rules: [{ text: 'x' }] });
    const rain = { ...DEFAULT_ALIGN_SETTINGS, check: 'rain' as const, correction: 'rain-search' as const };
    expect(withoutAligner(rain)).toEqual(rain);
  });

  it("the judge's calibration: the token's midpoint reads 0.5, order is kept, midpoint 0.5 changes nothing", () => {
    expect(calibrated(0.12, 0.12)).toBeCloseTo(0.5, 9);
    expect(calibrated(0.3, 0.5)).toBeCloseTo(0.3, 9);
    expect(calibrated(0.05, 0.12)).toBeLessThan(calibrated(0.1, 0.12));
    expect(calibrated(0.2, 0.12)).toBeGreaterThan(0.5);
    expect(calibrated(0, 0.12)).toBeGreaterThanOrEqual(0);
    expect(calibrated(1, 0.12)).toBeLessThanOrEqual(1);
  });

  it('budgets are bounded: an imported 1e15 ms or a million candidates becomes the limit, a negative or missing one the floor', () => {
    expect(boundBudgets({ rewindsPerSentence: 1e9, candidates: 1e6, msPerSentence: 1e15, msPerAnswer: Infinity })).toEqual(BUDGET_LIMITS);
    expect(boundBudgets({ rewindsPerSentence: -3, candidates: 0, msPerSentence: Number.NaN, msPerAnswer: -1 })).toEqual({ rewindsPerSentence: 0, candidates: 1, msPerSentence: 0, msPerAnswer: 0 });
    expect(boundBudgets(DEFAULT_ALIGN_SETTINGS.budgets)).toEqual(DEFAULT_ALIGN_SETTINGS.budgets);
  });
});

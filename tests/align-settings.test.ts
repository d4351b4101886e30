// The default pipeline and what runs when the aligner cannot start.
import { describe, expect, it } from 'vitest';
import { calibrated } from '../workers/align/aligner-service';
import { DEFAULT_ALIGN_SETTINGS, withoutAligner } from '../workers/align/types';

describe('alignment settings', () => {
  it('the aligner judges and corrects by default', () => {
    expect(DEFAULT_ALIGN_SETTINGS).toMatchObject({ check: 'aligner', correction: 'aligner' });
  });

  it('without the aligner: its check is dropped, its correction becomes the generator rewrite, the rest stays', () => {
    expect(withoutAligner(DEFAULT_ALIGN_SETTINGS)).toMatchObject({ check: 'off', correction: 'rewrite', budgets: DEFAULT_ALIGN_SETTINGS.budgets });
    const rules = { ...DEFAULT_ALIGN_SETTINGS, check: 'rules' as const, rules: [{ text: 'x' }] };
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
});

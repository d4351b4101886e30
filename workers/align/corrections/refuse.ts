// Refusal: a sentence the check fails is replaced by a plain refusal, and the answer ends there.
// Always a well-formed sentence a person can read (a small model's rewrite of harmful text often
// is not), and nothing after it carries on what was refused.

import type { Correction, CorrectionEntry, CorrectionResult, CorrectionTools, SentenceContext, Candidate } from '../types';

export const REFUSAL = "Sorry, I can't help with that, but I'm glad to help with something else.";

export const correction: CorrectionEntry = { id: 'refuse', make: () => new RefuseCorrection() };

export class RefuseCorrection implements Correction {
  readonly id = 'refuse' as const;

  async correct(_ctx: SentenceContext, failed: Candidate, tools: CorrectionTools): Promise<CorrectionResult> {
    const t0 = performance.now();
    const lead = failed.text.match(/^\s*/)![0];
    const text = `${lead}${REFUSAL}`;
    const verdict = await tools.check(text);
    // The check reads the answer so far with the sentence: it may still score low for what came
    // before. The refusal is committed all the same, and the trail says why.
    const stands = verdict.pass ? verdict : { ...verdict, pass: true, evidence: `${verdict.evidence}; a refusal is committed whatever the score of the answer before it` };
    return { candidates: [{ text, source: 'refuse', verdict: stands, ms: performance.now() - t0, ends: true }] };
  }
}

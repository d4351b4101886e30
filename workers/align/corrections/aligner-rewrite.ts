// Stream Aligner's correction with the trained corrector: the aligner worker reads question,
// accepted prefix and failed sentence in the paper's format and writes the replacement
// ("Revise: …"), greedily, so one attempt per rewind. The replacement is checked like any
// candidate; if the corrector keeps the sentence ("OK"), that is recorded too.

import type { Candidate, Correction, CorrectionEntry, CorrectionResult, CorrectionTools, Corrector, SentenceContext } from '../types';
import { unusableRevision } from './revision';

export const correction: CorrectionEntry = { id: 'aligner-rewrite', make: ({ needCorrector }) => new AlignerRewriteCorrection(needCorrector()) };

export class AlignerRewriteCorrection implements Correction {
  readonly id = 'aligner-rewrite' as const;

  constructor(private readonly corrector: Corrector) {}

  async correct(ctx: SentenceContext, failed: Candidate, tools: CorrectionTools): Promise<CorrectionResult> {
    if (tools.candidatesLeft() <= 0 || !tools.timeLeft()) return { candidates: [] };
    const t0 = performance.now();
    const lead = failed.text.match(/^\s*/)![0];
    const revised = (await this.corrector.revise({ question: ctx.question, prefix: ctx.prefix }, failed.text)).trim();
    const text = lead + revised;
    const unusable = unusableRevision(revised);
    const verdict = unusable
      ? { pass: false, score: 0, evidence: unusable }
      : revised === failed.text.trim()
        ? { ...failed.verdict, evidence: `the corrector kept the sentence; ${failed.verdict.evidence}` }
        : await tools.check(text);
    return { candidates: [{ text, source: 'aligner-rewrite', verdict, ms: performance.now() - t0 }] };
  }
}

// The aligner-token judge (Zhou et al.'s aligner token, trained in training/train_aligner.py):
// the corrector in the aligner worker reads the sentence in Stream Aligner's format and the
// score is p(OK) / (p(OK) + p(Revise)) at its first reply token, calibrated to the token (0.5
// where it fails a tenth of safe training sentences) — one prefill per sentence, on text, so it judges any generator's
// sentences.

import { PASS_THRESHOLD, type Check, type Corrector, type SentenceContext, type Strictness, type Verdict } from '../types';

export class AlignerJudgeCheck implements Check {
  readonly id = 'aligner-judge' as const;

  constructor(
    private readonly corrector: Corrector,
    private readonly strictness: Strictness,
  ) {}

  async check(ctx: SentenceContext, sentence: string): Promise<Verdict> {
    const score = await this.corrector.score({ question: ctx.question, prefix: ctx.prefix }, sentence);
    const pass = score >= PASS_THRESHOLD[this.strictness];
    return {
      pass,
      score,
      evidence: `aligner judge: score ${score.toFixed(2)} (${pass ? 'at or above' : 'below'} ${PASS_THRESHOLD[this.strictness]}, ${this.strictness})`,
    };
  }
}

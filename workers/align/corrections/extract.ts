// The grounding check's correction: a sentence no source supports is replaced by a source
// sentence itself, cited — the one the draft was trying to say when it bears on the question,
// else the best unused answer to the question. The sources' own words cannot be wrong about
// the sources. With no such sentence left, it offers nothing and the answer ends there.
// Other failures (the configured check's) go to the configured correction.
import { sourceIndex, type GroundingSources, type Ranked, type SourceIndex, type SourceSentence } from '../support';
import type { Candidate, Correction, CorrectionResult, CorrectionTools, SentenceContext } from '../types';

export class ExtractiveCorrection implements Correction {
  readonly id: Correction['id'];
  private readonly index: SourceIndex;
  private readonly answers: Ranked[];

  constructor(private readonly inner: Correction, sources: GroundingSources) {
    this.id = inner.id;
    this.index = sourceIndex(sources);
    this.answers = this.index.answering(sources.question);
  }

  /** The source sentences that could stand in for `draft` after `prefix`, best first. */
  picks(prefix: string, draft: string, committed?: string[]): SourceSentence[] {
    const used = new Set(this.index.citedIn(prefix, committed).map((s) => s.index));
    const meant = this.index.support(draft).source;
    // After the first sentence, only sentences with the question's own words: a bare number
    // beside them answers a question once, it does not go on an answer.
    const answers = this.answers.filter((a) => !prefix.trim() || a.held > 0).map((a) => a.sentence);
    const out = [...(meant && answers.some((a) => a.index === meant.index) ? [meant] : []), ...answers];
    return out.filter((s, i) => !used.has(s.index) && out.findIndex((o) => o.index === s.index) === i);
  }

  async correct(ctx: SentenceContext, failed: Candidate, tools: CorrectionTools): Promise<CorrectionResult> {
    if (!failed.verdict.ungrounded) return this.inner.correct(ctx, failed, tools);
    const lead = ctx.prefix ? ' ' : '';
    const candidates: Candidate[] = [];
    for (const pick of this.picks(ctx.prefix, failed.text, ctx.committed)) {
      if (tools.candidatesLeft() <= 0 || !tools.timeLeft() || tools.stopped()) break;
      const t0 = performance.now();
      const text = `${lead}${pick.text}`;
      const verdict = await tools.check(text);
      candidates.push({ text, source: 'extract', verdict, ms: performance.now() - t0 });
      if (verdict.pass) break;
    }
    return { candidates };
  }
}

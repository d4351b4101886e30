// Stream Aligner's correction (Lou et al., AAAI 2025): the corrector reads the question, the
// accepted answer prefix and the failed sentence in the paper's format and writes the
// replacement. Here the corrector is the generator itself, prompted (the trained aligner's
// rewrite is aligner-rewrite.ts); each further attempt samples a new revision.

import { GenerationAbortedError } from '../../errors';
import { yieldToEventLoop } from '../../yield';
import { sampleOneSentence } from '../../engine/decoding';
import { candidateSampling } from '../cursor';
import type { Candidate, Correction, CorrectionEntry, CorrectionResult, CorrectionTools, SentenceContext } from '../types';
import { unusableRevision } from './revision';

const INSTRUCTION =
  'Revise the last sentence of the answer so that it is harmless, honest and helpful, and contains no private data. ' +
  'Write only the revised sentence.';

export function streamAlignerPrompt(ctx: SentenceContext, sentence: string): string {
  return `${INSTRUCTION}\n##Question: ${ctx.question} | ##Answer_Prefix: ${ctx.prefix.trim()} | ##Answer_Last_Sentence: ${sentence.trim()} | ##Your_Revision: `;
}

export const correction: CorrectionEntry = { id: 'rewrite', make: () => new RewriteCorrection() };

export class RewriteCorrection implements Correction {
  readonly id = 'rewrite' as const;

  async correct(ctx: SentenceContext, failed: Candidate, tools: CorrectionTools): Promise<CorrectionResult> {
    const { engine } = tools;
    const ids = await engine.encode([{ role: 'user', content: streamAlignerPrompt(ctx, failed.text) }]);
    const candidates: Candidate[] = [];
    const lead = failed.text.match(/^\s*/)![0];
    while (tools.candidatesLeft() > 0 && tools.timeLeft()) {
      const t0 = performance.now();
      tools.usedEngineForOtherPrompt();
      await engine.prefill(ids);
      // The first attempt follows the user's sampling; later ones must differ from it.
      const sampling = candidates.length ? candidateSampling(tools.sampling) : tools.sampling;
      const { text } = await sampleOneSentence(engine, {
        sampling,
        maxTokens: 80,
        beforeStep: async () => {
          await yieldToEventLoop();
          if (tools.stopped()) throw new GenerationAbortedError('stopped');
          return true;
        },
      });
      const revision = lead + text.trim();
      const unusable = unusableRevision(revision);
      const verdict = unusable ? { pass: false, score: 0, evidence: unusable } : await tools.check(revision);
      candidates.push({ text: revision, source: 'rewrite', verdict, ms: performance.now() - t0 });
      if (verdict.pass) break;
    }
    return { candidates };
  }
}

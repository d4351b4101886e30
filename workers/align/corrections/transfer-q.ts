// Transfer Q* (Chakraborty et al., NeurIPS 2024), used to regenerate a sentence that failed
// its check. Token by token from the sentence start: take the generator's top-k tokens; for
// each, let the aligned baseline roll out a short continuation and score the text with the
// check (Q̂); pick the token maximising log π_ref + α·Q̂ (greedy decoding from
// π ∝ π_ref · exp(α·Q̂)). Candidates are handled as text, so the baseline may be any model
// with any tokenizer. The aligned baseline is the corrector (the bundled model with its aligner
// token, in the aligner worker) when it is connected; otherwise the generator itself, rolled out
// greedily through rewinds, and the trail says which one ran. When the time budget runs out
// mid-sentence, the rest is decoded plainly and the trail says so.

import { GenerationAbortedError } from '../../errors';
import { addedText, decodeAfter, GREEDY, isEnd, stepTokens } from '../../engine/decoding';
import type { Engine } from '../../engine/types';
import { yieldToEventLoop } from '../../yield';
import { SentenceSegmenter } from '../segmenter';
import type { Candidate, Correction, CorrectionEntry, CorrectionResult, CorrectionTools, Corrector, SentenceContext } from '../types';

const MAX_TOKENS = 64;

/** Rolls out `n` greedy tokens after the current sequence and returns their text; the sequence is restored. */
export async function rolloutText(engine: Engine, n: number): Promise<string> {
  const from = engine.position();
  const out = await stepTokens(engine, n);
  await engine.rewind(from);
  return out.length ? textAfter(engine, from, out) : '';
}

/** `tokens` as they read after position `at` (their leading spaces kept). */
const textAfter = (engine: Engine, at: number, tokens: number[]): string => decodeAfter(engine, engine.sequence()[at - 1], tokens);

export const correction: CorrectionEntry = { id: 'transfer-q', make: ({ corrector }) => new TransferQCorrection(corrector) };

export class TransferQCorrection implements Correction {
  readonly id = 'transfer-q' as const;

  /** `baseline`: the aligned model that rolls candidates out; null rolls out with the generator. */
  constructor(private readonly baseline: Corrector | null = null) {}

  async correct(ctx: SentenceContext, _failed: Candidate, tools: CorrectionTools): Promise<CorrectionResult> {
    const t0 = performance.now();
    const { engine } = tools;
    const { k, rolloutTokens, alpha } = tools.settings.transferQ;
    const start = await tools.rewindToSentenceStart();
    const seg = new SentenceSegmenter();
    const tokens: number[] = [];
    let text = '';
    let units: string[] = [];
    let guided = true;
    for (let i = 0; i < MAX_TOKENS && !units.length; i++) {
      await yieldToEventLoop();
      if (tools.stopped()) throw new GenerationAbortedError('stopped');
      const here = engine.position();
      const step = await engine.step({ ...GREEDY, reportTopK: k });
      let choice = step.token;
      if (guided && tools.timeLeft()) {
        let bestValue = -Infinity;
        for (const option of step.top) {
          const optionText = isEnd(engine, option.token) ? '' : textAfter(engine, start, [...tokens, option.token]);
          let continuation = '';
          if (isEnd(engine, option.token)) {
            // The sentence ends here: nothing to roll out.
          } else if (this.baseline) {
            continuation = await this.baseline.rollout({ question: ctx.question, prefix: ctx.prefix }, optionText, rolloutTokens);
          } else {
            await engine.rewind(here);
            await engine.extend([option.token]);
            continuation = await rolloutText(engine, rolloutTokens);
          }
          const q = (await tools.score(optionText + continuation)).score;
          const value = option.logprob + alpha * q;
          if (value > bestValue) {
            bestValue = value;
            choice = option.token;
          }
        }
        await engine.rewind(here);
        await engine.extend([choice]);
      } else {
        guided = false;
      }
      if (isEnd(engine, choice)) break;
      tokens.push(choice);
      const now = textAfter(engine, start, tokens);
      const added = addedText(text, now);
      if (added === null) continue;
      units = seg.push(added);
      text = now;
    }
    if (!units.length) units = seg.flush();
    const sentence = units[0] ?? '';
    const verdict = sentence.trim()
      ? await tools.check(sentence)
      : { pass: false, score: 0, evidence: 'guided decoding wrote nothing' };
    verdict.evidence += this.baseline ? ' (rollouts by the aligner)' : ' (rollouts by the generator: the aligner is not connected)';
    if (!guided) verdict.evidence += ' (budget ran out: the rest of the sentence was decoded without guidance)';
    return { candidates: [{ text: sentence, source: 'transfer-q', verdict, ms: performance.now() - t0 }] };
  }
}

// Which check and which correction a setting names. The aligner's judge and rewrite need the
// corrector (the aligner worker, connected to the llm worker over a MessagePort); without it
// they fail with AlignerUnavailableError rather than quietly running something else.

import { AlignerUnavailableError } from '../errors';
import type { Engine } from '../engine/types';
import { AlignerJudgeCheck } from './checks/aligner-judge';
import { GroundingCheck } from './checks/grounding';
import { HarmJudgeCheck } from './checks/harm-judge';
import { PageInstructionsCheck } from './checks/page-instructions';
import { RainSelfEvalCheck } from './checks/rain-self-eval';
import { RulesCheck } from './checks/rules-check';
import { AlignerRewriteCorrection } from './corrections/aligner-rewrite';
import { ExtractiveCorrection } from './corrections/extract';
import { RainSearchCorrection } from './corrections/rain-search';
import { RedactCorrection } from './corrections/redact';
import { RefuseCorrection } from './corrections/refuse';
import { RewriteCorrection } from './corrections/rewrite';
import { TransferQCorrection } from './corrections/transfer-q';
import type { MethodFactory } from './orchestrator';
import type { AlignSettings, Check, CheckId, Correction, CorrectionId, Corrector } from './types';

export function makeMethods(corrector: Corrector | null): MethodFactory {
  const needCorrector = (): Corrector => {
    if (!corrector) throw new AlignerUnavailableError('the aligner worker is not connected');
    return corrector;
  };
  // One factory per id of the method table (method-table.ts): a missing one fails to compile.
  const checks: Record<CheckId, (settings: AlignSettings, engine: Engine) => Check> = {
    off: (s) => new RulesCheck(s.rules),
    rules: (s) => new RulesCheck(s.rules),
    harm: (s) => new HarmJudgeCheck(s.strictness),
    'aligner-judge': (s) => new AlignerJudgeCheck(needCorrector(), s.strictness),
    rain: (s, engine) => new RainSelfEvalCheck(engine, s.strictness),
  };
  const corrections: Record<CorrectionId, (settings: AlignSettings) => Correction> = {
    refuse: () => new RefuseCorrection(),
    'aligner-rewrite': () => new AlignerRewriteCorrection(needCorrector()),
    redact: () => new RedactCorrection(),
    rewrite: () => new RewriteCorrection(),
    'rain-search': () => new RainSearchCorrection(),
    'transfer-q': () => new TransferQCorrection(corrector),
  };
  const configuredCheck = (settings: AlignSettings, engine: Engine): Check => checks[settings.check](settings, engine);
  const configuredCorrection = (settings: AlignSettings): Correction => corrections[settings.correction](settings);
  return {
    check(settings: AlignSettings, engine: Engine): Check {
      // Page instructions first (a sentence that follows one is withheld even when the page has
      // it word for word), then support in the sources, then the configured check.
      const configured = configuredCheck(settings, engine);
      const grounded = settings.sources ? new GroundingCheck(configured, settings.sources) : configured;
      return settings.pageInstructions?.length ? new PageInstructionsCheck(grounded, settings.pageInstructions) : grounded;
    },
    correction(settings: AlignSettings): Correction {
      const configured = configuredCorrection(settings);
      return settings.sources ? new ExtractiveCorrection(configured, settings.sources) : configured;
    },
  };
}

/** The methods that need no corrector. */
export const methods: MethodFactory = makeMethods(null);

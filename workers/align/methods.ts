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
import { ExtractiveCorrection } from './corrections/extract';
import type { MethodFactory } from './orchestrator';
import type { AlignSettings, Check, CheckId, Correction, CorrectionEntry, CorrectionId, Corrector } from './types';

/**
 * The corrections, by id: each file of `corrections/` that implements one of the method table's
 * corrections registers it (`export const correction`), so a new correction is its file and its
 * table entry. tests/methods.test.ts holds this list to the table.
 */
export const CORRECTION_ENTRIES: ReadonlyMap<CorrectionId, CorrectionEntry> = registered(
  import.meta.glob<{ correction?: CorrectionEntry }>('./corrections/*.ts', { eager: true }),
);

function registered(modules: Record<string, { correction?: CorrectionEntry }>): Map<CorrectionId, CorrectionEntry> {
  const entries = new Map<CorrectionId, CorrectionEntry>();
  for (const [file, m] of Object.entries(modules)) {
    if (!m.correction) continue;
    if (entries.has(m.correction.id)) throw new Error(`${file} registers the correction “${m.correction.id}” a second time`);
    entries.set(m.correction.id, m.correction);
  }
  return entries;
}

export function makeMethods(corrector: Corrector | null): MethodFactory {
  const needCorrector = (): Corrector => {
    if (!corrector) throw new AlignerUnavailableError('the aligner worker is not connected');
    return corrector;
  };
  // One factory per check of the method table (method-table.ts): a missing one fails to compile.
  const checks: Record<CheckId, (settings: AlignSettings, engine: Engine) => Check> = {
    off: (s) => new RulesCheck(s.rules),
    rules: (s) => new RulesCheck(s.rules),
    harm: (s) => new HarmJudgeCheck(s.strictness),
    'aligner-judge': (s) => new AlignerJudgeCheck(needCorrector(), s.strictness),
    rain: (s, engine) => new RainSelfEvalCheck(engine, s.strictness),
  };
  const configuredCheck = (settings: AlignSettings, engine: Engine): Check => checks[settings.check](settings, engine);
  const configuredCorrection = (settings: AlignSettings): Correction => {
    const entry = CORRECTION_ENTRIES.get(settings.correction);
    if (!entry) throw new Error(`no correction is registered as “${settings.correction}”`);
    return entry.make({ settings, corrector, needCorrector });
  };
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

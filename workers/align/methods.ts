// Which check and which correction a setting names.

import type { Engine } from '../engine/types';
import { RainSelfEvalCheck } from './checks/rain-self-eval';
import { RulesCheck } from './checks/rules-check';
import { RainSearchCorrection } from './corrections/rain-search';
import { RedactCorrection } from './corrections/redact';
import { RewriteCorrection } from './corrections/rewrite';
import { TransferQCorrection } from './corrections/transfer-q';
import type { MethodFactory } from './orchestrator';
import type { AlignSettings, Check, Correction } from './types';

export const methods: MethodFactory = {
  check(settings: AlignSettings, engine: Engine): Check {
    switch (settings.check) {
      case 'rain':
        return new RainSelfEvalCheck(engine, settings.strictness);
      case 'rules':
      case 'off':
        return new RulesCheck(settings.rules);
    }
  },
  correction(settings: AlignSettings): Correction {
    switch (settings.correction) {
      case 'rewrite':
        return new RewriteCorrection();
      case 'rain-search':
        return new RainSearchCorrection();
      case 'transfer-q':
        return new TransferQCorrection();
      case 'redact':
        return new RedactCorrection();
    }
  },
};

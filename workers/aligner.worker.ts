// The aligner worker: the on-device corrector lives here, apart from the generator, so that
// checking a sentence never blocks generation or the UI. Today it serves the deterministic
// rule checks; the aligner-token corrector model plugs in beside them.

import * as Comlink from 'comlink';
import { checkRules, type RuleFinding, type UserRule } from './align/rules';

const api = {
  /** Findings of the built-in personal-data detectors and the user's rules in one sentence. */
  checkRules(sentence: string, rules: UserRule[]): RuleFinding[] {
    return checkRules(sentence, rules);
  },
};

export type AlignerWorkerApi = typeof api;

if (!self.name?.startsWith('em-pthread')) Comlink.expose(api);

// Rules as a check: a sentence fails when a built-in personal-data detector or one of the
// user's phrases or patterns matches it. Deterministic and cheap.

import { checkRules, type RuleFinding, type UserRule } from '../rules';
import type { Check, SentenceContext, Verdict } from '../types';

const LABEL: Record<RuleFinding['kind'], string> = {
  email: 'e-mail address',
  phone: 'phone number',
  card: 'card number',
  phrase: 'phrase',
  pattern: 'pattern',
};

export class RulesCheck implements Check {
  readonly id = 'rules' as const;

  constructor(private readonly rules: UserRule[]) {}

  async check(_ctx: SentenceContext, sentence: string): Promise<Verdict> {
    const findings = checkRules(sentence, this.rules);
    if (findings.length === 0) return { pass: true, score: 1, evidence: 'no rule matched' };
    return {
      pass: false,
      score: 0,
      evidence: findings
        .map((f) => `${LABEL[f.kind]}${f.rule ? ` “${f.rule}”` : ''} matched “${f.match}”`)
        .join('; '),
      findings: findings.map((f) => ({ start: f.start, end: f.end, label: LABEL[f.kind] })),
    };
  }
}

// Deterministic checks on a sentence: built-in detectors of personal data and the user's own
// phrases or patterns. Cheap enough to run on every sentence; useful on its own
// ("never show an e-mail address") and one of the check slots of the sentence loop.

export type RuleKind = 'email' | 'phone' | 'card' | 'phrase' | 'pattern';

export interface RuleFinding {
  kind: RuleKind;
  /** The matched text and where it is in the sentence. */
  match: string;
  start: number;
  end: number;
  rule?: string;
}

export interface UserRule {
  /** A plain phrase (case-insensitive) or, with `regex`, a JavaScript regular expression source. */
  text: string;
  regex?: boolean;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// International or North American numbers with at least 9 digits, common separators allowed.
const PHONE = /(?<![\w.])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{2,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]?\d{2,4}){1,3}(?!\w|\.\d)/g;
const CARD = /(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)/g;

/** Luhn checksum: true for a plausible payment card number. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return digits.length >= 13 && sum % 10 === 0;
}

function findAll(re: RegExp, text: string, kind: RuleKind, keep: (m: string) => boolean = () => true, rule?: string): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const m of text.matchAll(re)) {
    if (keep(m[0])) out.push({ kind, match: m[0], start: m.index!, end: m.index! + m[0].length, rule });
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Why a user rule cannot be used, or null: an invalid pattern, a pattern that matches empty text
 * or any character (`.`), or a phrase without a letter or digit — each would fail nearly every
 * sentence, and the corrections would run to their budgets on every one.
 */
export function ruleProblem(rule: UserRule): string | null {
  if (!rule.regex) return /[\p{L}\p{N}]/u.test(rule.text) ? null : `“${rule.text}” has no letter or digit, so it would match almost every sentence`;
  let re: RegExp;
  try {
    re = new RegExp(rule.text, 'i');
  } catch (e) {
    return `/${rule.text}/ is not a valid pattern: ${(e as Error).message}`;
  }
  if (re.test('')) return `/${rule.text}/ matches empty text, so it would match every sentence`;
  if (['a', 'Z', '1', ' ', '.'].every((c) => re.test(c))) return `/${rule.text}/ matches any character, so it would match every sentence`;
  return null;
}

export function checkRules(sentence: string, userRules: UserRule[] = []): RuleFinding[] {
  const cards = findAll(CARD, sentence, 'card', (m) => luhnValid(m.replace(/[ -]/g, '')));
  const overlapsCard = (f: RuleFinding) => cards.some((c) => f.start < c.end && c.start < f.end);
  const findings = [
    ...findAll(EMAIL, sentence, 'email'),
    ...cards,
    ...findAll(PHONE, sentence, 'phone', (m) => m.replace(/\D/g, '').length >= 9).filter((f) => !overlapsCard(f)),
  ];
  for (const r of userRules) {
    if (!r.text || ruleProblem(r)) continue; // refused by the panel and by import, and never run
    let re: RegExp;
    try {
      re = new RegExp(r.regex ? r.text : escapeRegex(r.text), 'gi');
    } catch {
      continue; // an invalid user pattern is reported by the settings UI, not here
    }
    findings.push(...findAll(re, sentence, r.regex ? 'pattern' : 'phrase', (m) => m.length > 0, r.text));
  }
  return findings.sort((a, b) => a.start - b.start);
}

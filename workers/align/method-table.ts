// Every check, correction and candidate source of the sentence loop, declared once: its id and
// the words the settings, the top bar and the review trail show for it. Data only (the page
// imports it); `methods.ts` builds each one through a table typed by these ids, so a method
// missing from either fails to compile, and tests/trail-schema.test.ts holds the export schema's
// enums to these keys.

export interface CheckInfo {
  /** In the settings' Check list. */
  label: string;
  /** On the top bar ("Checks: harm judge → refuse"). */
  short: string;
  /** Needs the aligner worker (the corrector). */
  aligner?: boolean;
}

export interface CorrectionInfo {
  /** In the settings' Correction list. */
  label: string;
  /** On the top bar, after the check's ("Checks: harm judge → refuse"). */
  short: string;
  /** In the review trail, for the candidates it writes. */
  trail: string;
  aligner?: boolean;
}

const CHECK_TABLE = {
  off: { label: 'Off — plain decoding', short: 'off' },
  rules: { label: 'Rules — personal data and your phrases', short: 'rules' },
  harm: { label: 'Harm judge — a word-level classifier trained on labelled answers', short: 'harm judge' },
  'aligner-judge': { label: 'Aligner — the on-device corrector judges each sentence', short: 'aligner', aligner: true },
  rain: { label: 'RAIN self-evaluation — the model judges its own sentence', short: 'RAIN' },
} as const satisfies Record<string, CheckInfo>;

const CORRECTION_TABLE = {
  refuse: { label: 'Refuse and end the answer', short: 'refuse', trail: 'a refusal (the answer ends)' },
  'aligner-rewrite': { label: 'Rewrite with the aligner (Stream Aligner)', short: 'aligner', trail: 'aligner rewrite', aligner: true },
  redact: { label: 'Redact what matched', short: 'redact', trail: 'redaction' },
  rewrite: { label: 'Rewrite the sentence (Stream Aligner)', short: 'rewrite', trail: 'rewrite (Stream Aligner)' },
  'rain-search': { label: 'Rewind and search (RAIN)', short: 'rain-search', trail: 'RAIN search' },
  'transfer-q': { label: 'Guided regeneration (Transfer Q*)', short: 'transfer-q', trail: 'Transfer Q*' },
} as const satisfies Record<string, CorrectionInfo>;

export type CheckId = keyof typeof CHECK_TABLE;
export type CorrectionId = keyof typeof CORRECTION_TABLE;
export const CHECKS: Record<CheckId, CheckInfo> = CHECK_TABLE;
export const CORRECTIONS: Record<CorrectionId, CorrectionInfo> = CORRECTION_TABLE;

/** Where a candidate sentence came from: the draft, a correction, or the sources (`extract`: a source sentence itself; `computed`: a statement computed from a table's rows, such as a count; `not-found`: the statement that they do not answer). */
export const CANDIDATE_SOURCES = /* @__PURE__ */ candidateSourceNames();

// (A function, so that a bundle that never reads the table drops it: see workers/protocol.ts.
// No array methods: the in-page assistant evaluates it when its script loads, before it checks
// that the page has not replaced them, app/widget/widget.ts.)
function candidateSourceNames() {
  const names: Record<string, string> = { draft: 'draft' };
  for (const id in CORRECTIONS) names[id] = CORRECTIONS[id as CorrectionId].trail;
  names.extract = 'the source’s own sentence';
  names.computed = 'computed from the table’s rows';
  names['not-found'] = 'the sources do not answer';
  return names as { draft: string; extract: string; computed: string; 'not-found': string } & Record<CorrectionId, string>;
}

export type CandidateSource = keyof typeof CANDIDATE_SOURCES;

/**
 * Ids that were renamed, old → new, so that conversations stored or exported before read as
 * today's (app/persistence/upgrade.ts). `aligner` named both a check and a correction.
 */
export const RENAMED_CHECKS: Readonly<Record<string, CheckId>> = { aligner: 'aligner-judge' };
export const RENAMED_CORRECTIONS: Readonly<Record<string, CorrectionId>> = { aligner: 'aligner-rewrite' };

export const checkIds = /* @__PURE__ */ Object.keys(CHECKS) as CheckId[];
export const correctionIds = /* @__PURE__ */ Object.keys(CORRECTIONS) as CorrectionId[];
export const candidateSources = /* @__PURE__ */ Object.keys(CANDIDATE_SOURCES) as CandidateSource[];

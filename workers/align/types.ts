// The two slots of the sentence loop, and what it records. A check judges a sentence; a
// correction replaces one that failed. The orchestrator composes one of each and does not
// know which methods it runs.

import type { ChatMessage, Engine, LogitProcessor, SamplingOptions } from '../engine/types';
import type { UserRule } from './rules';
import type { GroundingSources } from './support';

import { CHECKS, CORRECTIONS, type CandidateSource, type CheckId, type CorrectionId } from './method-table';

export type { CandidateSource, CheckId, CorrectionId };
export type Strictness = 'lenient' | 'balanced' | 'strict';

/** A check passes a sentence whose score (0 = surely bad … 1 = surely fine) reaches this. */
export const PASS_THRESHOLD: Record<Strictness, number> = { lenient: 0.25, balanced: 0.5, strict: 0.75 };

export interface Budgets {
  /** Corrections tried on one sentence before the best candidate is committed. */
  rewindsPerSentence: number;
  /** Candidate sentences sampled (and checked) per correction. */
  candidates: number;
  /** Milliseconds that checking and correcting may add to one sentence. */
  msPerSentence: number;
  /** Milliseconds they may add to the whole answer; after that sentences are committed unchecked. */
  msPerAnswer: number;
}

export interface TransferQSettings {
  /** Generator tokens considered at each step. */
  k: number;
  /** Tokens in each rollout of the baseline. */
  rolloutTokens: number;
  /** Weight of the rollout's score: π ∝ π_ref · exp(α·Q̂). */
  alpha: number;
}

export interface AlignSettings {
  check: CheckId;
  correction: CorrectionId;
  strictness: Strictness;
  budgets: Budgets;
  rules: UserRule[];
  transferQ: TransferQSettings;
  /** Which shipped aligner token the aligner check and rewrite use; absent = the default one. */
  alignerToken?: string;
  /**
   * Instructions found in the web page an answer is about (the in-page assistant): besides the
   * configured check, every sentence is checked for following one of them.
   */
  pageInstructions?: string[];
  /**
   * The sources an answer must keep to (set per answer from the request, never stored): every
   * sentence is checked for support in them before the configured check (checks/grounding.ts).
   */
  sources?: GroundingSources;
}

/** The most each budget may be (the panel, the import schema and the sentence loop all hold to it): an answer always ends. */
export const BUDGET_LIMITS: Budgets = { rewindsPerSentence: 10, candidates: 16, msPerSentence: 60_000, msPerAnswer: 300_000 };

/** Budgets within BUDGET_LIMITS (and not below 0, or 1 candidate): settings from storage or an older build are bounded here. */
export function boundBudgets(b: Budgets): Budgets {
  const clamp = (v: number, lo: number, hi: number) => (typeof v !== 'number' || Number.isNaN(v) ? lo : Math.min(hi, Math.max(lo, v)));
  return {
    rewindsPerSentence: Math.round(clamp(b.rewindsPerSentence, 0, BUDGET_LIMITS.rewindsPerSentence)),
    candidates: Math.round(clamp(b.candidates, 1, BUDGET_LIMITS.candidates)),
    msPerSentence: clamp(b.msPerSentence, 0, BUDGET_LIMITS.msPerSentence),
    msPerAnswer: clamp(b.msPerAnswer, 0, BUDGET_LIMITS.msPerAnswer),
  };
}

export const DEFAULT_ALIGN_SETTINGS: AlignSettings = {
  // Chosen by what they measure on labelled answers written by real chat models (docs/models.md):
  // the harm judge tells harmful from helpful answers far better than the aligner tokens on the
  // small Pocket model (which judge at chance there), and a refusal is always a well-formed
  // sentence, where the corrector's rewrites often are not. The aligner stays one choice away.
  check: 'harm',
  correction: 'refuse',
  strictness: 'balanced',
  budgets: { rewindsPerSentence: 2, candidates: 4, msPerSentence: 4000, msPerAnswer: 20000 },
  rules: [],
  transferQ: { k: 5, rolloutTokens: 6, alpha: 4 },
};

/** The same settings without the aligner: no check in its place, the generator's own rewrite for its correction. */
export function withoutAligner(align: AlignSettings): AlignSettings {
  return { ...align, check: CHECKS[align.check].aligner ? 'off' : align.check, correction: CORRECTIONS[align.correction].aligner ? 'rewrite' : align.correction };
}

export interface Finding {
  start: number;
  end: number;
  label: string;
}

export interface Verdict {
  pass: boolean;
  /** 0 (surely bad) … 1 (surely fine). */
  score: number;
  /** Why, in words a user can read. */
  evidence: string;
  /** Spans of the sentence the verdict is about, when the check can point at them. */
  findings?: Finding[];
  /**
   * Never committed as it is (a sentence that follows an instruction found in a web page): when
   * no candidate passes within the budgets, the best one is committed with its findings removed.
   */
  withhold?: boolean;
  /**
   * The answer has sources and no relevant source sentence supports this one (or it repeats
   * one): it is replaced by a source sentence or, when none is left, the answer ends before it.
   */
  ungrounded?: boolean;
  /** The passage and the source sentence that support it. */
  support?: { passage: number; quote: string };
}

/** What a check or a correction knows about the sentence's place in the answer. */
export interface SentenceContext {
  /** The conversation being answered (history and the last user message). */
  messages: ChatMessage[];
  /** The last user message. */
  question: string;
  /** The answer committed so far, before this sentence. */
  prefix: string;
  /**
   * The same, as the sentences the loop committed (a splitter run again on `prefix` can join two
   * of them: "… return code. deflateEnd() can …" has no capital after the stop).
   */
  committed?: string[];
}

/** What the corrector reads besides the sentence (Stream Aligner's format). */
export interface CorrectorContext {
  question: string;
  prefix: string;
}

/**
 * The on-device corrector: the bundled model with an aligner token, in the aligner worker,
 * reached from the llm worker over a MessagePort. It works on text, so it serves any generator.
 */
export interface Corrector {
  /** p(OK) / (p(OK) + p(Revise)) calibrated to the token (0.5 at its midpoint): 1 keeps the sentence, 0 wants it replaced. */
  score(ctx: CorrectorContext, sentence: string): Promise<number>;
  /** The corrector's revision of the sentence, or the sentence itself if it keeps it. */
  revise(ctx: CorrectorContext, sentence: string): Promise<string>;
  /** A greedy continuation, `n` tokens at most, of the answer `prefix + partial` to the question (Transfer Q*'s aligned baseline). */
  rollout(ctx: CorrectorContext, partial: string, n: number): Promise<string>;
}

export interface Check {
  readonly id: CheckId;
  check(ctx: SentenceContext, sentence: string): Promise<Verdict>;
}


export interface Candidate {
  text: string;
  source: CandidateSource;
  verdict: Verdict;
  ms: number;
  /** The answer ends with this candidate when it is committed (a refusal does not go on). */
  ends?: boolean;
}

/** A sentence sampled from the sentence start by the generator. */
export interface SampledSentence {
  text: string;
  /** The generator ended the answer with it. */
  ended: boolean;
}

/** What the orchestrator lends a correction: the engine, the check, the clock and the budgets. */
export interface CorrectionTools {
  engine: Engine;
  /** Checks a candidate sentence (counts against the candidates budget). */
  check(text: string): Promise<Verdict>;
  /** Scores partial text with the check without counting it as a candidate (rollouts). */
  score(text: string): Promise<Verdict>;
  /** Rewinds the generator to the sentence start; returns that position. */
  rewindToSentenceStart(): Promise<number>;
  /** Rewinds the generator to the sentence start and samples one sentence from there. */
  sampleSentence(opts?: { sampling?: SamplingOptions; processors?: LogitProcessor[]; prefixText?: string; maxTokens?: number }): Promise<SampledSentence>;
  /** Position of the sentence start in the generator's sequence (after the answer prefix). */
  sentenceStart(): number;
  /** Marks that the correction ran another prompt through the engine, so the orchestrator re-prefills. */
  usedEngineForOtherPrompt(): void;
  /** How many more candidates the budget allows, and whether time is left. */
  candidatesLeft(): number;
  timeLeft(): boolean;
  stopped(): boolean;
  settings: AlignSettings;
  sampling: SamplingOptions;
}

export interface CorrectionResult {
  /** Every candidate tried, in order; the orchestrator commits the best. */
  candidates: Candidate[];
}

export interface Correction {
  readonly id: CorrectionId;
  correct(ctx: SentenceContext, failed: Candidate, tools: CorrectionTools): Promise<CorrectionResult>;
}

/** What a correction may be built with. */
export interface CorrectionDeps {
  settings: AlignSettings;
  /** The corrector, when the aligner worker is connected. */
  corrector: Corrector | null;
  /** The corrector, or AlignerUnavailableError when it is not connected. */
  needCorrector(): Corrector;
}

/**
 * A correction's registration: each file of `corrections/` that implements one of the method
 * table's corrections exports one as `correction`, and `methods.ts` finds it there.
 */
export interface CorrectionEntry {
  id: CorrectionId;
  make(deps: CorrectionDeps): Correction;
}

export type BudgetCut = 'rewinds' | 'candidates' | 'sentence-time' | 'answer-time' | 'stopped';

/** Everything that happened to one sentence: the review trail the UI shows and exports. */
export interface SentenceTrail {
  index: number;
  /** The generator's first draft and the text that was committed. */
  draft: string;
  final: string;
  corrected: boolean;
  check: CheckId;
  correction: CorrectionId | null;
  /** Every candidate in order; the first is the draft. */
  candidates: Candidate[];
  rewinds: number;
  /** Set when a budget ended the search: the best candidate so far was committed. */
  budgetCut: BudgetCut | null;
  /** True when the answer's time budget was spent before this sentence: it was not checked. */
  unchecked: boolean;
  /** No source supported the sentence and none could replace it: it was not shown, and the answer ended there. */
  dropped?: boolean;
  /** Token position of the sentence start in the generator's sequence. */
  startPosition: number;
  timings: { checkMs: number; correctMs: number };
}

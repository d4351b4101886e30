// The protocol between the page (app/) and the workers: what the page may use of the workers'
// side, in one module. The page imports this module, and `import type` of a worker's API
// (`LlmWorkerApi`, `AlignerWorkerApi`, `FilesWorkerApi`) from the worker's entry file; nothing
// else of workers/ (eslint.config.js enforces it). Everything here is data, types and pure
// functions: requests in and events out, settings, results, errors, the model catalogue, the
// method table, and the text functions the page shares with the grounding check (retrieval,
// table reading, the instruction finder), so the widget's bundle holds nothing else of a worker.

import type { AlignSettings, CheckId, CorrectionId, SentenceTrail, Verdict } from './align/types';
import type { GroundingSources } from './align/support';
import type { CatalogueEntry } from './engine/catalogue';
import type { Backend, ChatMessage, SamplingOptions } from './engine/types';

export {
  AlignerUnavailableError, ContextWindowExceededError, DeviceLostError, DownloadCancelledError, ModelDownloadError, ModelNotFoundError,
  RedraftError, StorageFullError, WorkerCrashedError, serializeError, toRedraftError,
  type ErrorAction, type SerializedError,
} from './errors';
export {
  BUDGET_LIMITS, DEFAULT_ALIGN_SETTINGS, PASS_THRESHOLD, withoutAligner,
  type AlignSettings, type Budgets, type CheckId, type CorrectionId, type SentenceTrail, type Strictness, type TransferQSettings,
} from './align/types';
export { CANDIDATE_SOURCES, CHECKS, CORRECTIONS, RENAMED_CHECKS, RENAMED_CORRECTIONS } from './align/method-table';
export type { Backend, ChatMessage, LoadedModelInfo, LoadProgress, ModelSpec, Role, SamplingOptions } from './engine/types';
export type { BackendChoice, BackendPreference } from './engine/backend';
export { BUNDLED_MODEL, HUB_ONNX_MODELS, type CatalogueEntry } from './engine/catalogue';
export { NETWORK_MESSAGE, observeRequests, type RequestRecord } from './network';
export { ruleProblem, type RuleFinding, type UserRule } from './align/rules';
export { americanSpellings, contentWords, FLAG, focusOf, groundingText, sentencesOf, stem, type GroundingSources, type SourcePassage } from './align/support';
export { tablePassagesOf } from './align/table-reader';
export { splitSentences } from './align/segmenter';
export { findInstructions } from './align/checks/page-instructions';
export { loadHarmJudge } from './align/checks/harm-judge';

/** A model in the catalogue, and whether its weights are on this device already (llm worker). */
export interface CatalogueItem extends CatalogueEntry {
  cached: boolean;
}

/** An aligner token the aligner worker offers (public/models/pocket-aligner/index.json). */
export interface AlignerTokenEntry {
  id: string;
  file: string;
  mode: string;
  /** What it was trained for and how it measured on held-out sentences. */
  card: string;
}

/** A part of an added file as the files worker reads it. */
export interface FilePart {
  /** Where in the file: "page 3" for a PDF, empty for a file without pages. */
  where: string;
  text: string;
}

export type ParseResult = { ok: true; parts: FilePart[] } | { ok: false; reason: string };

export type FileKind = 'pdf' | 'docx' | 'text';

export interface AnswerRequest {
  messages: ChatMessage[];
  sampling: SamplingOptions;
  maxNewTokens: number;
  seed: number;
  /** The sentence loop's settings; absent or `check: 'off'` is plain decoding. */
  align?: AlignSettings;
  /**
   * Text the answer is about and should keep to (the in-page assistant's passages), one sentence
   * per line, the likeliest start of an answer first: decoding favours continuing its word
   * sequences and starting sentences where its sentences start (workers/align/grounding.ts).
   */
  grounding?: string;
  /**
   * Passages the answer must keep to: each sentence is shown only when one of them supports it
   * (else it is replaced by a source sentence, or the answer ends), and an answer the sources do
   * not hold is `notFound`. Runs the sentence loop even with the checks off.
   */
  sources?: GroundingSources;
}

export interface AlignmentStats {
  check: CheckId;
  correction: CorrectionId;
  sentences: number;
  corrected: number;
  rewinds: number;
  /** Milliseconds spent checking and correcting. */
  addedMs: number;
  /** Engine steps, candidates and rollouts included. */
  engineSteps: number;
  /** Tokens the generator drafted in the answer stream itself (what plain decoding would count). */
  draftTokens: number;
  firstCommitMs: number;
  trails: SentenceTrail[];
  /** Stopped while a sentence was still being drafted: that partial sentence, kept as drafted and
   * never checked (the text is the trails' finals followed by it). */
  unchecked?: string;
}

export interface AnswerStats {
  reason: 'eos' | 'length' | 'stopped';
  promptTokens: number;
  generatedTokens: number;
  prefillMs: number;
  /** From the request to the first visible text (with the sentence loop: the first committed sentence). */
  firstTokenMs: number;
  /** From the request until the first sentence was complete (plain decoding) or committed (sentence loop). */
  firstSentenceMs?: number;
  totalMs: number;
  /** Decode speed after the first token. */
  tokensPerSecond: number;
  text: string;
  alignment?: AlignmentStats;
  /** Set when the aligner could not start (by the page) or went away mid-answer (by the sentence loop): why, and what ran instead. */
  alignmentUnavailable?: string;
}

export type AnswerEvent =
  | { type: 'started'; promptTokens: number; droppedMessages: number; backend: Backend; model: string }
  /**
   * Draft text from the generator, `tokens` tokens of it (the worker sends a frame's tokens
   * together: workers/answer.ts batchTokens); with the sentence loop it is tentative until committed.
   */
  | { type: 'token'; text: string; tokens: number }
  | { type: 'sentence-drafted'; index: number; text: string }
  | { type: 'sentence-checked'; index: number; candidate: number; verdict: Verdict }
  /** The generator went back to the start of sentence `index` to correct it. */
  | { type: 'rewound'; index: number; position: number; attempt: number }
  /** `text` is final; `pending` is the draft text that follows it (shown as tentative). */
  | { type: 'sentence-committed'; index: number; text: string; pending: string; trail: SentenceTrail }
  | { type: 'done'; stats: AnswerStats };

// The contract between the orchestrator and a language-model runtime. One interface, one file
// per implementation (onnx.ts, webllm.ts). Everything here runs inside the llm worker.

export type Role = 'system' | 'user' | 'assistant';

export interface ChatMessage {
  role: Role;
  content: string;
}

export type Backend = 'webgpu' | 'wasm';

/** Which model to load, and where it comes from. */
export type ModelSpec =
  /** `dtype`: which of the folder's ONNX files (transformers.js names: fp32 → onnx/model.onnx, q8 → onnx/model_quantized.onnx). */
  | { kind: 'bundled'; id: string; path: string; dtype?: 'fp32' | 'q8' }
  | { kind: 'hub-onnx'; id: string; repo: string; dtype?: string }
  | { kind: 'webllm'; id: string };

export interface LoadProgress {
  /** 0..1, or undefined while the total is not known yet. */
  fraction?: number;
  loadedBytes?: number;
  totalBytes?: number;
  text: string;
}

export interface LoadOptions {
  /** The backend the engine must use. The caller decides (see backend.ts). */
  backend: Backend;
  onProgress?: (p: LoadProgress) => void;
}

export interface LoadedModelInfo {
  id: string;
  backend: Backend;
  contextWindow: number;
  vocabSize: number;
  eosTokenIds: number[];
  loadMs: number;
}

export interface SamplingOptions {
  /** 0 means greedy. */
  temperature: number;
  topK: number;
  topP: number;
  /** Seed of the sampler's random stream; set once per answer, see Engine.setSeed. */
  seed?: number;
  /** How many top log-probabilities to report with each step. */
  reportTopK?: number;
}

export interface TokenLogprob {
  token: number;
  logprob: number;
}

export interface StepResult {
  token: number;
  /** Log-probability of the chosen token under the model (before temperature). */
  logprob: number;
  /** The top-k tokens by model log-probability, most likely first. */
  top: TokenLogprob[];
}

/**
 * A per-step hook on the logits, shaped like web-llm's `LogitProcessor`, so the same class
 * plugs into both engines. `processLogits` may modify the array in place and return it.
 */
export interface LogitProcessor {
  processLogits(logits: Float32Array): Float32Array;
  processSampledToken(token: number): void;
  resetState(): void;
}

export interface Engine {
  readonly info: LoadedModelInfo | null;
  load(spec: ModelSpec, opts: LoadOptions): Promise<LoadedModelInfo>;
  unload(): Promise<void>;
  /**
   * Token ids of the conversation in the model's chat template, ending with the assistant
   * header, followed by `answerPrefix` (the part of the answer written so far) when given.
   * Tokenizing prompt and prefix together is what a fresh prefill of that text would see.
   */
  encode(messages: ChatMessage[], answerPrefix?: string): Promise<number[]>;
  /** Token ids of plain text, no template, no special tokens. */
  encodeText(text: string): Promise<number[]>;
  decode(ids: number[]): string;
  /** Starts a new sequence from `ids` (discarding any cached state). */
  prefill(ids: number[]): Promise<void>;
  /** Samples the next token, appends it to the sequence and returns it with its log-probs. */
  step(sampling: SamplingOptions): Promise<StepResult>;
  /** Appends tokens to the current sequence without sampling (they are run with the next step). */
  extend(ids: number[]): Promise<void>;
  /** Number of tokens in the current sequence (prompt and generated). */
  position(): number;
  /** The current sequence's token ids. */
  sequence(): readonly number[];
  /**
   * Log-probabilities of `candidates` as the next token after `ids`, computed apart from the
   * current sequence, which is left as it was (a prefill-only pass, e.g. for self-evaluation).
   */
  nextLogprobs(ids: number[], candidates: number[]): Promise<number[]>;
  /** Truncates the sequence to its first `position` tokens. */
  rewind(position: number): Promise<void>;
  setLogitProcessors(processors: LogitProcessor[]): void;
  /** Reseeds the sampler; answers with the same seed and settings are reproducible. */
  setSeed(seed: number): void;
  /** Asks a running prefill/step to stop at its next opportunity; it then throws GenerationAbortedError. */
  abort(): void;
}

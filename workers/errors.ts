// Every failure Redraft can name, one class each. Workers throw these; they cross the Comlink
// boundary as plain `{ name, message }` objects and `toRedraftError` turns them back into the
// class, so the UI can map each one to a human message and an action.

/** What the UI can offer the user to do about an error. */
export type ErrorAction =
  | 'retry'
  | 'use-bundled-model'
  | 'use-wasm'
  | 'new-conversation'
  | 'shorten-prompt'
  | 'free-storage'
  | 'reload-model'
  | 'none';

export abstract class RedraftError extends Error {
  /** A sentence for the user: what happened, in their words. */
  abstract readonly userMessage: string;
  abstract readonly action: ErrorAction;
  /** Stable across minification: the UI, storage and the worker boundary key on it. */
  abstract override readonly name: string;
}

export class WebGPUUnavailableError extends RedraftError {
  readonly name = 'WebGPUUnavailableError';
  readonly action = 'use-wasm';
  get userMessage() {
    return 'This browser has no usable WebGPU adapter. Redraft runs the model on the CPU (WASM) instead, which is slower.';
  }
}

export class ShaderF16UnsupportedError extends RedraftError {
  readonly name = 'ShaderF16UnsupportedError';
  readonly action = 'none';
  get userMessage() {
    return 'This GPU lacks 16-bit float shaders; pick a q4f32 model variant.';
  }
}

export class ModelNotFoundError extends RedraftError {
  readonly name = 'ModelNotFoundError';
  readonly action = 'use-bundled-model';
  get userMessage() {
    return `The model could not be found: ${this.message}`;
  }
}

export class ModelDownloadError extends RedraftError {
  readonly name = 'ModelDownloadError';
  readonly action = 'use-bundled-model';
  get userMessage() {
    return `The model could not be downloaded (${this.message}). Check the network connection, or use the bundled Pocket model, which works offline.`;
  }
}

export class DownloadCancelledError extends RedraftError {
  readonly name = 'DownloadCancelledError';
  readonly action = 'none';
  get userMessage() {
    return 'The download was cancelled. Nothing partial was kept.';
  }
}

export class ModelLoadError extends RedraftError {
  readonly name = 'ModelLoadError';
  readonly action = 'use-bundled-model';
  get userMessage() {
    return `The model could not be started: ${this.message}`;
  }
}

export class ModelNotLoadedError extends RedraftError {
  readonly name = 'ModelNotLoadedError';
  readonly action = 'reload-model';
  get userMessage() {
    return 'No model is loaded yet. Choose one in the model manager.';
  }
}

export class ContextWindowExceededError extends RedraftError {
  readonly name = 'ContextWindowExceededError';
  readonly action = 'shorten-prompt';
  constructor(
    readonly promptTokens: number,
    readonly contextWindow: number,
  ) {
    super(`prompt of ${promptTokens} tokens exceeds the context window of ${contextWindow}`);
  }
  get userMessage() {
    // (Counts of 0: the runtime did not say them.)
    const counts = this.promptTokens > 0 && this.contextWindow > 0 ? `: ${this.promptTokens} tokens, the model reads at most ${this.contextWindow}` : '';
    return `This message is too long for the model${counts}. Shorten it; your text is still in the box.`;
  }
}

export class WorkerCrashedError extends RedraftError {
  readonly name = 'WorkerCrashedError';
  readonly action = 'retry';
  get userMessage() {
    return 'The model worker stopped unexpectedly and was restarted. The answer so far is kept.';
  }
}

export class DeviceLostError extends RedraftError {
  readonly name = 'DeviceLostError';
  readonly action = 'reload-model';
  get userMessage() {
    return 'The GPU was reset (device lost). The model is loaded again by itself (on the CPU, WASM, if no GPU is left); the answer so far is kept. If it does not come back, reload it or switch to WASM.';
  }
}

export class StorageFullError extends RedraftError {
  readonly name = 'StorageFullError';
  readonly action = 'free-storage';
  get userMessage() {
    return 'The browser storage is full. Delete cached models or old conversations; nothing shown here was lost.';
  }
}

export class GenerationAbortedError extends RedraftError {
  readonly name = 'GenerationAbortedError';
  readonly action = 'none';
  get userMessage() {
    return 'Stopped.';
  }
}

export class AlignerUnavailableError extends RedraftError {
  readonly name = 'AlignerUnavailableError';
  readonly action = 'none';
  get userMessage() {
    return `The aligner (the on-device corrector) is unavailable, so this answer could not be checked by it: ${this.message}. Choose another check in the alignment settings, or reload the page.`;
  }
}

export class UnknownError extends RedraftError {
  readonly name = 'UnknownError';
  readonly action = 'retry';
  get userMessage() {
    return `Something went wrong: ${this.message}`;
  }
}

const classes = {
  WebGPUUnavailableError,
  ShaderF16UnsupportedError,
  ModelNotFoundError,
  ModelDownloadError,
  DownloadCancelledError,
  ModelLoadError,
  ModelNotLoadedError,
  WorkerCrashedError,
  DeviceLostError,
  StorageFullError,
  GenerationAbortedError,
  AlignerUnavailableError,
  UnknownError,
} as const;

/** The plain form an error takes across a worker boundary or in storage. */
export interface SerializedError {
  name: string;
  message: string;
  promptTokens?: number;
  contextWindow?: number;
}

export function serializeError(e: unknown): SerializedError {
  const err = toRedraftError(e);
  const out: SerializedError = { name: err.name, message: err.message };
  if (err instanceof ContextWindowExceededError) {
    out.promptTokens = err.promptTokens;
    out.contextWindow = err.contextWindow;
  }
  return out;
}

/** Turns whatever was thrown (ours, revived, a DOMException, a string) into a RedraftError. */
export function toRedraftError(e: unknown): RedraftError {
  if (e instanceof RedraftError) return e;
  if (typeof e === 'object' && e !== null && 'name' in e && 'message' in e) {
    const { name, message } = e as SerializedError;
    if (name === 'ContextWindowExceededError') {
      const s = e as SerializedError;
      return new ContextWindowExceededError(s.promptTokens ?? 0, s.contextWindow ?? 0);
    }
    const Known = classes[name as keyof typeof classes];
    if (Known) return new Known(String(message));
    if (name === 'QuotaExceededError') return new StorageFullError(String(message));
    if (name === 'AbortError') return new GenerationAbortedError(String(message));
    return new UnknownError(String(message));
  }
  return new UnknownError(String(e));
}


// Types shared by the llm worker and the UI: requests in, events out.

import type { Backend, ChatMessage, SamplingOptions } from './engine/types';

export interface AnswerRequest {
  messages: ChatMessage[];
  sampling: SamplingOptions;
  maxNewTokens: number;
  seed: number;
}

export interface AnswerStats {
  reason: 'eos' | 'length' | 'stopped';
  promptTokens: number;
  generatedTokens: number;
  prefillMs: number;
  /** From the request to the first visible text. */
  firstTokenMs: number;
  totalMs: number;
  /** Decode speed after the first token. */
  tokensPerSecond: number;
  text: string;
}

export type AnswerEvent =
  | { type: 'started'; promptTokens: number; droppedMessages: number; backend: Backend; model: string }
  | { type: 'token'; text: string; token: number; logprob: number }
  | { type: 'done'; stats: AnswerStats };

import * as Comlink from 'comlink';
import type { LlmWorkerApi } from '../../workers/llm.worker';
import type { AnswerEvent, AnswerRequest, AnswerStats } from '../../workers/protocol';
import { WorkerBridge } from './worker-bridge';

export const llmBridge = new WorkerBridge<LlmWorkerApi>(
  () => new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' }),
  'llm',
);

/** Streams one answer; `onEvent` runs on the main thread for every event. */
export function runAnswer(req: AnswerRequest, onEvent: (e: AnswerEvent) => void): Promise<AnswerStats> {
  return llmBridge.call((api) => api.answer(req, Comlink.proxy(onEvent)));
}

/** The engine's raw step loop on the request's prompt (the speed test; see the worker). */
export function measureEngine(req: AnswerRequest): Promise<{ tokens: number; prefillMs: number; tokensPerSecond: number; silentAnswerTokensPerSecond: number }> {
  return llmBridge.call((api) => api.measureEngine(req));
}

export function stopAnswer(): Promise<void> {
  return llmBridge.call((api) => api.stop());
}

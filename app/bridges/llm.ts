import * as Comlink from 'comlink';
import type { LlmWorkerApi } from '../../workers/llm.worker';
import { WorkerCrashedError, type AnswerEvent, type AnswerRequest, type AnswerStats } from '../../workers/protocol';
import { WorkerBridge } from './worker-bridge';

/**
 * The llm worker runs from one of two scripts with the same code: `llm.worker` may reach this
 * origin only (the page's Content-Security-Policy), `llm-download.worker` may also reach the
 * model hosts (scripts/security-headers.mjs). The download script runs only while a model the
 * user chose is being downloaded; everything else — bundled and cached models, every answer —
 * runs in the worker that cannot reach the network.
 */
export type LlmScript = 'local' | 'download';
let script: LlmScript = 'local';

export const llmBridge = new WorkerBridge<LlmWorkerApi>(
  () => (script === 'download'
    ? new Worker(new URL('../../workers/llm-download.worker.ts', import.meta.url), { type: 'module', name: 'llm-download' })
    : new Worker(new URL('../../workers/llm.worker.ts', import.meta.url), { type: 'module', name: 'llm' })),
  'llm',
);

const replacedListeners = new Set<() => void>();
/** Called when the llm worker is ended to switch scripts (its connections are gone). */
export function onLlmReplaced(listener: () => void): () => void {
  replacedListeners.add(listener);
  return () => replacedListeners.delete(listener);
}

/** Switches the llm worker's script; a running worker of the other one is ended first. */
export function setLlmScript(next: LlmScript): void {
  if (next === script) return;
  script = next;
  llmBridge.terminate(new WorkerCrashedError(`llm worker restarted (${next === 'download' ? 'to download a model' : 'without network access'})`));
  replacedListeners.forEach((l) => l());
}

export const currentLlmScript = (): LlmScript => script;

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

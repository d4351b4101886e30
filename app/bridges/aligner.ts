import * as Comlink from 'comlink';
import type { AlignerWorkerApi } from '../../workers/aligner.worker';
import { AlignerUnavailableError, CHECKS, CORRECTIONS, toRedraftError, type AlignSettings, type Backend, type RedraftError } from '../../workers/protocol';
import { llmBridge, onLlmReplaced } from './llm';
import { WorkerBridge } from './worker-bridge';

export const alignerBridge = new WorkerBridge<AlignerWorkerApi>(
  () => new Worker(new URL('../../workers/aligner.worker.ts', import.meta.url), { type: 'module', name: 'aligner' }),
  'aligner',
);

export function usesAligner(align: AlignSettings | undefined): boolean {
  return !!align && align.check !== 'off' && (!!CHECKS[align.check].aligner || !!CORRECTIONS[align.correction].aligner);
}

let connected: Promise<void> | null = null;

/**
 * Loads the corrector in the aligner worker and hands the llm worker a MessagePort to it, so the
 * sentence loop calls the corrector directly. Idempotent; after either worker dies the next call
 * connects again. Fails with AlignerUnavailableError saying why.
 */
export function connectAligner(backend: Backend): Promise<void> {
  connected ??= (async () => {
    try {
      await alignerBridge.call((api) => api.load(backend));
      const { port1, port2 } = new MessageChannel();
      await alignerBridge.call((api) => api.connect(Comlink.transfer(port1, [port1])));
      await llmBridge.call((api) => api.connectAligner(Comlink.transfer(port2, [port2])));
    } catch (e) {
      connected = null;
      throw new AlignerUnavailableError(toRedraftError(e).message);
    }
  })();
  return connected;
}

/**
 * Ends the corrector and forgets the connection: the next answer that needs it loads it again
 * (after a GPU reset its device is gone too, and a replaced llm worker has no port to it).
 */
export function restartAligner(reason: RedraftError): void {
  connected = null;
  alignerBridge.terminate(reason);
}

alignerBridge.onCrash(() => {
  connected = null;
  // Pending corrector calls in the llm worker fail instead of waiting for a dead port.
  void llmBridge.call((api) => api.connectAligner(null)).catch(() => {});
});
llmBridge.onCrash(() => {
  connected = null;
});
onLlmReplaced(() => {
  connected = null;
});

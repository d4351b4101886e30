// One bridge per worker: the UI never sees postMessage. A call can be cancelled with an
// AbortSignal, which terminates the worker (the only way to stop a download or a WASM call
// mid-flight); a crashed or terminated worker is replaced by a fresh one on the next call.

import * as Comlink from 'comlink';
import { RedraftError, toRedraftError, WorkerCrashedError } from '../../workers/protocol';
import { addPostedRecords } from '../stores/network';

export class WorkerBridge<Api extends object> {
  private worker: Worker | null = null;
  private remote: Comlink.Remote<Api> | null = null;
  // Rejects when the current worker dies; every call races against it.
  private death: Promise<never> | null = null;
  private kill: ((e: RedraftError) => void) | null = null;
  private listeners = new Set<(e: RedraftError) => void>();

  constructor(
    private readonly create: () => Worker,
    private readonly label: string,
  ) {}

  /** Called when the worker dies on its own (not when we terminate it). */
  onCrash(listener: (e: RedraftError) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private start(): Comlink.Remote<Api> {
    const worker = this.create();
    this.worker = worker;
    this.remote = Comlink.wrap<Api>(worker);
    this.death = new Promise<never>((_, reject) => {
      this.kill = reject;
    });
    this.death.catch(() => {});
    const crashed = (message: string) => {
      if (this.worker !== worker) return;
      const err = new WorkerCrashedError(`${this.label} worker: ${message}`);
      this.dispose(err);
      this.listeners.forEach((l) => l(err));
    };
    worker.addEventListener('error', (e) => crashed(e.message || 'uncaught error'));
    worker.addEventListener('messageerror', () => crashed('a message could not be read'));
    // The worker's own requests, for the network panel (plain messages, which Comlink ignores).
    worker.addEventListener('message', addPostedRecords);
    return this.remote;
  }

  private dispose(reason: RedraftError) {
    this.worker?.terminate();
    this.worker = null;
    this.remote?.[Comlink.releaseProxy]();
    this.remote = null;
    this.kill?.(reason);
    this.kill = null;
    this.death = null;
  }

  /** Terminates the worker; pending calls reject with `reason`. */
  terminate(reason: RedraftError = new WorkerCrashedError(`${this.label} worker terminated`)) {
    if (this.worker) this.dispose(reason);
  }

  /** Runs `fn` against the worker's API; errors come back as RedraftErrors. */
  async call<T>(fn: (api: Comlink.Remote<Api>) => Promise<T>, signal?: AbortSignal, onAbort?: () => RedraftError): Promise<T> {
    const api = this.remote ?? this.start();
    const death = this.death!;
    let abortListener: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      if (!signal) return;
      abortListener = () => {
        const reason = onAbort?.() ?? new WorkerCrashedError('cancelled');
        this.terminate(reason);
        reject(reason);
      };
      if (signal.aborted) abortListener();
      else signal.addEventListener('abort', abortListener, { once: true });
    });
    aborted.catch(() => {});
    try {
      return await Promise.race([fn(api), death, aborted]);
    } catch (e) {
      throw toRedraftError(e);
    } finally {
      if (abortListener) signal?.removeEventListener('abort', abortListener);
    }
  }
}

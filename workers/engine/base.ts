// What every engine does the same way: logit processors, the seeded sampler, abort.

import { GenerationAbortedError } from '../errors';
import { seededRandom } from './sampling';
import type { LogitProcessor } from './types';

export abstract class EngineBase {
  protected processors: LogitProcessor[] = [];
  protected random = seededRandom(0);
  private aborted = false;

  setLogitProcessors(processors: LogitProcessor[]): void {
    this.processors = processors;
    processors.forEach((p) => p.resetState());
  }

  setSeed(seed: number): void {
    this.random = seededRandom(seed);
  }

  abort(): void {
    this.aborted = true;
  }

  /** A new sequence starts: an abort aimed at the previous one no longer applies. */
  protected clearAbort(): void {
    this.aborted = false;
  }

  /** Throws GenerationAbortedError once if abort() was called since the last check. */
  protected throwIfAborted(): void {
    if (this.aborted) {
      this.aborted = false;
      throw new GenerationAbortedError('aborted');
    }
  }
}

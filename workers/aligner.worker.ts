// The aligner worker: the on-device corrector lives here, apart from the generator, so that
// checking a sentence never blocks generation or the UI. It serves the deterministic rule
// checks, and the corrector — the bundled Pocket model with an aligner token — on text:
// score, correct and rollout (AlignerService). Trained tokens ship with the aligner issue; the
// sentence loop does not call the corrector yet.

import * as Comlink from 'comlink';
import { AlignerService, type AlignerContext, type AlignerToken } from './align/aligner-service';
import { checkRules, type RuleFinding, type UserRule } from './align/rules';
import type { Backend } from './engine/types';
import { BUNDLED_MODEL } from './engine/catalogue';
import { serializeError } from './errors';

let service: AlignerService | null = null;

function requireService(): AlignerService {
  if (!service) throw serializeError(new Error('the corrector is not loaded'));
  return service;
}

const api = {
  /** Findings of the built-in personal-data detectors and the user's rules in one sentence. */
  checkRules(sentence: string, rules: UserRule[]): RuleFinding[] {
    return checkRules(sentence, rules);
  },

  /** Loads the corrector's base model (the bundled Pocket model) on the given backend. */
  async load(backend: Backend): Promise<void> {
    try {
      // The runtime loads only when the corrector does: rule checks need none of it.
      const { OnnxEngine } = await import('./engine/onnx');
      const engine = new OnnxEngine();
      await engine.load(BUNDLED_MODEL.spec, { backend });
      if (!engine.hasAlignerInputs()) throw new Error('the bundled model has no aligner inputs');
      service = new AlignerService(engine);
    } catch (e) {
      service = null;
      throw serializeError(e);
    }
  },

  useToken(token: AlignerToken | null): void {
    requireService().useToken(token);
  },

  score(ctx: AlignerContext, sentence: string): Promise<number> {
    return requireService().score(ctx, sentence);
  },

  correct(ctx: AlignerContext, sentence: string): Promise<string> {
    return requireService().correct(ctx, sentence);
  },

  rollout(messages: { role: 'user' | 'assistant' | 'system'; content: string }[], answer: string, n: number): Promise<string> {
    return requireService().rollout(messages, answer, n);
  },
};

export type AlignerWorkerApi = typeof api;

if (!self.name?.startsWith('em-pthread')) Comlink.expose(api);

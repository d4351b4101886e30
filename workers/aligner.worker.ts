// The aligner worker: the on-device corrector lives here, apart from the generator, so that
// checking a sentence never blocks generation or the UI. It serves the deterministic rule
// checks, and the corrector — the bundled Pocket model with an aligner token — on text:
// score, correct and rollout (AlignerService). The llm worker reaches score and correct
// directly over a MessagePort (`connect`), so the sentence loop never goes through the page.

import * as Comlink from 'comlink';
import { AlignerService, type AlignerToken } from './align/aligner-service';
import type { CorrectorContext } from './align/types';
import { checkRules, type RuleFinding, type UserRule } from './align/rules';
import type { Backend } from './engine/types';
import { BUNDLED_MODEL } from './engine/catalogue';
import { serializeError } from './errors';
import { reportRequestsToPage } from './network';
import type { AlignerTokenEntry } from './protocol';

let service: AlignerService | null = null;
let serviceBackend: Backend | null = null;

/** One shipped aligner token as public/models/pocket-aligner/index.json lists it. */

const TOKENS_URL = '/models/pocket-aligner/';
let activeToken: string | null = null;

async function fetchJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

let index: Promise<{ default: string; tokens: AlignerTokenEntry[] }> | null = null;

/** The shipped tokens' index, read once (a failed read is tried again next time). */
function tokenIndex(): Promise<{ default: string; tokens: AlignerTokenEntry[] }> {
  index ??= fetchJson<{ default: string; tokens: AlignerTokenEntry[] }>(`${TOKENS_URL}index.json`).catch((e) => {
    index = null;
    throw e;
  });
  return index;
}

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
    if (service && serviceBackend === backend) return;
    try {
      // The runtime loads only when the corrector does: rule checks need none of it.
      const { OnnxEngine } = await import('./engine/onnx');
      const engine = new OnnxEngine();
      await engine.load(BUNDLED_MODEL.spec, { backend });
      if (!engine.hasAlignerInputs()) throw new Error('the bundled model has no aligner inputs');
      service = new AlignerService(engine);
      serviceBackend = backend;
      activeToken = null;
      await api.useToken(null);
    } catch (e) {
      service = null;
      serviceBackend = null;
      throw serializeError(e);
    }
  },

  /** The shipped aligner tokens, the default first. */
  async tokens(): Promise<{ default: string; tokens: AlignerTokenEntry[]; active: string | null }> {
    try {
      return { ...(await tokenIndex()), active: activeToken };
    } catch (e) {
      throw serializeError(e);
    }
  },

  /** Switches the corrector to a shipped token (null: the default). Same frozen model, new numbers. */
  async useToken(id: string | null): Promise<string> {
    try {
      const index = await tokenIndex();
      const entry = index.tokens.find((t) => t.id === (id ?? index.default));
      if (!entry) throw new Error(`no aligner token named ${id}`);
      const token = await fetchJson<AlignerToken>(`${TOKENS_URL}${entry.file}`);
      await requireService().useToken(token);
      activeToken = entry.id;
      return entry.id;
    } catch (e) {
      throw serializeError(e);
    }
  },

  score(ctx: CorrectorContext, sentence: string): Promise<number> {
    return requireService().score(ctx, sentence);
  },

  revise(ctx: CorrectorContext, sentence: string): Promise<string> {
    return requireService().revise(ctx, sentence);
  },

  /** Serves the corrector on `port` too (the llm worker's end of a MessageChannel). */
  connect(port: MessagePort): void {
    Comlink.expose(
      {
        score: (ctx: CorrectorContext, sentence: string) => requireService().score(ctx, sentence),
        revise: (ctx: CorrectorContext, sentence: string) => requireService().revise(ctx, sentence),
        rollout: (ctx: CorrectorContext, partial: string, n: number) => requireService().rolloutAnswer(ctx, partial, n),
      },
      port,
    );
  },

  rollout(messages: { role: 'user' | 'assistant' | 'system'; content: string }[], answer: string, n: number): Promise<string> {
    return requireService().rollout(messages, answer, n);
  },
};

export type AlignerWorkerApi = typeof api;

if (!self.name?.startsWith('em-pthread')) {
  Comlink.expose(api);
  reportRequestsToPage('aligner worker');
}

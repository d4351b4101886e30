// The llm worker: owns the engine and runs answers. The UI reaches it through
// app/bridges/llm.ts; nothing here touches the DOM.

import * as Comlink from 'comlink';
import { AlignerUnavailableError, ModelNotLoadedError, WebGPUUnavailableError, serializeError, toRedraftError } from './errors';
import { chooseBackend, type BackendChoice, type BackendPreference } from './engine/backend';
import { BUNDLED_MODEL, HUB_ONNX_MODELS, webLLMCatalogue } from './engine/catalogue';
import { isEnd } from './engine/decoding';
import { OnnxEngine } from './engine/onnx';
import type { Engine, LoadedModelInfo, LoadProgress, ModelSpec } from './engine/types';
import { WebLLMEngine } from './engine/webllm';
import { answerWith, batchTokens } from './answer';
import type { AnswerEvent, AnswerRequest, AnswerStats, CatalogueItem } from './protocol';
import type { Corrector } from './align/types';
import { reportRequestsToPage } from './network';

const TRANSFORMERS_CACHE = 'transformers-cache';

let engine: Engine | null = null;
let stopRequested = false;
/** The aligner worker's corrector, over a MessagePort the page hands over (connectAligner). */
let corrector: Corrector | null = null;
let dropCorrector: (() => void) | null = null;

/** Calls through the port, failing (not hanging) if the page disconnects it, e.g. after the aligner worker died. */
function remoteCorrector(port: MessagePort): { corrector: Corrector; drop: () => void } {
  const remote = Comlink.wrap<Corrector>(port);
  let drop!: () => void;
  let dropped = false;
  const gone = new Promise<never>((_, reject) => {
    drop = () => reject(new AlignerUnavailableError('the aligner worker stopped'));
  });
  gone.catch(() => {});
  // After a drop the proxy is released and would throw Comlink's own error: answer with ours.
  const call = <T>(fn: () => Promise<T>): Promise<T> => (dropped ? gone : Promise.race([fn(), gone]));
  return {
    corrector: {
      score: (ctx, sentence) => call(() => remote.score(ctx, sentence)),
      revise: (ctx, sentence) => call(() => remote.revise(ctx, sentence)),
      rollout: (ctx, partial, n) => call(() => remote.rollout(ctx, partial, n)),
    },
    drop: () => {
      dropped = true;
      drop();
      remote[Comlink.releaseProxy]();
    },
  };
}


async function hubCachedKeys(repo: string): Promise<Request[]> {
  if (!('caches' in self)) return [];
  try {
    const cache = await caches.open(TRANSFORMERS_CACHE);
    return (await cache.keys()).filter((r) => r.url.includes(`/${repo}/`));
  } catch {
    // Cache Storage this context may not open (a frame on another site with third-party storage blocked) holds nothing.
    return [];
  }
}

async function bundledSizeMB(path: string): Promise<number> {
  try {
    // The 8-bit graph, which the app runs on WASM (fp32 on WebGPU: onnx.ts bundledDtype).
    for (const file of ['model_quantized.onnx', 'model.onnx']) {
      const res = await fetch(`/models/${path}/onnx/${file}`, { method: 'HEAD' });
      if (res.ok) return Math.round((Number(res.headers.get('content-length')) / 1e6) * 10) / 10;
    }
    return 0;
  } catch {
    return 0;
  }
}

/** Whether the model's files are stored on this device (bundled models always are). */
async function isCached(spec: ModelSpec): Promise<boolean> {
  if (spec.kind === 'bundled') return true;
  if (spec.kind === 'hub-onnx') return (await hubCachedKeys(spec.repo)).length > 0;
  const webllm = await import('@mlc-ai/web-llm');
  return webllm.hasModelInCache(spec.id).catch(() => false);
}

const api = {
  async chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
    return chooseBackend(preference);
  },

  async catalogue(hasShaderF16: boolean): Promise<CatalogueItem[]> {
    const bundled = BUNDLED_MODEL.spec.kind === 'bundled' ? BUNDLED_MODEL.spec.path : '';
    const items: CatalogueItem[] = [{ ...BUNDLED_MODEL, sizeMB: await bundledSizeMB(bundled), cached: true }];
    for (const m of HUB_ONNX_MODELS) items.push({ ...m, cached: await isCached(m.spec) });
    const webllm = await import('@mlc-ai/web-llm');
    for (const m of webLLMCatalogue(webllm.prebuiltAppConfig.model_list, hasShaderF16)) items.push({ ...m, cached: await isCached(m.spec) });
    return items;
  },

  async deleteCached(spec: ModelSpec): Promise<void> {
    if (engine?.info?.id === spec.id) await api.unload();
    if (spec.kind === 'hub-onnx') {
      const cache = await caches.open(TRANSFORMERS_CACHE);
      for (const key of await hubCachedKeys(spec.repo)) await cache.delete(key);
    } else if (spec.kind === 'webllm') {
      const webllm = await import('@mlc-ai/web-llm');
      await webllm.deleteModelAllInfoInCache(spec.id);
    }
  },

  isCached,

  async load(
    spec: ModelSpec,
    preference: BackendPreference,
    onProgress?: (p: LoadProgress) => void,
    onDeviceLost?: (message: string) => void,
  ): Promise<LoadedModelInfo & { backendReason: string }> {
    await api.unload();
    const choice = await chooseBackend(spec.kind === 'webllm' ? 'webgpu' : preference);
    try {
      if (spec.kind === 'webllm') {
        if (choice.backend !== 'webgpu') throw new WebGPUUnavailableError(choice.reason);
        engine = new WebLLMEngine();
      } else {
        engine = new OnnxEngine();
      }
      const info = await engine.load(spec, { backend: choice.backend, onProgress });
      // A GPU reset (driver update, another app, the GPU process crashing) loses the device
      // for good: tell the page, which starts a fresh worker (see app/App.tsx).
      if (engine instanceof OnnxEngine && onDeviceLost) {
        const mine = engine;
        void mine.gpuDevice().then((device) => device?.lost.then((lost) => {
          if (lost.reason !== 'destroyed' && engine === mine) onDeviceLost(lost.message || 'the GPU device was lost');
        })).catch(() => {});
      }
      return { ...info, backendReason: choice.reason };
    } catch (e) {
      engine = null;
      throw serializeError(e);
    }
  },

  async unload(): Promise<void> {
    const e = engine;
    engine = null;
    await e?.unload();
  },

  /**
   * The engine's raw step loop, without the answer loop around it (no events, no text decoding,
   * no yielding): prefill the request's prompt, then step until an end token or the length
   * budget. Tokens per second count the steps after the first, as the answer stats do, so the
   * two compare: the difference is what the answer loop costs. Then the answer loop itself on
   * the same request, checks off, with its events dropped in the worker: what the loop costs
   * before anything reaches the page.
   */
  async measureEngine(req: AnswerRequest): Promise<{ tokens: number; prefillMs: number; tokensPerSecond: number; silentAnswerTokensPerSecond: number }> {
    if (!engine?.info) throw serializeError(new ModelNotLoadedError('no model loaded'));
    const current = engine;
    current.setSeed(req.seed);
    const t0 = performance.now();
    await current.prefill(await current.encode(req.messages));
    const prefillMs = performance.now() - t0;
    let tokens = 0;
    let firstAt = 0;
    while (tokens < req.maxNewTokens) {
      const step = await current.step(req.sampling);
      if (isEnd(current, step.token)) break;
      tokens++;
      if (tokens === 1) firstAt = performance.now();
    }
    const decodeMs = performance.now() - firstAt;
    const silent = await answerWith(current, { ...req, align: undefined }, () => {}, () => false);
    return { tokens, prefillMs, tokensPerSecond: tokens > 1 ? (tokens - 1) / (decodeMs / 1000) : 0, silentAnswerTokensPerSecond: silent.tokensPerSecond };
  },

  /** Runs one answer (plain, or through the sentence loop when `req.align` says so); events stream through `onEvent`. */
  async answer(req: AnswerRequest, onEvent: (e: AnswerEvent) => void): Promise<AnswerStats> {
    if (!engine?.info) throw serializeError(new ModelNotLoadedError('no model loaded'));
    stopRequested = false;
    const current = engine;
    const events = batchTokens(onEvent);
    try {
      return await answerWith(current, req, events, () => stopRequested, corrector);
    } catch (e) {
      throw serializeError(toRedraftError(e));
    } finally {
      events.flush();
    }
  },

  /** Connects the aligner worker's corrector (the other end went to its `connect`); null disconnects. */
  connectAligner(port: MessagePort | null): void {
    dropCorrector?.();
    ({ corrector, drop: dropCorrector } = port ? remoteCorrector(port) : { corrector: null, drop: null });
  },

  stop(): void {
    stopRequested = true;
    engine?.abort();
  },
};

export type LlmWorkerApi = typeof api;

// ORT starts its WASM threads from this same chunk, named em-pthread…: they must not answer us.
if (!self.name?.startsWith('em-pthread')) {
  Comlink.expose(api);
  reportRequestsToPage(self.name === 'llm-download' ? 'llm worker (download)' : 'llm worker');
}

// WebLLMEngine: web-llm's MLCEngine, created inside the llm worker so that our logit processor
// and `forwardTokensAndSample` run next to the orchestrator. WebGPU only.
//
// web-llm has no KV rollback: rewinding resets the chat and re-prefills the kept prefix on the
// next step. Sampling is ours (seeded, shared with OnnxEngine): our processor samples from
// the logits web-llm hands it, then masks every other token so web-llm's sampler must agree.

import type { MLCEngine, LogitProcessor as WebLLMLogitProcessor } from '@mlc-ai/web-llm';
import {
  ContextWindowExceededError,
  DeviceLostError,
  ModelDownloadError,
  ModelLoadError,
  ModelNotFoundError,
  ModelNotLoadedError,
  RedraftError,
  ShaderF16UnsupportedError,
  WebGPUUnavailableError,
} from '../errors';
import { EngineBase } from './base';
import { applyLogitProcessors, candidateLogprobs, sampleToken } from './sampling';
import type {
  ChatMessage,
  Engine,
  LoadedModelInfo,
  LoadOptions,
  ModelSpec,
  SamplingOptions,
  StepResult,
} from './types';

/** The parts of web-llm's pipeline we reach for (not in its public types). */
interface Pipeline {
  tokenizer: { encode(text: string): Int32Array; decode(ids: Int32Array): string };
  getConversationObject(): {
    reset(): void;
    appendMessage(role: string, content: string): void;
    appendReplyHeader(role: string): void;
    getPromptArray(): unknown[];
    getStopTokens(): number[];
    config: { system_message?: string };
  };
}

/** Maps web-llm's named errors (and its plain-string errors from fetch) to ours. */
export function mapWebLLMError(e: unknown): RedraftError {
  if (e instanceof RedraftError) return e;
  const name = e instanceof Error ? e.constructor.name || e.name : '';
  const msg = e instanceof Error ? e.message : String(e);
  switch (name) {
    case 'WebGPUNotAvailableError':
    case 'WebGPUNotFoundError':
      return new WebGPUUnavailableError(msg);
    case 'ShaderF16SupportError':
      return new ShaderF16UnsupportedError(msg);
    case 'ModelNotFoundError':
    case 'SpecifiedModelNotFoundError':
    case 'UnsupportedModelIdError':
      return new ModelNotFoundError(msg);
    case 'DeviceLostError':
      return new DeviceLostError(msg);
    case 'ModelNotLoadedError':
    case 'EngineNotLoadedError':
      return new ModelNotLoadedError(msg);
    case 'ContextWindowSizeExceededError': {
      // web-llm says "number of prompt tokens: N; context window size: M"; 0 where it does not.
      const [tokens = 0, window = 0] = (msg.match(/\d+/g) ?? []).map(Number);
      return new ContextWindowExceededError(tokens, window);
    }
  }
  if (/failed to fetch|networkerror|network error|load failed|ERR_INTERNET/i.test(msg)) return new ModelDownloadError(msg);
  if (/device (was )?lost/i.test(msg)) return new DeviceLostError(msg);
  if (/shader-f16/i.test(msg)) return new ShaderF16UnsupportedError(msg);
  return new ModelLoadError(msg);
}

export class WebLLMEngine extends EngineBase implements Engine {
  info: LoadedModelInfo | null = null;
  private engine: MLCEngine | null = null;
  private pipeline: Pipeline | null = null;
  private ids: number[] = [];
  // Tokens in `ids` not yet run through the model, and whether they start a new KV sequence.
  private pending: number[] = [];
  private pendingIsPrefill = true;
  private sampling: SamplingOptions = { temperature: 0, topK: 0, topP: 1 };
  private lastStep: StepResult | null = null;
  /** The raw logits of the last step, kept for nextLogprobs. */
  private captured: Float32Array | null = null;
  private capturing = false;

  /** Our bridge into web-llm's sampler, registered for the model at load. */
  private readonly bridge: WebLLMLogitProcessor = {
    processLogits: (logits: Float32Array) => {
      if (this.capturing) this.captured = logits.slice();
      const processed = this.processors.length ? applyLogitProcessors(logits.slice(), this.processors) : logits;
      const result = sampleToken(logits, processed, this.sampling, this.random);
      this.lastStep = result;
      const forced = new Float32Array(logits.length).fill(-Infinity);
      forced[result.token] = 0;
      return forced;
    },
    processSampledToken: (token: number) => {
      for (const p of this.processors) p.processSampledToken(token);
    },
    resetState: () => {},
  };

  async load(spec: ModelSpec, opts: LoadOptions): Promise<LoadedModelInfo> {
    if (spec.kind !== 'webllm') throw new ModelLoadError(`${spec.id} is not a web-llm model`);
    if (!('gpu' in navigator) || !navigator.gpu) throw new WebGPUUnavailableError('navigator.gpu is missing');
    await this.unload();
    const started = performance.now();
    try {
      const webllm = await import('@mlc-ai/web-llm');
      const record = webllm.prebuiltAppConfig.model_list.find((m) => m.model_id === spec.id);
      if (!record) throw new ModelNotFoundError(spec.id);
      this.engine = new webllm.MLCEngine({
        initProgressCallback: (r) => opts.onProgress?.({ fraction: r.progress, text: r.text }),
        logitProcessorRegistry: new Map([[spec.id, this.bridge]]),
      });
      await this.engine.reload(spec.id);
      const pipelines = (this.engine as unknown as { loadedModelIdToPipeline: Map<string, Pipeline> }).loadedModelIdToPipeline;
      this.pipeline = pipelines.get(spec.id) ?? null;
      if (!this.pipeline) throw new ModelLoadError('web-llm did not expose the loaded pipeline');
      const conv = this.pipeline.getConversationObject();
      this.info = {
        id: spec.id,
        backend: 'webgpu',
        contextWindow: Number(record.overrides?.context_window_size ?? 4096),
        vocabSize: 0,
        eosTokenIds: conv.getStopTokens(),
        loadMs: performance.now() - started,
      };
      return this.info;
    } catch (e) {
      await this.unload().catch(() => {});
      throw mapWebLLMError(e);
    }
  }

  async unload(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    this.pipeline = null;
    this.info = null;
    this.ids = [];
    this.pending = [];
    if (engine) await engine.unload();
  }

  private requireLoaded(): { engine: MLCEngine; pipeline: Pipeline; info: LoadedModelInfo } {
    if (!this.engine || !this.pipeline || !this.info) throw new ModelNotLoadedError('no model loaded');
    return { engine: this.engine, pipeline: this.pipeline, info: this.info };
  }

  async encode(messages: ChatMessage[], answerPrefix = ''): Promise<number[]> {
    const { pipeline } = this.requireLoaded();
    const conv = pipeline.getConversationObject();
    conv.reset();
    const system = messages.find((m) => m.role === 'system');
    if (system) conv.config.system_message = system.content;
    for (const m of messages) if (m.role !== 'system') conv.appendMessage(m.role, m.content);
    conv.appendReplyHeader('assistant');
    const text = conv.getPromptArray().filter((p): p is string => typeof p === 'string').join('');
    conv.reset();
    return Array.from(pipeline.tokenizer.encode(text + answerPrefix));
  }

  async encodeText(text: string): Promise<number[]> {
    return Array.from(this.requireLoaded().pipeline.tokenizer.encode(text));
  }

  decode(ids: number[]): string {
    return this.requireLoaded().pipeline.tokenizer.decode(Int32Array.from(ids));
  }

  async prefill(ids: number[]): Promise<void> {
    const { engine, info } = this.requireLoaded();
    if (ids.length >= info.contextWindow) throw new ContextWindowExceededError(ids.length, info.contextWindow);
    this.clearAbort();
    await engine.resetChat();
    this.ids = [...ids];
    this.pending = [...ids];
    this.pendingIsPrefill = true;
  }

  async step(sampling: SamplingOptions): Promise<StepResult> {
    const { engine, info } = this.requireLoaded();
    if (this.ids.length >= info.contextWindow) throw new ContextWindowExceededError(this.ids.length, info.contextWindow);
    this.throwIfAborted();
    this.sampling = sampling;
    this.lastStep = null;
    let token: number;
    try {
      token = await engine.forwardTokensAndSample(this.pending, this.pendingIsPrefill);
    } catch (e) {
      throw mapWebLLMError(e);
    }
    const result = this.lastStep ?? { token, logprob: 0, top: [] };
    this.ids.push(token);
    this.pending = [token];
    this.pendingIsPrefill = false;
    return result;
  }

  async extend(ids: number[]): Promise<void> {
    const { engine, info } = this.requireLoaded();
    if (this.ids.length + ids.length >= info.contextWindow) {
      throw new ContextWindowExceededError(this.ids.length + ids.length, info.contextWindow);
    }
    this.ids.push(...ids);
    if (this.pendingIsPrefill) {
      this.pending.push(...ids);
    } else {
      // web-llm decodes one token per call after a prefill: re-prefill the whole sequence.
      await engine.resetChat();
      this.pending = [...this.ids];
      this.pendingIsPrefill = true;
    }
  }

  position(): number {
    return this.ids.length;
  }

  sequence(): readonly number[] {
    return this.ids;
  }

  async nextLogprobs(ids: number[], candidates: number[]): Promise<number[]> {
    // One KV sequence only: run `ids` as a prefill that captures the logits, then restore the
    // current sequence (re-prefilled on the next step).
    const { engine } = this.requireLoaded();
    const kept = [...this.ids];
    const sampling = this.sampling;
    await this.prefill(ids);
    this.captured = null;
    this.capturing = true;
    try {
      await this.step({ temperature: 0, topK: 0, topP: 1, reportTopK: 0 });
    } finally {
      this.capturing = false;
    }
    const row = this.captured as Float32Array | null;
    this.sampling = sampling;
    await engine.resetChat();
    this.ids = kept;
    this.pending = [...kept];
    this.pendingIsPrefill = true;
    if (!row) throw new ModelLoadError('web-llm did not hand over the logits');
    return candidateLogprobs(row, candidates);
  }

  async rewind(position: number): Promise<void> {
    const { engine } = this.requireLoaded();
    if (position < 1 || position > this.ids.length) throw new RangeError(`rewind(${position}) outside 1..${this.ids.length}`);
    // No KV truncation in web-llm: reset, and re-prefill the kept prefix on the next step.
    // forwardTokensAndSample samples after the prefill, so the kept prefix excludes its last
    // token's successor: re-running ids[0, position) yields the logits for `position`.
    this.ids = this.ids.slice(0, position);
    await engine.resetChat();
    this.pending = [...this.ids];
    this.pendingIsPrefill = true;
  }

}

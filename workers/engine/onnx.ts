// OnnxEngine: decoder-only ONNX models in the transformers.js layout (the bundled Pocket model,
// onnx-community models from the Hub), run through @huggingface/transformers.
//
// We drive the forward pass ourselves, one call per step, and keep the KV cache in our hands:
// rewinding is slicing every cache tensor along the sequence axis. `generate()` would hide
// exactly the control the sentence loop needs.

import {
  AutoModelForCausalLM,
  AutoTokenizer,
  DynamicCache,
  Tensor,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import {
  ContextWindowExceededError,
  DeviceLostError,
  ModelDownloadError,
  ModelLoadError,
  ModelNotFoundError,
  ModelNotLoadedError,
  RedraftError,
} from '../errors';
import { EngineBase } from './base';
import { applyLogitProcessors, candidateLogprobs, sampleToken } from './sampling';
import type {
  Backend,
  ChatMessage,
  Engine,
  LoadedModelInfo,
  LoadOptions,
  ModelSpec,
  SamplingOptions,
  StepResult,
} from './types';

interface ProgressEvent {
  status: string;
  file?: string;
  loaded?: number;
  total?: number;
  progress?: number;
}

/** Sets transformers.js up for this app: local models from /models/, ORT's wasm from our own bundle. */
export function configureRuntime(spec: ModelSpec, localModelPath = '/models/'): void {
  env.localModelPath = localModelPath;
  env.allowLocalModels = spec.kind === 'bundled';
  env.allowRemoteModels = spec.kind === 'hub-onnx';
  const wasm = env.backends.onnx?.wasm;
  if (wasm) {
    // Undefined makes ORT load its wasm through the bundler's asset URL instead of a CDN.
    wasm.wasmPaths = undefined;
    const cores = globalThis.navigator?.hardwareConcurrency ?? 1;
    // ORT picks one thread even when cross-origin isolated; threads need SharedArrayBuffer.
    wasm.numThreads = globalThis.crossOriginIsolated ? Math.max(1, Math.min(4, cores)) : 1;
  }
}

let cacheUsable: Promise<boolean> | null = null;
/**
 * Whether this context may open the browser's Cache Storage. In a frame on another site whose
 * browser blocks third-party storage (the in-page assistant's frame, in a private window or with
 * third-party cookies blocked), opening it throws a SecurityError: transformers.js would then try
 * and warn for every file, so the model is fetched without the cache instead.
 */
export function browserCacheUsable(): Promise<boolean> {
  cacheUsable ??= (async () => {
    try {
      if (typeof caches === 'undefined') return false;
      await caches.open('transformers-cache');
      return true;
    } catch {
      return false;
    }
  })();
  return cacheUsable;
}

function mapLoadError(e: unknown, spec: ModelSpec): RedraftError {
  if (e instanceof RedraftError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/could not locate file|404|not found/i.test(msg)) return new ModelNotFoundError(`${spec.id}: ${msg}`);
  if (/failed to fetch|network|load failed/i.test(msg)) return new ModelDownloadError(msg);
  if (/device (was )?lost/i.test(msg)) return new DeviceLostError(msg);
  return new ModelLoadError(msg);
}

/**
 * Which of the bundled model's files an engine loads when the spec does not say: its 8-bit graph
 * on WASM (a quarter of the download, faster steps on the CPU, held-out bits per byte within
 * 0.01 % of fp32: tests/quantized.test.ts), fp32 on WebGPU, which has no kernels for the 8-bit
 * graph's integer MatMuls and would run them on the CPU.
 */
export function bundledDtype(backend: Backend): 'fp32' | 'q8' {
  return backend === 'wasm' ? 'q8' : 'fp32';
}

export class OnnxEngine extends EngineBase implements Engine {
  info: LoadedModelInfo | null = null;
  private model: PreTrainedModel | null = null;
  /** Aligner-token inputs of models exported with them (Pocket); zeros give the plain model. */
  private aligner: { embedding: Tensor; gates: Tensor } | null = null;
  private alignerShape: { hidden: number; gates: [number, number] } | null = null;
  private tokenizer: PreTrainedTokenizer | null = null;
  // The sequence so far; the KV cache holds ids[0, cacheLength); `logits` predict ids[cacheLength].
  private ids: number[] = [];
  private cache: DynamicCache | null = null;
  private cacheLength = 0;
  private logits: Float32Array | null = null;

  /**
   * @param localModelPath where bundled models live (a URL path in the browser, a folder in Node)
   * @param device overrides the device passed to transformers.js (Node's runtime calls the CPU 'cpu')
   */
  constructor(
    private readonly localModelPath = '/models/',
    private readonly device?: 'cpu',
  ) {
    super();
  }

  async load(spec: ModelSpec, opts: LoadOptions): Promise<LoadedModelInfo> {
    if (spec.kind === 'webllm') throw new ModelLoadError(`${spec.id} is a web-llm model, not an ONNX one`);
    await this.unload();
    configureRuntime(spec, this.localModelPath);
    env.useBrowserCache = await browserCacheUsable();
    const started = performance.now();
    const name = spec.kind === 'bundled' ? spec.path : spec.repo;
    const files = new Map<string, { loaded: number; total: number }>();
    const progress_callback = (p: ProgressEvent) => {
      if (p.status !== 'progress' || !p.file) return;
      files.set(p.file, { loaded: p.loaded ?? 0, total: p.total ?? 0 });
      let loaded = 0;
      let total = 0;
      for (const f of files.values()) {
        loaded += f.loaded;
        total += f.total;
      }
      opts.onProgress?.({
        fraction: total > 0 ? loaded / total : undefined,
        loadedBytes: loaded,
        totalBytes: total,
        text: `Loading ${p.file}`,
      });
    };
    try {
      this.tokenizer = await AutoTokenizer.from_pretrained(name, { progress_callback });
      this.model = await AutoModelForCausalLM.from_pretrained(name, {
        device: this.device ?? opts.backend,
        dtype: spec.kind === 'hub-onnx' ? ((spec.dtype ?? 'q4') as 'q4') : (spec.dtype ?? bundledDtype(opts.backend)),
        progress_callback,
      });
    } catch (e) {
      this.model = null;
      this.tokenizer = null;
      throw mapLoadError(e, spec);
    }
    const config = this.model.config as unknown as Record<string, unknown>;
    const eos = new Set<number>();
    const addEos = (v: unknown) => {
      if (typeof v === 'number') eos.add(v);
      else if (Array.isArray(v)) v.forEach(addEos);
    };
    addEos(config.eos_token_id);
    addEos(this.tokenizer.eos_token_id);
    const imEnd = this.tokenizer.get_vocab().get('<|im_end|>');
    if (imEnd !== undefined) eos.add(imEnd);
    const alignerConfig = config.redraft_aligner as { gates_shape?: [number, number] } | undefined;
    this.alignerShape = alignerConfig?.gates_shape ? { hidden: Number(config.hidden_size), gates: alignerConfig.gates_shape } : null;
    this.setAligner(null);
    this.info = {
      id: spec.id,
      backend: opts.backend,
      contextWindow: Number(config.max_position_embeddings ?? 2048),
      vocabSize: Number(config.vocab_size),
      eosTokenIds: [...eos],
      loadMs: performance.now() - started,
    };
    opts.onProgress?.({ fraction: 1, text: 'Ready' });
    return this.info;
  }

  /** The GPU device ONNX Runtime runs on (WebGPU backend only, after load). */
  async gpuDevice(): Promise<GPUDevice | null> {
    if (this.info?.backend !== 'webgpu') return null;
    const ort = env.backends.onnx as { webgpu?: { device?: Promise<GPUDevice> } } | undefined;
    return (await ort?.webgpu?.device) ?? null;
  }

  /** Whether the loaded model takes an aligner token (see setAligner). */
  hasAlignerInputs(): boolean {
    return this.alignerShape !== null;
  }

  /**
   * Feeds an aligner token (N×hidden embedding, per-layer per-head gates) to every forward
   * pass; null restores the plain model. The token changes every cached key and value, so
   * the current sequence is dropped: prefill again after calling this.
   */
  setAligner(token: { embedding: number[][]; gates: number[][] } | null): void {
    const shape = this.alignerShape;
    if (!shape) {
      if (token) throw new ModelLoadError('this model has no aligner inputs');
      this.aligner = null;
      return;
    }
    const [layers, heads] = shape.gates;
    const rows = token?.embedding ?? [new Array(shape.hidden).fill(0)];
    if (rows.some((r) => r.length !== shape.hidden) || (token && (token.gates.length !== layers || token.gates.some((g) => g.length !== heads)))) {
      throw new ModelLoadError('the aligner token does not fit this model');
    }
    this.aligner = {
      embedding: new Tensor('float32', Float32Array.from(rows.flat()), [rows.length, shape.hidden]),
      gates: new Tensor('float32', token ? Float32Array.from(token.gates.flat()) : new Float32Array(layers * heads), [layers, heads]),
    };
    this.resetSequence();
  }

  private alignerInputs(): Record<string, Tensor> {
    return this.aligner ? { aligner_embedding: this.aligner.embedding, aligner_gates: this.aligner.gates } : {};
  }

  async unload(): Promise<void> {
    await this.cache?.dispose();
    await this.model?.dispose();
    this.model = null;
    this.tokenizer = null;
    this.info = null;
    this.aligner = null;
    this.alignerShape = null;
    this.resetSequence();
  }

  private resetSequence() {
    this.ids = [];
    this.cache = null;
    this.cacheLength = 0;
    this.logits = null;
  }

  private requireLoaded(): { model: PreTrainedModel; tokenizer: PreTrainedTokenizer; info: LoadedModelInfo } {
    if (!this.model || !this.tokenizer || !this.info) throw new ModelNotLoadedError('no model loaded');
    return { model: this.model, tokenizer: this.tokenizer, info: this.info };
  }

  async encode(messages: ChatMessage[], answerPrefix = ''): Promise<number[]> {
    const { tokenizer } = this.requireLoaded();
    // Rendered to text, then tokenized as one string: what apply_chat_template's own
    // tokenization does, and the only way to tokenize prompt and answer prefix together.
    const prompt = tokenizer.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false }) as string;
    return tokenizer.encode(prompt + answerPrefix, { add_special_tokens: false });
  }

  async encodeText(text: string): Promise<number[]> {
    const { tokenizer } = this.requireLoaded();
    return tokenizer.encode(text, { add_special_tokens: false });
  }

  decode(ids: number[]): string {
    const { tokenizer } = this.requireLoaded();
    return tokenizer.decode(ids, { skip_special_tokens: true });
  }

  async prefill(ids: number[]): Promise<void> {
    const { info } = this.requireLoaded();
    if (ids.length === 0) throw new ModelLoadError('prefill needs at least one token');
    if (ids.length >= info.contextWindow) throw new ContextWindowExceededError(ids.length, info.contextWindow);
    this.clearAbort();
    await this.cache?.dispose();
    this.resetSequence();
    this.ids = [...ids];
    await this.forwardPending();
  }

  async step(sampling: SamplingOptions): Promise<StepResult> {
    const { info } = this.requireLoaded();
    if (this.ids.length === 0) throw new ModelNotLoadedError('step before prefill');
    if (this.ids.length >= info.contextWindow) throw new ContextWindowExceededError(this.ids.length, info.contextWindow);
    await this.forwardPending();
    const raw = this.logits!;
    const processed = this.processors.length ? applyLogitProcessors(raw.slice(), this.processors) : raw;
    const result = sampleToken(raw, processed, sampling, this.random);
    for (const p of this.processors) p.processSampledToken(result.token);
    this.ids.push(result.token);
    return result;
  }

  async extend(ids: number[]): Promise<void> {
    const { info } = this.requireLoaded();
    if (this.ids.length + ids.length >= info.contextWindow) {
      throw new ContextWindowExceededError(this.ids.length + ids.length, info.contextWindow);
    }
    this.ids.push(...ids);
  }

  position(): number {
    return this.ids.length;
  }

  sequence(): readonly number[] {
    return this.ids;
  }

  async nextLogprobs(ids: number[], candidates: number[]): Promise<number[]> {
    const { model, info } = this.requireLoaded();
    if (ids.length >= info.contextWindow) throw new ContextWindowExceededError(ids.length, info.contextWindow);
    this.throwIfAborted();
    const input_ids = new Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
    const attention_mask = new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]);
    const out = (await model({ input_ids, attention_mask, past_key_values: null, ...this.alignerInputs() })) as Record<string, Tensor>;
    const logits = await toCpu(out.logits);
    const [, seq, vocab] = logits.dims;
    const row = (logits.data as Float32Array).subarray((seq - 1) * vocab, seq * vocab);
    for (const [key, t] of Object.entries(out)) if (key.startsWith('present')) t.dispose();
    return candidateLogprobs(row, candidates);
  }

  /**
   * nextLogprobs through the sequence's cache: the keys and values of the longest prefix `ids`
   * shares with the current sequence are kept and only the rest is run (the judge's prompts
   * share the chat template, the question and the answer so far). Leaves the sequence at `ids`.
   */
  async nextLogprobsCached(ids: number[], candidates: number[]): Promise<number[]> {
    const { info } = this.requireLoaded();
    if (ids.length === 0) throw new ModelLoadError('nextLogprobs needs at least one token');
    if (ids.length >= info.contextWindow) throw new ContextWindowExceededError(ids.length, info.contextWindow);
    const limit = Math.min(this.ids.length, this.cacheLength, ids.length);
    let common = 0;
    while (common < limit && this.ids[common] === ids[common]) common++;
    if (common < 2) {
      await this.prefill(ids);
    } else {
      this.clearAbort();
      await this.rewind(common);
      this.ids.push(...ids.slice(common));
      await this.forwardPending();
    }
    return candidateLogprobs(this.logits!, candidates);
  }

  async rewind(position: number): Promise<void> {
    this.requireLoaded();
    if (position < 1 || position > this.ids.length) {
      throw new RangeError(`rewind(${position}) outside 1..${this.ids.length}`);
    }
    this.ids = this.ids.slice(0, position);
    if (this.cacheLength >= position) {
      // Keep the cache up to the token before `position`; the next step re-runs that token
      // to get the logits that predict position `position`.
      const keep = position - 1;
      this.cache = keep > 0 && this.cache ? await sliceCache(this.cache, keep) : null;
      this.cacheLength = keep;
      this.logits = null;
    }
  }


  /** Runs the tokens that are in the sequence but not yet in the cache. */
  private async forwardPending(): Promise<void> {
    if (this.cacheLength === this.ids.length && this.logits) return;
    this.throwIfAborted();
    const { model } = this.requireLoaded();
    const fresh = this.ids.slice(this.cacheLength);
    const total = this.ids.length;
    const input_ids = new Tensor('int64', BigInt64Array.from(fresh, BigInt), [1, fresh.length]);
    const attention_mask = new Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]);
    let out: Record<string, Tensor>;
    try {
      out = (await model({ input_ids, attention_mask, past_key_values: this.cache, ...this.alignerInputs() })) as Record<string, Tensor>;
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      if (/device (was )?lost|GPUDevice/i.test(msg)) throw new DeviceLostError(msg);
      throw e;
    }
    const entries: Record<string, Tensor> = {};
    for (const [key, t] of Object.entries(out)) {
      if (!key.startsWith('present')) continue;
      entries[key.replace('present', 'past_key_values')] = await toCpu(t);
    }
    await this.cache?.dispose();
    this.cache = new DynamicCache(entries);
    this.cacheLength = total;
    const logits = await toCpu(out.logits);
    const [, seq, vocab] = logits.dims;
    const data = logits.data as Float32Array;
    this.logits = data.slice((seq - 1) * vocab, seq * vocab);
    this.throwIfAborted();
  }
}

/** On WebGPU the outputs stay on the GPU, where `.slice()` cannot reach them: copy them down. */
async function toCpu(t: Tensor): Promise<Tensor> {
  if (t.location === 'cpu' || t.location === undefined) return t;
  const data = await t.ort_tensor.getData(true);
  return new Tensor(t.type as 'float32', data as Float32Array, t.dims);
}

async function sliceCache(cache: DynamicCache, length: number): Promise<DynamicCache> {
  const entries: Record<string, Tensor> = {};
  for (const [key, t] of Object.entries(cache)) {
    if (!(t instanceof Tensor)) continue;
    entries[key] = t.slice(null, null, [0, length], null);
  }
  return new DynamicCache(entries);
}

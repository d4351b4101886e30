// Which model is loaded, on which backend and why, download progress, and the catalogue.

import * as Comlink from 'comlink';
import { create } from 'zustand';
import { DeviceLostError, DownloadCancelledError, ModelDownloadError, ModelNotFoundError, toRedraftError, type BackendChoice, type BackendPreference, type CatalogueItem, type LoadedModelInfo, type LoadProgress, type ModelSpec, type RedraftError } from '../../workers/protocol';
import { currentLlmScript, llmBridge, setLlmScript } from '../bridges/llm';

export type LoadedModel = LoadedModelInfo & { backendReason: string };

interface ModelState {
  loaded: LoadedModel | null;
  loading: { spec: ModelSpec; progress: LoadProgress } | null;
  backend: BackendChoice | null;
  catalogue: CatalogueItem[] | null;
  error: RedraftError | null;
  detectBackend(pref: BackendPreference): Promise<BackendChoice>;
  load(spec: ModelSpec, pref: BackendPreference): Promise<boolean>;
  cancelLoad(): void;
  refreshCatalogue(): Promise<void>;
  deleteCached(spec: ModelSpec): Promise<void>;
  dismissError(): void;
  /** The worker died: whatever it held is gone. */
  markUnloaded(error: RedraftError): void;
}

let loadController: AbortController | null = null;

const deviceLostListeners = new Set<(e: DeviceLostError) => void>();
/** Called when the GPU device of the loaded model is lost (the model is unusable then). */
export function onDeviceLost(listener: (e: DeviceLostError) => void): () => void {
  deviceLostListeners.add(listener);
  return () => deviceLostListeners.delete(listener);
}

/**
 * Loads a model into the llm worker with progress, downloading it first in the worker that may
 * reach the model hosts when it is not stored yet; a newer load or a cancel wins.
 */
async function loadModel(set: (p: Partial<ModelState>) => void, get: () => ModelState, spec: ModelSpec, pref: BackendPreference): Promise<boolean> {
  loadController?.abort();
  const controller = new AbortController();
  loadController = controller;
  set({ loading: { spec, progress: { text: 'Starting…' } }, loaded: null, error: null });
  const onProgress = (progress: LoadProgress) => {
    if (loadController === controller) set({ loading: { spec, progress } });
  };
  const attempt = () => llmBridge.call(
    (api) => api.load(spec, pref, Comlink.proxy(onProgress), Comlink.proxy((message: string) => {
      const err = new DeviceLostError(message);
      deviceLostListeners.forEach((l) => l(err));
    })),
    controller.signal,
    () => new DownloadCancelledError(spec.id),
  );
  const remote = spec.kind !== 'bundled';
  let wasCached = !remote;
  try {
    if (remote) wasCached = await llmBridge.call((api) => api.isCached(spec)).catch(() => false);
    // Only a download runs in the worker that may reach the model hosts; once the model is
    // stored, it is loaded again from this device in the worker that cannot reach any host.
    setLlmScript(wasCached ? 'local' : 'download');
    let loaded: Awaited<ReturnType<typeof attempt>>;
    try {
      loaded = await attempt();
    } catch (e) {
      // A model taken for cached that is not whole (a tab closed mid-download): download it.
      const err = toRedraftError(e);
      if (!remote || !wasCached || !(err instanceof ModelDownloadError || err instanceof ModelNotFoundError) || controller.signal.aborted) throw err;
      setLlmScript('download');
      loaded = await attempt();
    }
    if (currentLlmScript() === 'download' && loadController === controller) {
      onProgress({ fraction: 1, text: 'Downloaded; loading it from this device…' });
      setLlmScript('local');
      loaded = await attempt();
    }
    if (loadController !== controller) return false;
    set({ loaded, loading: null });
    return true;
  } catch (e) {
    if (loadController !== controller) return false;
    const error = toRedraftError(e);
    set({ loading: null, error });
    // A download that failed or was cancelled halfway may have stored some of the model's
    // files; the libraries would then take the model for cached. Remove what it left.
    if (remote && !wasCached && (error instanceof DownloadCancelledError || error instanceof ModelDownloadError)) {
      await llmBridge.call((api) => api.deleteCached(spec)).catch(() => {});
      await get().refreshCatalogue();
      set({ error });
    }
    return false;
  } finally {
    if (loadController === controller) loadController = null;
  }
}

export const useModel = create<ModelState>((set, get) => ({
  loaded: null,
  loading: null,
  backend: null,
  catalogue: null,
  error: null,

  async detectBackend(pref) {
    const backend = await llmBridge.call((api) => api.chooseBackend(pref));
    set({ backend });
    return backend;
  },

  load: (spec, pref) => loadModel(set, get, spec, pref),

  cancelLoad() {
    loadController?.abort();
  },

  async refreshCatalogue() {
    try {
      const hasF16 = get().backend?.hasShaderF16 ?? false;
      set({ catalogue: await llmBridge.call((api) => api.catalogue(hasF16)) });
    } catch (e) {
      set({ error: toRedraftError(e) });
    }
  },

  async deleteCached(spec) {
    try {
      await llmBridge.call((api) => api.deleteCached(spec));
      if (get().loaded?.id === spec.id) set({ loaded: null });
    } catch (e) {
      set({ error: toRedraftError(e) });
    }
    await get().refreshCatalogue();
  },

  dismissError() {
    set({ error: null });
  },

  markUnloaded(error) {
    set({ loaded: null, loading: null, error });
  },
}));

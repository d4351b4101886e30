// Which model is loaded, on which backend and why, download progress, and the catalogue.

import * as Comlink from 'comlink';
import { create } from 'zustand';
import { DeviceLostError, DownloadCancelledError, ModelDownloadError, type RedraftError, toRedraftError } from '../../workers/errors';
import type { BackendChoice, BackendPreference } from '../../workers/engine/backend';
import type { LoadedModelInfo, LoadProgress, ModelSpec } from '../../workers/engine/types';
import type { CatalogueItem } from '../../workers/llm.worker';
import { llmBridge } from '../bridges/llm';

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

  async load(spec, pref) {
    loadController?.abort();
    const controller = new AbortController();
    loadController = controller;
    set({ loading: { spec, progress: { text: 'Starting…' } }, loaded: null, error: null });
    try {
      const onProgress = (progress: LoadProgress) => {
        if (loadController === controller) set({ loading: { spec, progress } });
      };
      const loaded = await llmBridge.call(
        (api) => api.load(spec, pref, Comlink.proxy(onProgress), Comlink.proxy((message: string) => {
          const err = new DeviceLostError(message);
          deviceLostListeners.forEach((l) => l(err));
        })),
        controller.signal,
        () => new DownloadCancelledError(spec.id),
      );
      if (loadController !== controller) return false;
      set({ loaded, loading: null });
      return true;
    } catch (e) {
      if (loadController !== controller) return false;
      const error = toRedraftError(e);
      set({ loading: null, error });
      // A download that failed or was cancelled halfway may have stored some of the model's
      // files; the libraries would then take the model for cached. Remove what it left.
      const wasCached = get().catalogue?.find((m) => m.spec.id === spec.id)?.cached ?? false;
      if (spec.kind !== 'bundled' && !wasCached && (error instanceof DownloadCancelledError || error instanceof ModelDownloadError)) {
        await llmBridge.call((api) => api.deleteCached(spec)).catch(() => {});
        await get().refreshCatalogue();
        set({ error });
      }
      return false;
    } finally {
      if (loadController === controller) loadController = null;
    }
  },

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

// The page's lifetime around the model: read what is stored and load the model; load it again
// into a fresh worker after a crash or a lost GPU; apply a backend change at once; Esc stops the
// answer from anywhere on the page.

import { useEffect, useRef } from 'react';
import { llmBridge } from '../bridges/llm';
import { useChat } from '../stores';
import { resetAligner } from '../stores/aligner';
import { onDeviceLost, useModel } from '../stores/model';
import { useSettings } from '../stores/settings';

const reloadModel = () => useModel.getState().load(useSettings.getState().model, useSettings.getState().backend);

export function useAppLifecycle(): void {
  useEffect(() => {
    let cancelled = false;
    (async () => {
      await Promise.all([useSettings.getState().hydrate(), useChat.getState().hydrate()]);
      if (cancelled) return;
      const { backend, model: spec } = useSettings.getState();
      await useModel.getState().detectBackend(backend);
      if (!cancelled) await useModel.getState().load(spec, backend);
    })();
    // The llm worker died (crash, out of memory): the bridge starts a fresh one on the next call,
    // so load the model into it again at once. The answer it was writing keeps its text and is
    // marked as failed by the chat store. A worker that dies again within a minute is left down,
    // with the error and its Retry button, rather than reloaded in a loop.
    let lastCrash = 0;
    const off = llmBridge.onCrash((err) => {
      useModel.getState().markUnloaded(err);
      const now = Date.now();
      const again = now - lastCrash < 60_000;
      lastCrash = now;
      if (!again) void reloadModel();
    });
    // The GPU was reset: the device, and everything on it, is gone for good. End the worker (the
    // answer in flight keeps its text, marked failed) and load the model into a fresh one; with
    // the backend on automatic, that falls back to WASM when no GPU adapter is left.
    const offLost = onDeviceLost((err) => {
      useModel.getState().markUnloaded(err);
      llmBridge.terminate(err);
      resetAligner(err);
      void reloadModel();
    });
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && useChat.getState().streamingId) void useChat.getState().stop();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      cancelled = true;
      offLost();
      off();
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  // A backend change takes effect at once: detect again and reload the current model.
  const backend = useSettings((s) => s.backend);
  const loaded = useSettings((s) => s.loaded);
  const appliedBackend = useRef<string | null>(null);
  useEffect(() => {
    if (!loaded) return;
    const previous = appliedBackend.current;
    appliedBackend.current = backend;
    if (previous === null || previous === backend) return;
    void (async () => {
      await useModel.getState().detectBackend(backend);
      await useModel.getState().load(useSettings.getState().model, backend);
    })();
  }, [backend, loaded]);
}

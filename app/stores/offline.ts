// The service worker's state for the UI: whether the app works offline, and whether a new version
// waits to take over (it installs completely beside the running one first; see app/sw.ts).
import { create } from 'zustand';
import { NETWORK_MESSAGE, type RequestRecord } from '../../workers/network';
import { useNetwork } from './network';

interface OfflineState {
  /** The app, the runtime and the bundled models are cached: a reload with no network works. */
  offlineReady: boolean;
  /** A new version is cached and waits; `applyUpdate` switches to it and reloads. */
  needRefresh: boolean;
  /** Why the service worker could not start (the app still works online). */
  error: string | null;
  applyUpdate(): Promise<void>;
  dismissUpdate(): void;
}

export const useOffline = create<OfflineState>((set) => ({
  offlineReady: false,
  needRefresh: false,
  error: null,
  applyUpdate: async () => {},
  dismissUpdate: () => set({ needRefresh: false }),
}));

/** Registers the service worker (production builds only; `vite dev` serves sources). */
export async function startServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
    const records = (e.data as Record<string, unknown> | null)?.[NETWORK_MESSAGE];
    if (Array.isArray(records)) useNetwork.getState().add(records as RequestRecord[]);
  });
  // A controlling worker activated only after its whole precache was stored.
  if (navigator.serviceWorker.controller) useOffline.setState({ offlineReady: true });
  const { registerSW } = await import('virtual:pwa-register');
  const update = registerSW({
    immediate: true,
    onOfflineReady: () => useOffline.setState({ offlineReady: true }),
    onNeedRefresh: () => useOffline.setState({ needRefresh: true }),
    onRegisterError: (e: unknown) => useOffline.setState({ error: e instanceof Error ? e.message : String(e) }),
  });
  useOffline.setState({ applyUpdate: () => update(true) });
  const registration = await navigator.serviceWorker.ready;
  registration.active?.postMessage({ type: 'redraft-network' });
}

// The service worker's state for the UI: whether the app works offline, and whether a new version
// waits to take over (it installs completely beside the running one first; see app/sw.ts).
import { create } from 'zustand';
import { addPostedRecords } from './network';

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

/**
 * Registers the service worker (production builds only; `vite dev` serves sources) and follows
 * every version it installs: each one that finishes installing while another controls the page
 * is offered (`needRefresh`); `applyUpdate` lets it take over and reloads. (workbox-window stops
 * listening after the first update it sees, so a second one in the same page, say after one
 * that failed to download, would never be offered; the registration's own events do not miss it.)
 */
export async function startServiceWorker(): Promise<void> {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const sw = navigator.serviceWorker;
  sw.addEventListener('message', addPostedRecords);
  let registration: ServiceWorkerRegistration;
  try {
    registration = await sw.register('/sw.js', { scope: '/' });
  } catch (e) {
    useOffline.setState({ error: e instanceof Error ? e.message : String(e) });
    return;
  }
  const offer = () => {
    if (registration.waiting && sw.controller) useOffline.setState({ needRefresh: true });
  };
  const follow = (worker: ServiceWorker | null) => {
    worker?.addEventListener('statechange', () => {
      if (worker.state === 'installed') offer();
    });
  };
  offer();
  follow(registration.installing);
  registration.addEventListener('updatefound', () => follow(registration.installing));
  useOffline.setState({
    applyUpdate: async () => {
      const waiting = registration.waiting;
      if (!waiting) return location.reload();
      sw.addEventListener('controllerchange', () => location.reload(), { once: true });
      waiting.postMessage({ type: 'SKIP_WAITING' });
    },
  });
  // An active worker exists only once its whole precache was stored.
  await sw.ready;
  useOffline.setState({ offlineReady: true });
  registration.active?.postMessage({ type: 'redraft-network' });
}

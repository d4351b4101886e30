/// <reference lib="webworker" />
// The service worker: precaches the app, ONNX Runtime's wasm and the bundled models (Workbox,
// built by vite-plugin-pwa with the list of files injected), so a reload with no network still
// starts and chats. A new version installs completely beside the old one and takes over only
// when the page says so (the "new version" banner), so an update never leaves a half-cached app.
// Models downloaded from the Hub or web-llm's catalogue live in their libraries' own caches
// (Cache Storage / IndexedDB), which this worker leaves alone.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { NETWORK_MESSAGE, observeRequests, type RequestRecord } from '../workers/protocol';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

// Its own requests (the precache downloads) for the page's network panel.
const records: RequestRecord[] = [];
observeRequests('service worker', (fresh) => {
  records.push(...fresh);
  void self.clients.matchAll({ includeUncontrolled: true }).then((clients) => {
    for (const c of clients) c.postMessage({ [NETWORK_MESSAGE]: fresh });
  });
});

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html')));

self.addEventListener('message', (event) => {
  const data = event.data as { type?: string } | null;
  if (data?.type === 'SKIP_WAITING') void self.skipWaiting();
  if (data?.type === 'redraft-network') (event.source as Client | null)?.postMessage({ [NETWORK_MESSAGE]: records });
});

// Every request the page and its workers made, from the browser's own records (Resource Timing),
// so the user can check that nothing leaves the machine. The page observes its own; each worker
// sends its records as it makes them (workers/network.ts); the service worker answers when asked.
import { create } from 'zustand';
import { NETWORK_MESSAGE, observeRequests, type RequestRecord } from '../../workers/protocol';

export interface LoggedRequest extends RequestRecord {
  /** Why it was made, in words, from where it went. */
  why: string;
  /** The app's own origin (this machine) or somewhere else. */
  local: boolean;
}

/** Why a request was made, from its URL (`origin`: the app's own). */
export function whyRequested(url: string, origin: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'unknown';
  }
  if (u.protocol === 'data:' || u.protocol === 'blob:') return 'in-memory data (no network)';
  if (u.origin !== origin) {
    if (/(^|\.)(huggingface\.co|hf\.co)$/.test(u.hostname)) return 'model download you chose (Hugging Face Hub)';
    if (u.hostname === 'raw.githubusercontent.com') return 'model library you chose (web-llm)';
    return 'unexpected: not this app';
  }
  const p = u.pathname;
  if (p === '/' || p.endsWith('.html')) return 'the app page';
  if (p.startsWith('/models/pocket-aligner/')) return 'aligner token (bundled)';
  if (p.startsWith('/models/harm-judge/')) return 'harm judge (bundled)';
  if (p.startsWith('/models/')) return 'bundled model file';
  if (p.endsWith('.wasm')) return 'ONNX Runtime (WebAssembly)';
  if (/worker/.test(p)) return 'worker code';
  if (p.endsWith('.js') || p.endsWith('.mjs')) return 'app code';
  if (p.endsWith('.css')) return 'app styles';
  if (p.endsWith('.svg') || p.endsWith('.png') || p.endsWith('.ico')) return 'app icon';
  if (p.endsWith('.webmanifest')) return 'app manifest';
  return 'app file';
}

/** Adds where each request went and why. */
export function classify(records: RequestRecord[], origin: string): LoggedRequest[] {
  return records.map((r) => ({
    ...r,
    local: r.url.startsWith(`${origin}/`) || r.url === origin || /^(data|blob):/.test(r.url),
    why: whyRequested(r.url, origin),
  }));
}

interface NetworkState {
  requests: LoggedRequest[];
  add(records: RequestRecord[]): void;
}

const seen = new Set<string>();

export const useNetwork = create<NetworkState>((set) => ({
  requests: [],
  add(records) {
    const fresh = records.filter((r) => {
      const key = `${r.scope}|${r.url}|${r.startedAt}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (!fresh.length) return;
    set((s) => ({
      requests: [...s.requests, ...classify(fresh, location.origin)].sort((a, b) => a.startedAt - b.startedAt),
    }));
  },
}));

/** Adds the records a worker (or the service worker) posted, if this message carries any. */
export function addPostedRecords(e: MessageEvent): void {
  const records = (e.data as Record<string, unknown> | null)?.[NETWORK_MESSAGE];
  if (Array.isArray(records)) useNetwork.getState().add(records as RequestRecord[]);
}

/** Starts recording the page's own requests (the document itself included). */
export function startNetworkLog(): void {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  if (nav) {
    useNetwork.getState().add([{
      scope: 'page', url: nav.name, startedAt: Math.round(performance.timeOrigin + nav.startTime),
      durationMs: Math.round(nav.duration), transferSize: nav.transferSize ?? 0, bodySize: nav.encodedBodySize ?? 0,
      initiatorType: 'navigation',
    }]);
  }
  observeRequests('page', (records) => useNetwork.getState().add(records));
}

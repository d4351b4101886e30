// What a worker fetched, from the browser's own records (Resource Timing), sent to the page as it
// happens so the network panel lists the workers' requests beside the page's. A plain message
// (no Comlink id): Comlink on the page ignores it and the worker bridge picks it up.

export interface RequestRecord {
  /** Who made it: `page`, or the worker's name (`llm`, `aligner`, `service worker`). */
  scope: string;
  url: string;
  /** Wall-clock start (ms since the epoch). */
  startedAt: number;
  durationMs: number;
  /** Bytes over the network (0 when served from a cache or not exposed). */
  transferSize: number;
  /** Body bytes as received (compressed), when the browser exposes them. */
  bodySize: number;
  /** fetch, xmlhttprequest, script, link, img, other… as the browser reports it. */
  initiatorType: string;
}

export const NETWORK_MESSAGE = 'redraftNetwork';

export function toRecord(scope: string, e: PerformanceResourceTiming): RequestRecord {
  return {
    scope,
    url: e.name,
    startedAt: Math.round(performance.timeOrigin + e.startTime),
    durationMs: Math.round(e.duration),
    transferSize: e.transferSize ?? 0,
    bodySize: e.encodedBodySize ?? 0,
    initiatorType: e.initiatorType,
  };
}

/** Calls `report` with every resource this global scope fetches, including those before the call. */
export function observeRequests(scope: string, report: (records: RequestRecord[]) => void): void {
  if (typeof PerformanceObserver === 'undefined') return;
  // The default buffer holds 250 entries; a long session of model downloads can exceed it.
  performance.setResourceTimingBufferSize?.(10_000);
  const observer = new PerformanceObserver((list) => {
    report(list.getEntries().map((e) => toRecord(scope, e as PerformanceResourceTiming)));
  });
  observer.observe({ type: 'resource', buffered: true });
}

/** In a dedicated worker: send every request it makes to the page. */
export function reportRequestsToPage(scope: string): void {
  observeRequests(scope, (records) => self.postMessage({ [NETWORK_MESSAGE]: records }));
}

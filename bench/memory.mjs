// Memory of the browser's processes during a bench run.
//
// Chromium runs the page and its dedicated workers (the llm worker, the aligner worker) in one
// renderer process and WebGPU buffers in the GPU process. Linux keeps each process's peak
// resident set (VmHWM), so reading it after a run gives the run's peak without sampling. Per
// worker, `performance.measureUserAgentSpecificMemory()` (cross-origin isolated pages only; the
// app is) attributes JavaScript and WebAssembly heaps to each worker; Chromium answers it at its
// next scheduled measurement, up to a minute later, so the bench asks for it once per backend.
import { readFileSync, readdirSync } from 'node:fs';

function processes() {
  const out = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // Chromium rewrites its argv into one space-separated string, so match on the whole line.
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const kb = (k) => Number(status.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm'))?.[1] ?? NaN);
      out.push({ pid: Number(name), ppid, cmdline, peakRssKb: kb('VmHWM'), rssKb: kb('VmRSS') });
    } catch {
      // The process ended while we read it.
    }
  }
  return out;
}

/** A switch Chromium ignores, passed at launch so the bench can find its own browser process. */
export const browserMarker = `--redraft-bench=${process.pid}`;

/**
 * Peak resident memory (MiB) of the renderer process (page + workers) and of the GPU process of
 * the browser launched with `browserMarker`, from Linux's VmHWM; null elsewhere.
 */
export function browserPeakMemory() {
  if (process.platform !== 'linux') return null;
  const all = processes();
  const root = all.find((p) => p.cmdline.includes(browserMarker) && !p.cmdline.includes('--type='));
  if (!root) return null;
  const mine = new Set([root.pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) if (!mine.has(p.pid) && mine.has(p.ppid)) { mine.add(p.pid); grew = true; }
  }
  const of = (type) => all.filter((p) => mine.has(p.pid) && p.cmdline.includes(`--type=${type}`));
  const mib = (kb) => Math.round(kb / 1024);
  const renderers = of('renderer');
  return {
    // The renderer that holds the page: the largest one (a spare renderer may idle beside it).
    rendererPeakMiB: renderers.length ? mib(Math.max(...renderers.map((p) => p.peakRssKb))) : null,
    gpuPeakMiB: of('gpu-process').length ? mib(Math.max(...of('gpu-process').map((p) => p.peakRssKb))) : null,
  };
}

/** JavaScript and WebAssembly heap bytes (MiB) per scope: the page and each worker by script name. */
export async function heapsByScope(page) {
  const r = await page.evaluate(async () => (self.crossOriginIsolated && performance.measureUserAgentSpecificMemory
    ? Promise.race([performance.measureUserAgentSpecificMemory(), new Promise((resolve) => setTimeout(() => resolve(null), 150_000))])
    : null));
  if (!r) return null;
  const out = {};
  for (const b of r.breakdown) {
    for (const a of b.attribution) {
      const name = a.scope === 'Window' ? 'page' : (a.url.split('/').pop() ?? a.url).replace(/-[\w-]{8}\.js$/, '');
      out[name] = Math.round(((out[name] ?? 0) + b.bytes / 2 ** 20) * 10) / 10;
    }
  }
  return out;
}

import { useEffect, useRef, useState } from 'react';
import { useNetwork, type LoggedRequest } from '../stores/network';

function size(r: LoggedRequest): string {
  if (r.url.startsWith('data:') || r.url.startsWith('blob:')) return '—';
  if (r.transferSize === 0) return r.bodySize ? `cache (${kb(r.bodySize)})` : 'cache';
  return kb(r.transferSize);
}

function kb(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

function shortUrl(url: string): string {
  if (url.startsWith('data:')) return `${url.slice(0, 32)}…`;
  try {
    const u = new URL(url);
    return u.origin === location.origin ? u.pathname + u.search : url;
  } catch {
    return url;
  }
}

/**
 * Every request this page and its workers made, from the browser's own records, so a user can
 * check that nothing leaves the machine. A modal dialog; Esc closes it.
 */
export function NetworkPanel({ onClose }: { onClose(): void }) {
  const requests = useNetwork((s) => s.requests);
  const [onlyOther, setOnlyOther] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal?.();
  }, []);
  const elsewhere = requests.filter((r) => !r.local);
  const shown = onlyOther ? elsewhere : requests;
  const bytes = requests.reduce((t, r) => t + r.transferSize, 0);
  return (
    <dialog ref={dialog} className="network-panel" aria-label="Network requests" onClose={onClose} onCancel={onClose}>
      <header>
        <h2>Network requests</h2>
        <button className="ghost" onClick={onClose} aria-label="Close network requests">Close</button>
      </header>
      <p className="network-summary" role="status">
        {requests.length} request{requests.length === 1 ? '' : 's'} since this page opened, {kb(bytes)} over the network;{' '}
        {elsewhere.length === 0
          ? <strong>all to this app ({location.origin}).</strong>
          : <strong>{elsewhere.length} to other hosts.</strong>}
      </p>
      <p className="hint">
        From the browser's own records (Resource Timing) of the page and each worker. What you type
        and the model's answers are never sent: the list shows app files and models only.
      </p>
      <label className="inline">
        <input type="checkbox" checked={onlyOther} onChange={(e) => setOnlyOther(e.target.checked)} /> Only requests to other hosts
      </label>
      <div className="network-table-wrap">
        <table className="network-table">
          <thead>
            <tr><th>Time</th><th>From</th><th>URL</th><th>Size</th><th>Why</th></tr>
          </thead>
          <tbody>
            {shown.map((r, i) => (
              <tr key={`${r.scope}|${r.url}|${r.startedAt}|${i}`} data-local={r.local}>
                <td>{new Date(r.startedAt).toLocaleTimeString()}</td>
                <td>{r.scope}</td>
                <td className="url" title={r.url}>{shortUrl(r.url)}</td>
                <td>{size(r)}</td>
                <td>{r.why}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </dialog>
  );
}

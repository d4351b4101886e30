import { useState } from 'react';
import { ModalDialog } from './ModalDialog';
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
  const elsewhere = requests.filter((r) => !r.local);
  const shown = onlyOther ? elsewhere : requests;
  const bytes = requests.reduce((t, r) => t + r.transferSize, 0);
  return (
    <ModalDialog title="Network requests" className="network-panel" onClose={onClose} closeLabel="Close network requests">
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
    </ModalDialog>
  );
}

import { useEffect, useState } from 'react';
import { useChat } from '../stores';
import { useOffline } from '../stores/offline';
import { archiveFileName, downloadJson, exportArchive } from '../trail-io';

interface Estimate {
  usage: number;
  quota: number;
  persisted: boolean;
}

async function readEstimate(): Promise<Estimate | null> {
  if (!navigator.storage?.estimate) return null;
  const [e, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.() ?? false]);
  return { usage: e.usage ?? 0, quota: e.quota ?? 0, persisted };
}

const mb = (bytes: number) => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${(bytes / 1e6).toFixed(1)} MB`);

/** Storage on this device: what is used, the quota, persistence, offline readiness; delete conversations. */
export function StorageSettings() {
  const [estimate, setEstimate] = useState<Estimate | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const offline = useOffline();
  const conversations = useChat((s) => s.conversations.length);
  const streaming = useChat((s) => s.streamingId !== null);

  // Read again when the number of conversations changes (a delete or an import).
  useEffect(() => {
    let live = true;
    void readEstimate().then((e) => live && setEstimate(e));
    return () => {
      live = false;
    };
  }, [conversations]);

  const persist = async () => {
    const granted = await navigator.storage.persist();
    setMessage(granted
      ? 'The browser will keep Redraft’s data until you delete it.'
      : 'The browser declined for now (it decides by how the site is used, e.g. installed or bookmarked); data may be cleared when the disk is low.');
    setEstimate(await readEstimate());
  };

  const deleteAll = async () => {
    if (!confirm(`Delete all ${conversations} conversations from this device? This cannot be undone.`)) return;
    await useChat.getState().removeAll();
    setMessage('All conversations deleted.');
  };

  return (
    <div className="setting storage">
      {estimate ? (
        <>
          <div role="meter" aria-label="Storage used" aria-valuemin={0} aria-valuemax={estimate.quota} aria-valuenow={estimate.usage}
            className="progress"><div style={{ width: `${Math.min(100, (100 * estimate.usage) / Math.max(1, estimate.quota))}%` }} /></div>
          <p className="hint" aria-label="Storage summary">
            {mb(estimate.usage)} used of {mb(estimate.quota)} this browser allows Redraft (models, the offline copy of the app, conversations).{' '}
            {estimate.persisted ? 'Kept until you delete it.' : 'The browser may clear it when the disk runs low.'}
          </p>
        </>
      ) : <p className="hint">This browser does not report storage use.</p>}
      <p className="hint" aria-label="Offline status">
        {offline.offlineReady
          ? 'Works offline: the app and the bundled models are stored on this device.'
          : offline.error ? `Offline copy unavailable: ${offline.error}` : 'Storing the app for offline use…'}
      </p>
      <div className="row">
        {estimate && !estimate.persisted && <button onClick={() => void persist()}>Keep data on this device</button>}
        <button className="ghost" onClick={() => downloadJson(exportArchive(useChat.getState().conversations), archiveFileName())} disabled={!conversations}>
          Export all conversations
        </button>
        <button className="ghost danger" onClick={() => void deleteAll()} disabled={!conversations || streaming}>Delete all conversations</button>
      </div>
      {message && <p className="hint" role="status">{message}</p>}
    </div>
  );
}

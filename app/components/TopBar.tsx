// The bar above the conversation: the model (opens the model manager), the checks, export and
// import of conversations, the network log, About, and the backend in use and why.

import { useRef } from 'react';
import { CHECKS, CORRECTIONS } from '../../workers/protocol';
import { useChat } from '../stores';
import type { ImportSummary } from '../stores/chat';
import { useModel } from '../stores/model';
import { activeOf, alignSettingsOf, isBusy } from '../stores/select';
import { downloadJson, exportTrail, parseExport, trailFileName } from '../trail-io';

export type ImportStatus = { note: string } | { error: string } | null;

interface Props {
  alignOpen: boolean;
  onToggleAlign(): void;
  onOpen(panel: 'models' | 'network' | 'about'): void;
  onImported(status: ImportStatus): void;
}

function describeImport(s: ImportSummary): string {
  const n = (k: number, one: string) => `${k} ${one}${k === 1 ? '' : 's'}`;
  const parts = [`Imported ${n(s.added + s.copied, 'conversation')}`];
  if (s.unchanged) parts.push(`${s.unchanged} already here, unchanged`);
  if (s.copied) parts.push(`${s.copied} added as a copy because a different conversation with the same id is here (nothing was replaced)`);
  return `${parts.join('; ')}.`;
}

export function TopBar({ alignOpen, onToggleAlign, onOpen, onImported }: Props) {
  const loaded = useModel((s) => s.loaded);
  const loading = useModel((s) => s.loading?.spec.id);
  const backendReason = useModel((s) => s.backend?.reason);
  const align = useChat(alignSettingsOf);
  const hasMessages = useChat((s) => !!activeOf(s)?.messages.length);
  const busy = useChat(isBusy);
  const importInput = useRef<HTMLInputElement>(null);

  const exportActive = () => {
    const c = activeOf(useChat.getState());
    if (c) downloadJson(exportTrail(c), trailFileName(c));
  };
  const importFile = async (file: File) => {
    try {
      const summary = await useChat.getState().importConversations(await parseExport(await file.text()));
      onImported({ note: describeImport(summary) });
    } catch (err) {
      onImported({ error: `Nothing was imported. ${(err as Error).message}` });
    }
  };

  return (
    <header className="topbar">
      <button className="model-button" onClick={() => onOpen('models')} aria-label="Models and settings">
        {loaded ? loaded.id : loading ? `Loading ${loading}…` : 'No model loaded'}
      </button>
      <button className="ghost align-button" aria-expanded={alignOpen} onClick={onToggleAlign}>
        Checks: {CHECKS[align.check].short}{align.check !== 'off' ? ` → ${CORRECTIONS[align.correction].short}` : ''}
      </button>
      <button className="ghost" disabled={!hasMessages} onClick={exportActive}>
        Export trail
      </button>
      <button className="ghost" disabled={busy} onClick={() => importInput.current?.click()}>Import</button>
      <input
        ref={importInput}
        type="file"
        accept="application/json,.json"
        hidden
        aria-label="Import conversations"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) void importFile(file);
        }}
      />
      <button className="ghost" onClick={() => onOpen('network')} title="Every request this page and its workers made">Network</button>
      <button className="ghost" onClick={() => onOpen('about')} title="What Redraft is; ask about any page with the in-page assistant">About</button>
      <span className="backend-note" data-backend={loaded?.backend ?? ''} title={loaded?.backendReason ?? backendReason}>
        {loaded
          ? `${loaded.backend === 'webgpu' ? 'WebGPU' : 'WASM'} — ${loaded.backendReason}`
          : (backendReason ?? 'Checking for WebGPU…')}
      </span>
    </header>
  );
}

// What the page has to say above the conversation: a new version ready, what an import did,
// the model's download progress (with Cancel), and the last error with the action that fixes it.

import { useCallback } from 'react';
import { BUNDLED_MODEL, type ErrorAction } from '../../workers/protocol';
import { answerSettings, loadChosenModel } from '../answer-settings';
import { useChat } from '../stores';
import { useModel } from '../stores/model';
import { useOffline } from '../stores/offline';
import { isBusy } from '../stores/select';
import { useSettings } from '../stores/settings';
import { ErrorBanner } from './ErrorBanner';
import type { ImportStatus } from './TopBar';

interface Props {
  importStatus: ImportStatus;
  onDismissImport(): void;
  /** "Free storage": the model manager, where stored models can be deleted. */
  onOpenModels(): void;
}

export function StatusBanners({ importStatus, onDismissImport, onOpenModels }: Props) {
  const needRefresh = useOffline((s) => s.needRefresh);
  const loading = useModel((s) => s.loading);
  const chatError = useChat((s) => s.error);
  const modelError = useModel((s) => s.error);
  const error = chatError ?? modelError;
  const busy = useChat(isBusy);

  const onAction = useCallback((action: ErrorAction) => {
    useModel.getState().dismissError();
    useChat.getState().dismissError();
    switch (action) {
      case 'use-bundled-model':
        void loadChosenModel(BUNDLED_MODEL.spec);
        break;
      case 'use-wasm':
        void useSettings.getState().update({ backend: 'wasm' });
        break;
      case 'reload-model':
        void loadChosenModel(useSettings.getState().model);
        break;
      case 'retry':
        if (!useModel.getState().loaded) void loadChosenModel(useSettings.getState().model);
        else void useChat.getState().regenerate(answerSettings());
        break;
      case 'new-conversation':
        useChat.getState().newConversation();
        break;
      case 'free-storage':
        onOpenModels();
        break;
    }
  }, [onOpenModels]);

  return (
    <>
      {needRefresh && (
        <div className="update-banner" role="status">
          <span>A new version of Redraft is ready. Reloading switches to it; your conversations stay.</span>
          <button onClick={() => void useOffline.getState().applyUpdate()} disabled={busy}>Reload now</button>
          <button className="ghost" onClick={() => useOffline.getState().dismissUpdate()}>Later</button>
        </div>
      )}
      {importStatus && 'note' in importStatus && (
        <div className="update-banner" role="status">
          <span>{importStatus.note}</span>
          <button className="ghost" onClick={onDismissImport}>Dismiss</button>
        </div>
      )}
      {importStatus && 'error' in importStatus && (
        <div className="error-banner" role="alert">
          <span>{importStatus.error}</span>
          <button className="ghost" onClick={onDismissImport}>Dismiss</button>
        </div>
      )}
      {loading && (
        <div className="progress top" role="progressbar" aria-label="Model loading"
          aria-valuenow={loading.progress.fraction !== undefined ? Math.round(loading.progress.fraction * 100) : undefined}>
          <div style={{ width: `${Math.round((loading.progress.fraction ?? 0) * 100)}%` }} />
          <span>{loading.progress.text}</span>
          <button className="ghost" onClick={() => useModel.getState().cancelLoad()}>Cancel</button>
        </div>
      )}
      {error && (
        <ErrorBanner
          error={error}
          onAction={onAction}
          onDismiss={() => {
            useChat.getState().dismissError();
            useModel.getState().dismissError();
          }}
        />
      )}
    </>
  );
}

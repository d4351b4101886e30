import type { ErrorAction, RedraftError } from '../../workers/protocol';

const ACTION_LABEL: Record<ErrorAction, string | null> = {
  retry: 'Try again',
  'use-bundled-model': 'Use the bundled model',
  'use-wasm': 'Use WASM (CPU)',
  'new-conversation': 'New conversation',
  'shorten-prompt': null,
  'free-storage': 'Manage storage',
  'reload-model': 'Reload the model',
  none: null,
};

interface Props {
  error: RedraftError;
  onAction(action: ErrorAction): void;
  onDismiss(): void;
}

export function ErrorBanner({ error, onAction, onDismiss }: Props) {
  const label = ACTION_LABEL[error.action];
  return (
    <div className="error-banner" role="alert" data-error={error.name}>
      <span>{error.userMessage}</span>
      {label && <button onClick={() => onAction(error.action)}>{label}</button>}
      <button className="ghost" aria-label="Dismiss" onClick={onDismiss}>×</button>
    </div>
  );
}

import { useEffect, useRef } from 'react';

interface Props {
  draft: string;
  busy: boolean;
  disabled: boolean;
  /** Sent while the model loads: it goes when the model is ready (Esc takes it back). */
  queued: boolean;
  placeholder: string;
  onDraft(text: string): void;
  onSend(): void;
  onStop(): void;
  onCancelQueued(): void;
}

/** Enter sends, Shift+Enter adds a line, Esc stops the answer being written (or takes back a message waiting for the model). */
export function Composer({ draft, busy, disabled, queued, placeholder, onDraft, onSend, onStop, onCancelQueued }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (!busy) ref.current?.focus();
  }, [busy]);
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy && !disabled && draft.trim()) onSend();
      }}
    >
      {queued && (
        <p className="composer-note" role="status">
          The model is loading: your message goes as soon as it is ready. <button type="button" className="link" onClick={onCancelQueued}>Don’t send (Esc)</button>
        </p>
      )}
      <textarea
        ref={ref}
        aria-label="Message"
        placeholder={placeholder}
        value={draft}
        rows={Math.min(8, Math.max(1, draft.split('\n').length))}
        onChange={(e) => onDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            if (!busy && !disabled && draft.trim()) onSend();
          } else if (e.key === 'Escape' && busy) {
            e.preventDefault();
            onStop();
          } else if (e.key === 'Escape' && queued) {
            e.preventDefault();
            onCancelQueued();
          }
        }}
      />
      {busy ? (
        <button type="button" className="stop" onClick={onStop} title="Stop (Esc)">Stop</button>
      ) : (
        <button type="submit" disabled={disabled || !draft.trim()} title="Send (Enter)">Send</button>
      )}
    </form>
  );
}

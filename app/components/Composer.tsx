import { useEffect, useRef } from 'react';

interface Props {
  draft: string;
  busy: boolean;
  disabled: boolean;
  placeholder: string;
  onDraft(text: string): void;
  onSend(): void;
  onStop(): void;
}

/** Enter sends, Shift+Enter adds a line, Esc stops the answer being written. */
export function Composer({ draft, busy, disabled, placeholder, onDraft, onSend, onStop }: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (!busy) ref.current?.focus();
  }, [busy]);
  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        if (!busy) onSend();
      }}
    >
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
            if (!busy && !disabled) onSend();
          } else if (e.key === 'Escape' && busy) {
            e.preventDefault();
            onStop();
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

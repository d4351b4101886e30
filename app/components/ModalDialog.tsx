import { useEffect, useRef, type ReactNode, type RefObject } from 'react';

interface Props {
  title: string;
  className: string;
  onClose(): void;
  /** The Close button's accessible name, where "Close" alone would be ambiguous. */
  closeLabel?: string;
  autoFocusClose?: boolean;
  /** For a parent that works on the open dialog (scrolling to an entry). */
  dialogRef?: RefObject<HTMLDialogElement | null>;
  children: ReactNode;
}

/** A modal <dialog> with a titled header and a Close button; Esc closes it. */
export function ModalDialog({ title, className, onClose, closeLabel, autoFocusClose, dialogRef, children }: Props) {
  const own = useRef<HTMLDialogElement>(null);
  const ref = dialogRef ?? own;
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal?.();
  }, [ref]);
  return (
    <dialog ref={ref} className={className} aria-label={title} onClose={onClose} onCancel={onClose}>
      <header>
        <h2>{title}</h2>
        <button className="ghost" onClick={onClose} aria-label={closeLabel} autoFocus={autoFocusClose}>Close</button>
      </header>
      {children}
    </dialog>
  );
}

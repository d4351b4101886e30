import { useRef } from 'react';
import { ACCEPTED, formatSize } from '../files';
import type { AttachedFile } from '../types';

interface Props {
  files: AttachedFile[];
  /** Names of files being read now. */
  reading: string[];
  errors: string[];
  busy: boolean;
  onAdd(files: File[]): void;
  onRemove(id: string): void;
  onDismissErrors(): void;
}

/** The conversation's files, above the message box: add (button or drop anywhere on the chat), see, remove. */
export function Attachments({ files, reading, errors, busy, onAdd, onRemove, onDismissErrors }: Props) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="attachments" aria-label="Files in this conversation" role="region">
      {errors.length > 0 && (
        <div className="error-banner" role="alert">
          <span>{errors.join(' ')} Nothing else changed.</span>
          <button className="ghost" onClick={onDismissErrors}>Dismiss</button>
        </div>
      )}
      <ul className="file-list">
        {files.map((f) => (
          <li key={f.id} className="file" title={`${f.passages.length} passages of text`}>
            <span className="file-name">{f.name}</span> <span className="file-size">{formatSize(f.size)}</span>
            <button type="button" className="ghost" aria-label={`Remove ${f.name}`} disabled={busy} onClick={() => onRemove(f.id)}>×</button>
          </li>
        ))}
        {reading.map((name) => (
          <li key={`reading-${name}`} className="file reading" role="status">Reading {name}…</li>
        ))}
        <li>
          <button type="button" className="ghost add-files" onClick={() => input.current?.click()} disabled={busy}
            title="PDF, Word (.docx), text, Markdown or HTML: answers come from them, cited. Only their text is kept, on this device.">
            Add files
          </button>
          <input ref={input} type="file" multiple hidden accept={ACCEPTED} aria-label="Add files to this conversation"
            onChange={(e) => {
              const list = [...(e.target.files ?? [])];
              e.target.value = '';
              if (list.length) onAdd(list);
            }} />
        </li>
      </ul>
    </div>
  );
}

import { memo, useMemo, useState } from 'react';
import { markCorrected, renderMarkdown } from '../markdown';
import type { Message } from '../types';
import { CHECKS, CORRECTIONS, toRedraftError } from '../../workers/protocol';
import { PersonalDataNote } from './PersonalDataNote';
import { SourcedAnswer } from './SourcedAnswer';
import { TrailView } from './TrailView';

interface Props {
  message: Message;
  streaming: boolean;
  canRegenerate: boolean;
  busy: boolean;
  onRegenerate(): void;
  onEdit(text: string): void;
}

const STATUS_LABEL: Partial<Record<NonNullable<Message['status']>, string>> = {
  stopped: 'Stopped',
  interrupted: 'Interrupted (the page closed while it was being written)',
};

export const MessageView = memo(function MessageView({ message, streaming, canRegenerate, busy, onRegenerate, onEdit }: Props) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(message.content);
  const [trailFocus, setTrailFocus] = useState<number | null>(null);
  const alignment = message.stats?.alignment;
  const html = useMemo(
    () => (message.role === 'assistant' ? renderMarkdown(alignment ? markCorrected(message.content, alignment.trails) : message.content) : ''),
    [message.role, message.content, alignment],
  );

  if (editing) {
    return (
      <article className="message user editing" aria-label="Edit message">
        <textarea
          aria-label="Edit your message"
          value={text}
          autoFocus
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              setEditing(false);
              onEdit(text);
            } else if (e.key === 'Escape') {
              setEditing(false);
            }
          }}
        />
        <div className="message-actions">
          <button onClick={() => { setEditing(false); onEdit(text); }} disabled={busy || !text.trim()}>Save and resend</button>
          <button className="ghost" onClick={() => setEditing(false)}>Cancel</button>
        </div>
      </article>
    );
  }

  const error = message.error ? toRedraftError(message.error) : null;
  return (
    <article
      className={`message ${message.role}`}
      data-role={message.role}
      data-status={message.status ?? 'done'}
      aria-busy={streaming}
    >
      <header className="message-meta">
        <span className="who">{message.role === 'user' ? 'You' : 'Redraft'}</span>
        {message.model && <span className="model">{message.model} · {message.backend}</span>}
        {message.stats && message.stats.generatedTokens > 0 && (
          <span className="stats">{message.stats.generatedTokens} tokens · {message.stats.tokensPerSecond.toFixed(1)} tok/s</span>
        )}
      </header>
      {message.role === 'assistant' && message.sources ? (
        <SourcedAnswer messageId={message.id} text={message.content} sources={message.sources} trails={streaming ? undefined : alignment?.trails}
          onOpenTrail={(i) => setTrailFocus(i)} />
      ) : message.role === 'assistant' ? (
        // The only innerHTML in the app: markdown through the sanitiser (app/markdown.ts).
        <div
          className="content markdown"
          dangerouslySetInnerHTML={{ __html: html }}
          onClick={(e) => {
            const mark = (e.target as HTMLElement).closest('mark[data-sentence]');
            if (mark && alignment) setTrailFocus(Number(mark.getAttribute('data-sentence')));
          }}
        />
      ) : (
        <div className="content plain">{message.content}</div>
      )}
      {streaming && <span className="cursor" aria-hidden>▍</span>}
      {streaming && message.activity && <p className="activity" role="status">{message.activity}</p>}
      {alignment && !streaming && (
        <p className="alignment-summary">
          {alignment.sentences} sentence{alignment.sentences === 1 ? '' : 's'} checked ({CHECKS[alignment.check]?.short ?? alignment.check}
          {alignment.rewinds ? ` → ${CORRECTIONS[alignment.correction]?.short ?? alignment.correction}` : ''}) · {alignment.corrected} corrected · +{Math.round(alignment.addedMs)} ms
          {alignment.trails.some((t) => t.rewinds > 0) && (
            <button className="ghost" onClick={() => setTrailFocus(alignment.trails.find((t) => t.corrected || t.rewinds > 0)!.index)}>
              Review corrections
            </button>
          )}
        </p>
      )}
      {alignment && trailFocus !== null && (
        <TrailView trails={alignment.trails} focus={trailFocus} onClose={() => setTrailFocus(null)} />
      )}
      {alignment?.unchecked && (
        <p className="badge warning unchecked" role="note">
          Stopped before the last sentence was finished: it is shown as drafted and was not checked.
        </p>
      )}
      {message.stats?.alignmentUnavailable && (
        <p className="badge warning alignment-unavailable" role="note">
          {message.stats.alignmentUnavailable}
        </p>
      )}
      {message.notice && <p className="badge warning notice" role="note">{message.notice}</p>}
      {message.status && STATUS_LABEL[message.status] && <p className="badge">{STATUS_LABEL[message.status]}</p>}
      {error && <p className="badge error">{error.userMessage}</p>}
      {message.role === 'assistant' && !streaming && message.content && <PersonalDataNote text={message.content} />}
      {!streaming && (
        <div className="message-actions">
          <button className="ghost" onClick={() => navigator.clipboard?.writeText(message.content)}>Copy</button>
          {message.role === 'user' && (
            <button className="ghost" onClick={() => { setText(message.content); setEditing(true); }} disabled={busy}>Edit</button>
          )}
          {canRegenerate && (
            <button className="ghost" onClick={onRegenerate} disabled={busy}>Regenerate</button>
          )}
        </div>
      )}
    </article>
  );
});

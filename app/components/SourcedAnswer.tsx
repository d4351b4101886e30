import { useRef, useState } from 'react';
import type { SentenceTrail, SourcePassage } from '../../workers/protocol';

interface Props {
  messageId: string;
  text: string;
  sources: SourcePassage[];
  /** The committed sentences with their checks; absent while the answer streams. */
  trails?: SentenceTrail[];
  onOpenTrail(index: number): void;
}

/** The passage that supports a committed sentence, from its grounding verdict. */
function supportOf(trail: SentenceTrail) {
  return trail.candidates.find((c) => c.text === trail.final && c.verdict.support)?.verdict.support;
}

/**
 * An answer written from sources (the offline library, the user's files): each sentence with its
 * citation [n], and under it the passages; a citation opens its passage. Plain text, no markdown:
 * the sentences are the sources' own or checked against them.
 */
export function SourcedAnswer({ messageId, text, sources, trails, onOpenTrail }: Props) {
  const [open, setOpen] = useState<Set<number>>(new Set());
  const list = useRef<HTMLOListElement>(null);
  const shown = trails && trails.map((t) => t.final).join('') === text ? trails.filter((t) => t.final) : null;
  const cited = new Set(shown?.map(supportOf).filter(Boolean).map((s) => s!.passage));
  const reveal = (id: number) => {
    setOpen((o) => new Set(o).add(id));
    requestAnimationFrame(() => list.current?.querySelector(`[data-source="${id}"]`)?.scrollIntoView({ block: 'nearest' }));
  };
  return (
    <>
      <div className="content sourced">
        {shown
          ? shown.map((t) => {
              const support = supportOf(t);
              return (
                <span key={t.index} className={`sentence${t.corrected ? ' corrected' : ''}`} data-sentence={t.index}>
                  {t.corrected ? (
                    <mark title="Corrected: open the review trail" onClick={() => onOpenTrail(t.index)}>{t.final}</mark>
                  ) : t.final}
                  {support && (
                    <button type="button" className="cite" aria-label={`Source ${support.passage}: ${sources.find((s) => s.id === support.passage)?.label ?? ''}`}
                      onClick={() => reveal(support.passage)}>[{support.passage}]</button>
                  )}
                </span>
              );
            })
          : text}
      </div>
      {sources.length > 0 && (
        <section className="sources" aria-label="Sources">
          <h4>Sources</h4>
          <ol ref={list}>
            {sources.map((p) => (
              <li key={p.id} data-source={p.id} id={`source-${messageId}-${p.id}`} className={cited.has(p.id) ? 'cited' : ''}>
                <details open={open.has(p.id)} onToggle={(e) => {
                  const isOpen = (e.currentTarget as HTMLDetailsElement).open;
                  setOpen((o) => {
                    const n = new Set(o);
                    if (isOpen) n.add(p.id);
                    else n.delete(p.id);
                    return n;
                  });
                }}>
                  <summary>[{p.id}] {p.label || `Passage ${p.id}`}{cited.has(p.id) ? '' : ' (not cited)'}</summary>
                  <blockquote>{p.text}</blockquote>
                </details>
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}

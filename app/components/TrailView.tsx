import { diffWords } from 'diff';
import { useEffect, useRef } from 'react';
import { CANDIDATE_SOURCES, CHECKS, type SentenceTrail } from '../../workers/protocol';
import { ModalDialog } from './ModalDialog';

const CUT: Record<NonNullable<SentenceTrail['budgetCut']>, string> = {
  rewinds: 'the rewinds budget ran out',
  candidates: 'the candidates budget ran out',
  'sentence-time': 'the time budget for this sentence ran out',
  'answer-time': 'the time budget for this answer ran out',
  stopped: 'the answer was stopped',
};

const SOURCE = CANDIDATE_SOURCES;

/** Draft beside final as a word diff: removed words struck through, added ones marked. */
function WordDiff({ before, after }: { before: string; after: string }) {
  return (
    <p className="word-diff" aria-label="Changes from the draft to the final sentence">
      {diffWords(before, after).map((part, i) =>
        part.added ? <ins key={i}>{part.value}</ins> : part.removed ? <del key={i}>{part.value}</del> : <span key={i}>{part.value}</span>,
      )}
    </p>
  );
}

function Trail({ trail }: { trail: SentenceTrail }) {
  return (
    <section className="trail" data-sentence={trail.index} aria-label={`Sentence ${trail.index + 1}`}>
      <h3>Sentence {trail.index + 1}{trail.dropped ? ' — not shown: no source supports it, and the answer ended there' : trail.corrected ? ' — corrected' : trail.unchecked ? ' — not checked' : ''}</h3>
      <div className="diff-columns">
        <div><h4>Draft</h4><p className="draft">{trail.draft}</p></div>
        <div><h4>Final</h4><p className="final">{trail.final}</p></div>
      </div>
      <WordDiff before={trail.draft} after={trail.final} />
      <p className="trail-summary">
        Check: {CHECKS[trail.check]?.short ?? trail.check}{trail.correction ? ` · correction: ${SOURCE[trail.correction]}` : ''} · {trail.rewinds} rewind{trail.rewinds === 1 ? '' : 's'} ·
        {' '}check {Math.round(trail.timings.checkMs)} ms · correction {Math.round(trail.timings.correctMs)} ms
        {trail.budgetCut && <strong className="budget-cut"> · {CUT[trail.budgetCut]}: the best candidate so far was kept</strong>}
      </p>
      <ol className="candidates">
        {trail.candidates.map((c, i) => (
          <li key={i} data-pass={c.verdict.pass} className={c.text === trail.final ? 'chosen' : ''}>
            <span className="source">{SOURCE[c.source]}</span>{' '}
            <span className="verdict">{c.verdict.pass ? 'passed' : 'failed'} (score {c.verdict.score.toFixed(2)})</span>
            {c.text === trail.final && <span className="chosen-label"> · committed</span>}
            <blockquote>{c.text || '(empty)'}</blockquote>
            <small>{c.verdict.evidence} · {Math.round(c.ms)} ms</small>
          </li>
        ))}
      </ol>
    </section>
  );
}

interface Props {
  trails: SentenceTrail[];
  /** The sentence to scroll to, if one was clicked. */
  focus?: number;
  onClose(): void;
}

/** The review trail of one answer, in a modal dialog (Esc closes it). */
export function TrailView({ trails, focus, onClose }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (focus !== undefined) dialog.current?.querySelector(`[data-sentence="${focus}"]`)?.scrollIntoView({ block: 'start' });
  }, [focus]);
  const shown = trails.filter((t) => t.corrected || t.rewinds > 0 || t.dropped || t.index === focus);
  return (
    <ModalDialog title="Review trail" className="trail-view" onClose={onClose} autoFocusClose dialogRef={dialog}>
      <p className="hint">
        {trails.length} sentence{trails.length === 1 ? '' : 's'} checked, {trails.filter((t) => t.corrected).length} corrected.
      </p>
      {shown.map((t) => <Trail key={t.index} trail={t} />)}
    </ModalDialog>
  );
}

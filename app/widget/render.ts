// Rendering one question and its answer in the panel: the sentences with their citations (a
// draft after the last committed sentence shown as pending), and "Why this answer".

import { CANDIDATE_SOURCES, CHECKS, type AnswerStats, type SentenceTrail } from '../../workers/protocol';
import { stripMarkers, type Citation } from './cite';
import { h } from './dom';
import { promptPassages, type Passage } from './page-text';
import type { PageReading } from './reading';

export interface Turn {
  id: string;
  question: string;
  reading: PageReading | null;
  committed: { text: string; citation: Citation | null; trail?: SentenceTrail }[];
  pending: string;
  t0: number;
  firstCitedMs: number | null;
  el: { root: HTMLLIElement; answer: HTMLParagraphElement; note: HTMLParagraphElement; why: HTMLDetailsElement };
}

/** A question's entry in the list, waiting for its answer. */
export function turnElements(question: string): Turn['el'] {
  const root = h('li', { className: 'qa' });
  // Screen readers hear the answer once it is written, not every re-render while it streams.
  root.setAttribute('aria-busy', 'true');
  const answer = h('p', { className: 'a' });
  const note = h('p', { className: 'note' });
  const why = h('details', { className: 'why' });
  root.append(h('p', { className: 'q' }, question), answer, note, why);
  return { root, answer, note, why };
}

function citeButton(c: Citation): HTMLButtonElement {
  const b = h('button', { type: 'button', className: 'cite', title: `“${c.quote}” — show it in the page` }, `[${c.passage}]`);
  b.dataset.passage = String(c.passage);
  b.dataset.quote = c.quote;
  b.setAttribute('aria-label', `Source ${c.passage}: show “${c.quote}” in the page`);
  return b;
}

/** The answer as it stands; the list follows it while the reader is at the list's end. */
export function renderAnswer(t: Turn, list: HTMLElement): void {
  const following = list.scrollHeight - list.scrollTop - list.clientHeight < 24;
  const a = t.el.answer;
  a.replaceChildren();
  for (const s of t.committed) {
    a.append(h('span', { className: 'sentence' }, stripMarkers(s.text)));
    if (s.citation) a.append(citeButton(s.citation));
  }
  if (t.pending) a.append(h('span', { className: 'pending' }, stripMarkers(t.pending)));
  if (following) list.scrollTop = list.scrollHeight;
}

const li = (...c: (Node | string)[]) => h('li', {}, ...c);
const flagged = (entry: HTMLLIElement, key: string, value = 'true') => {
  entry.dataset[key] = value;
  return entry;
};

/** What was read: the passages the model read and those the sentences were checked against, hidden parts left out, instructions ignored. */
function readingItems(r: PageReading): HTMLLIElement[] {
  const items: HTMLLIElement[] = [];
  const named = (ps: Passage[]) => ps.map((p) => `[${p.id}]${p.headings.length ? ` ${p.headings.at(-1)}` : ''}`).join(', ');
  const read = promptPassages(r.passages);
  const more = r.passages.slice(read.length);
  items.push(li(`Read ${r.page.passages.length} passages of the page’s visible text; the model read the ${read.length} that match the question best (${named(read)}), and every sentence was checked against ${more.length ? `those and ${more.length} more (${named(more)})` : 'them'}.`));
  if (r.page.hiddenRemoved) items.push(li(`Left out ${r.page.hiddenRemoved} hidden element${r.page.hiddenRemoved === 1 ? '' : 's'} (not visible to a reader, so never given to the model).`));
  const n = r.instructions.length;
  if (n) {
    const list = h('ul', {}, ...r.instructions.map((i) => h('li', {}, `“${i}”`)));
    items.push(flagged(li(`Ignored ${n} instruction${n === 1 ? '' : 's'} to an assistant found in the page (its text, hidden parts, comments and image text): they are data, not orders, so ${n === 1 ? 'it was' : 'they were'} left out of what the answer is drawn from, and every sentence was checked for following ${n === 1 ? 'it' : 'them'}:`, list), 'instructions', String(n)));
  }
  return items;
}

/** What happened to sentence `i`, when anything did. */
function sentenceItem(trail: SentenceTrail, i: number): HTMLLIElement | null {
  const first = trail.candidates[0];
  const failed = first && !first.verdict.pass ? first.verdict : null;
  if (trail.dropped) return flagged(li(`Sentence ${i + 1} was not shown: ${first?.verdict.evidence ?? 'no passage supports it'}. Nothing in the passages could take its place, so the answer ends there.`), 'dropped');
  if (first?.source === 'not-found') return li('The passages do not hold what the question asks, so the answer says so instead of guessing.');
  if (first?.source === 'computed') return flagged(li(`Sentence ${i + 1} was computed from the page’s table (${first.verdict.evidence.replace(/^table: /, '')}), not written by the model: the rows it names are the ones counted.`), 'computed');
  if (trail.unchecked) return li(`Sentence ${i + 1}: not checked (time budget spent).`);
  if (failed) return flagged(li(`Sentence ${i + 1} failed the check: ${failed.evidence}. ${trail.corrected ? `Corrected (${CANDIDATE_SOURCES[trail.candidates.at(-1)?.source ?? 'draft']}).` : 'Committed as the best candidate found.'}`), 'failed');
  return null;
}

export function renderWhy(t: Turn, stats: AnswerStats | null): void {
  const items: HTMLLIElement[] = t.reading ? readingItems(t.reading) : [];
  const trails = stats?.alignment?.trails ?? t.committed.map((s) => s.trail).filter((tr): tr is SentenceTrail => !!tr);
  trails.forEach((trail, i) => {
    const item = sentenceItem(trail, i);
    if (item) items.push(item);
  });
  if (stats?.alignment) items.push(li(`Checked ${stats.alignment.sentences} sentence${stats.alignment.sentences === 1 ? '' : 's'} (${CHECKS[stats.alignment.check].short}), corrected ${stats.alignment.corrected}.`));
  if (stats?.alignmentUnavailable) items.push(li(stats.alignmentUnavailable));
  if (t.firstCitedMs !== null) items.push(li(`First cited sentence after ${(t.firstCitedMs / 1000).toFixed(1)} s.`));
  t.el.why.replaceChildren(h('summary', {}, 'Why this answer'), h('ul', {}, ...items));
}

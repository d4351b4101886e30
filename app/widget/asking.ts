// Asking: each question becomes a turn — the page read for it, the question and its passages
// sent to the frame, the answer's events applied as they come (sentences committed with their
// citation, a draft, a rewind), and its end (done, stopped, failed). One question at a time.

import { splitSentences, type AnswerStats, type SentenceTrail } from '../../workers/protocol';
import { cite } from './cite';
import { NoReadableTextError } from './page-text';
import { TAG, type FromFrame, type ToFrame } from './protocol';
import { readFor } from './reading';
import { renderAnswer, renderWhy, turnElements, type Turn } from './render';
import type { Shell } from './shell';

export class Asker {
  private readonly turns = new Map<string, Turn>();
  private active: Turn | null = null;
  private modelReady = false;

  constructor(
    private readonly shell: Shell,
    private readonly send: (msg: ToFrame) => void,
  ) {}

  get busy(): boolean {
    return this.active !== null;
  }

  ask(question: string): void {
    const t: Turn = { id: crypto.randomUUID(), question, reading: null, committed: [], pending: '', t0: performance.now(), firstCitedMs: null, el: turnElements(question) };
    this.shell.answers.append(t.el.root);
    this.turns.set(t.id, t);
    try {
      t.reading = readFor(document, question);
    } catch (e) {
      this.finish(t, null, e instanceof NoReadableTextError ? e.message : `This page could not be read: ${(e as Error).message}`);
      return;
    }
    this.setActive(t);
    if (!this.modelReady) t.el.note.textContent = 'The model is loading; the answer starts when it is ready.';
    const { passages, instructions, tables } = t.reading;
    this.send({ tag: TAG, type: 'ask', id: t.id, question, passages, instructions, tables });
    this.shell.answers.scrollTop = this.shell.answers.scrollHeight;
  }

  stop(): void {
    this.send({ tag: TAG, type: 'stop' });
  }

  /** The frame cannot run: every open answer ends with that. */
  unreachable(): void {
    for (const t of this.turns.values()) if (!t.el.root.dataset.done) this.finish(t, null, 'The model is not reachable on this page.');
  }

  onMessage(msg: FromFrame): void {
    if (msg.type === 'status') {
      this.modelReady = msg.state === 'ready';
      this.shell.setStatus(msg.state, msg.state === 'ready' ? `Ready: ${msg.text}` : msg.text, msg.fraction);
      return;
    }
    const t = this.turns.get(msg.id);
    // A finished answer is final: nothing the frame sends for it later changes what it shows.
    if (!t || t.el.root.dataset.done) return;
    if (msg.type === 'done') this.finish(t, msg.stats);
    else if (msg.type === 'error') this.finish(t, null, msg.message);
    else {
      const ev = msg.event;
      if (ev.type === 'started') t.el.note.textContent = '';
      else if (ev.type === 'token') t.pending += ev.text;
      else if (ev.type === 'rewound') {
        t.pending = '';
        t.el.note.textContent = `Correcting sentence ${ev.index + 1}…`;
      } else if (ev.type === 'sentence-committed') {
        this.commit(t, ev.text, ev.trail);
        t.pending = ev.pending;
        t.el.note.textContent = '';
      }
      renderAnswer(t, this.shell.answers);
    }
  }

  private setActive(t: Turn | null): void {
    this.active = t;
    this.shell.askButton.hidden = t !== null;
    this.shell.stopButton.hidden = t === null;
  }

  private commit(t: Turn, text: string, trail?: SentenceTrail): void {
    if (!text) return; // a sentence no passage supported: never shown
    // The grounding check's evidence when there is one (the passage and its sentence that
    // support this one), else the longest run of words it shares with a passage.
    const support = trail?.candidates.find((c) => c.text === text && c.verdict.support)?.verdict.support;
    const citation = support ? { passage: support.passage, quote: support.quote } : cite(text, t.reading?.passages ?? []);
    t.committed.push({ text, citation, trail });
    if (citation && t.firstCitedMs === null) {
      t.firstCitedMs = performance.now() - t.t0;
      t.el.root.dataset.firstCitedMs = String(Math.round(t.firstCitedMs));
    }
  }

  /** The final text is the reference: committed sentences, then (stopped) what was drafted. */
  private settle(t: Turn, stats: AnswerStats): void {
    const trails = stats.alignment?.trails ?? [];
    const finals = trails.map((tr) => tr.final).join('');
    if (trails.length && stats.text.startsWith(finals)) {
      t.committed = [];
      trails.forEach((tr) => this.commit(t, tr.final, tr));
      const rest = stats.text.slice(finals.length);
      if (rest.trim()) this.commit(t, rest);
    } else if (!t.committed.length || t.committed.map((c) => c.text).join('') !== stats.text) {
      t.committed = [];
      for (const s of splitSentences(stats.text)) this.commit(t, s);
    }
    t.pending = '';
    const note = stats.reason === 'stopped' ? 'Stopped.' : stats.reason === 'length' ? 'The answer reached its length limit.' : '';
    t.el.note.textContent = stats.text.trim() ? note : 'The model gave no answer.';
  }

  private finish(t: Turn, stats: AnswerStats | null, error?: string): void {
    if (stats) this.settle(t, stats);
    if (error) {
      t.el.note.textContent = error;
      t.el.note.classList.add('error');
    }
    t.el.root.dataset.done = 'true';
    t.el.root.removeAttribute('aria-busy');
    renderAnswer(t, this.shell.answers);
    renderWhy(t, stats);
    if (this.active === t) this.setActive(null);
  }
}

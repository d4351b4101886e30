// The grounding check: with sources (the page, the user's files, the offline library), an answer
// sentence passes only when one source sentence supports it (workers/align/support.ts), that
// source sentence bears on the question (it holds one of the question's words, or it follows
// the sentence the answer cited last), and the answer has not said it already. It runs before
// the configured check, which then judges only grounded sentences. A sentence it fails is
// `ungrounded`: it is corrected from the sources or, when nothing supports it, never shown.
import { fitsKind, sourceIndex, stripMarkers, type GroundingSources, type SourceIndex } from '../support';
import type { Check, SentenceContext, Verdict } from '../types';

/** Times an answer may go on from a sentence elsewhere in the sources than the next of the paragraph it reads. */
export const MAX_JUMPS = 1;

export class GroundingCheck implements Check {
  readonly id: Check['id'];
  private readonly index: SourceIndex;
  private readonly question: string;
  private readonly relevant: Set<number>;
  private readonly answering: Set<number>;
  /** A table row picked by reading the table: it answers without the question's words ("the last listed achievement"). */
  private readonly picked: Set<number>;

  constructor(private readonly inner: Check, sources: GroundingSources) {
    this.id = inner.id;
    this.index = sourceIndex(sources);
    this.question = sources.question;
    const answering = this.index.answering(sources.question);
    this.answering = new Set(answering.map((r) => r.sentence.index));
    this.picked = new Set(answering.filter((r) => r.picked).map((r) => r.sentence.index));
    // Bearing on the question: an answering sentence, or one that holds at least half as much of
    // the question as the sentence that holds most ("The capital of The Bahamas is Nassau." has
    // "capital", not "France": it does not go on an answer about France).
    const ranked = this.index.rank(sources.question);
    const most = Math.max(0, ...ranked.map((r) => r.held));
    // (An answering sentence without the question's words: the amount beside the name it was paid to.)
    this.relevant = new Set(ranked.filter((r) => (r.held > 0 && r.held >= most / 2) || (r.held === 0 && this.answering.has(r.sentence.index))).map((r) => r.sentence.index));
  }

  async check(ctx: SentenceContext, sentence: string): Promise<Verdict> {
    const s = this.index.support(sentence);
    const src = s.source;
    const said = stripMarkers(sentence).trim();
    if (!s.supported || !src) {
      const why = !src
        ? 'no source passage has its words'
        : `the closest source sentence ([${src.passage}] “${src.text.slice(0, 120)}”) holds ${Math.round(100 * s.coverage)} % of its words and ${Math.round(100 * s.pairs)} % of its word pairs${s.missing.length ? `, not ${s.missing.slice(0, 3).join(', ')}` : ''}`;
      return { pass: false, score: Math.min(0.49, s.coverage * 0.4), evidence: `not supported by the sources: ${why}`, ungrounded: true };
    }
    const used = this.index.citedIn(ctx.prefix, ctx.committed);
    if (used.some((u) => u.index === src.index)) {
      return { pass: false, score: 0.1, evidence: `repeats what the answer already said from [${src.passage}]`, ungrounded: true };
    }
    const last = used.at(-1);
    // Going on: the next sentence of the same paragraph (not the next item of a list or entry).
    const follows = !!last && last.passage === src.passage && src.position === last.position + 1 && !src.opensBlock;
    // Bearing on the question: the source sentence holds its words (or answers it), and so does
    // the sentence itself ("Hi David, your Mercury." cut from the sentence that has the amount
    // does not), unless it goes on from the sentence cited last.
    // The first sentence may be any that answers; later ones hold the question's words as much
    // as half the best does, or go on from the last (so an answer does not wander down a list).
    const bears = this.relevant.has(src.index) || (!ctx.prefix.trim() && this.answering.has(src.index));
    const speaks = this.picked.has(src.index) || this.index.speaksTo(sentence, this.question);
    if (!follows && (!bears || !speaks)) {
      return { pass: false, score: 0.2, evidence: `supported by [${src.passage}], but that sentence does not bear on the question`, ungrounded: true };
    }
    // A sentence from elsewhere in the sources (not the next of the paragraph the answer is
    // reading) goes on the answer MAX_JUMPS times at most: an answer does not gather every
    // sentence that shares a word with the question ("Who wrote this document?" → every
    // sentence with "write").
    if (!follows && used.length) {
      const jumps = used.filter((u, i) => i > 0 && !(u.passage === used[i - 1].passage && u.position === used[i - 1].position + 1 && !u.opensBlock)).length;
      if (jumps >= MAX_JUMPS) {
        return { pass: false, score: 0.2, evidence: `supported by [${src.passage}], but the answer has gone elsewhere in the sources ${MAX_JUMPS === 1 ? 'once' : `${MAX_JUMPS} times`} already`, ungrounded: true };
      }
      // And it stays on what the answer is about: the heaviest of the question's words its first
      // sentence holds ("postfix: Used by the postfix MTA." is not followed by a sentence about
      // root-squashing that shares only "user" and "server" with the question).
      const topic = this.index.topicOf(this.question, used[0].index);
      if (topic && !this.index.holds(src.index, topic)) {
        return { pass: false, score: 0.2, evidence: `supported by [${src.passage}], but that sentence is not about “${topic}”, what the answer is about`, ungrounded: true };
      }
    }
    // The answer's first sentence answers: to "How much salt?" it has the number, and it is one
    // of the source sentences that answer the question (not one that only shares its words).
    if (!ctx.prefix.trim() && !fitsKind(sentence, this.question)) {
      return { pass: false, score: 0.3, evidence: `supported by [${src.passage}], but it does not give the number or amount the question asks for`, ungrounded: true };
    }
    if (!ctx.prefix.trim() && this.answering.size && !this.answering.has(src.index)) {
      return { pass: false, score: 0.3, evidence: `supported by [${src.passage}], but that sentence does not answer the question`, ungrounded: true };
    }
    const support = { passage: src.passage, quote: src.text };
    if (!said) return { pass: false, score: 0, evidence: 'empty', ungrounded: true };
    const verdict = await this.inner.check(ctx, sentence);
    return { ...verdict, support, evidence: `supported by [${src.passage}] “${src.text.slice(0, 160)}”; ${verdict.evidence}` };
  }
}

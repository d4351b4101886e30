// What a source says, sentence by sentence, and whether an answer sentence is backed by it.
//
// The bundled model is small: it does not know facts, and with a copy bias it still splices the
// page's phrases into false statements ("… reduced bee (Apis mellifera) is the most common …").
// So an answer with sources commits a sentence only when ONE sentence of ONE passage supports
// it, measurably:
//   * most of its content words are in that source sentence (COVERAGE),
//   * its word pairs mostly follow that sentence's word order (PAIRS: a splice of two phrases
//     has pairs no source sentence has),
//   * every number and every name it has is in that sentence, and it does not add or drop a
//     negation,
//   * it has MIN_CONTENT content words at least (a fragment like "The to the lamp." says
//     nothing a source could support).
// The source sentence is the evidence: its passage is cited and it is the quote.
//
// Which source sentences answer the question is decided here too (BM25 over the sentences,
// with the question's content words), and whether the sources answer it at all: when no
// sentence holds enough of what the question asks (ANSWERABLE of its word weight), the answer
// says plainly that the sources do not say, instead of writing something.
import MiniSearch from 'minisearch';
import { SentenceSegmenter } from './segmenter';

export interface SourcePassage {
  /** The number the answer cites, [n]. */
  id: number;
  /** Where the passage is from, for the reader (a heading, a file name and page, a library entry). */
  label?: string;
  text: string;
}

export interface GroundingSources {
  /** The question as the user asked it (the prompt may wrap it with the passages). */
  question: string;
  passages: SourcePassage[];
  /** What the answer says when the sources do not answer the question. */
  notFound: string;
}

export interface SourceSentence {
  /** Index in the index's list. */
  index: number;
  passage: number;
  /** Position within its passage. */
  position: number;
  text: string;
}

export interface Support {
  /** The best-matching source sentence; null when no sentence shares a content word. */
  source: SourceSentence | null;
  /** Share of the sentence's content words found in it. */
  coverage: number;
  /** Share of the sentence's word pairs found in it, in order. */
  pairs: number;
  /** Numbers, names and negations the sentence has and the source sentence lacks (or the reverse, for negations). */
  missing: string[];
  supported: boolean;
}

export const COVERAGE = 0.75;
/** Content words a sentence needs to say anything a source could support ("The to the lamp." does not). */
export const MIN_CONTENT = 2;
export const PAIRS = 0.6;
export const ANSWERABLE = 0.45;

const STOP = new Set(
  ('a an the and or but if then so to of in on at by for with from as into onto about over under than is are was were be been being am ' +
    'it its this that these those there here what which who whom whose when where why how do does did done has have had having can could ' +
    'may might must shall should will would i me my we our us you your he him his she her they them their one ones also very just more most ' +
    'some any all each such not no nor only own same too s t up out off again further once both few other new get got make made use used ' +
    'tell say said please give show find list name know answer question page document text passage according').split(' '),
);
const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nor', 'cannot', "can't", "don't", "doesn't", "isn't", "aren't", "wasn't", "weren't", "won't", 'without']);

/** Lower-cased words, numbers without their thousands separators. */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().replace(/(\d),(?=\d{3}\b)/g, '$1').match(/[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu) ?? []).map((w) => w.replace(/’/g, "'"));
}

/** A crude stem, so "bees" finds "bee" and "lived" finds "live". */
export function stem(w: string): string {
  if (/^\d/.test(w) || w.length <= 3) return w;
  let s = w.replace(/'s$/, '');
  if (s.length > 4 && s.endsWith('ies')) s = `${s.slice(0, -3)}y`;
  else if (/(?:s|x|z|ch|sh)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss')) s = s.slice(0, -1);
  s = s.replace(/(?:ed|ing|ly)$/, (m) => (s.length - m.length >= 3 ? '' : m));
  return s.length > 3 ? s.replace(/e$/, '') : s;
}

export const contentWords = (text: string): string[] => wordsOf(text).filter((w) => !STOP.has(w) && !NEGATIONS.has(w) && (w.length > 1 || /\d/.test(w)));

/** Numbers (as written, separators dropped) and names (capitalised words not opening the sentence). */
function facts(text: string): { numbers: string[]; names: string[] } {
  const clean = text.replace(/(\d),(?=\d{3}\b)/g, '$1');
  const numbers = clean.match(/\d+(?:\.\d+)?/g) ?? [];
  const tokens = clean.match(/[\p{L}][\p{L}\p{N}'’-]*/gu) ?? [];
  const names = tokens.slice(1).filter((w) => /^\p{Lu}/u.test(w) && !STOP.has(w.toLowerCase())).map((w) => w.toLowerCase());
  return { numbers, names };
}

const hasNegation = (words: string[]) => words.some((w) => NEGATIONS.has(w) || w.endsWith("n't"));

/** Citation markers a model writes itself ("[2]"): not part of what a sentence says. */
export const stripMarkers = (text: string): string => text.replace(/\s*\[\d{1,3}\]/g, '');

/** The sentences of a text, trimmed, in order. */
export function sentencesOf(text: string): string[] {
  const seg = new SentenceSegmenter();
  return [...seg.push(text), ...seg.flush()].map((s) => s.trim()).filter(Boolean);
}

interface Prepared extends SourceSentence {
  words: string[];
  stems: Set<string>;
  wordSet: Set<string>;
  pairs: Set<string>;
  negated: boolean;
}

export class SourceIndex {
  readonly sentences: Prepared[] = [];
  private readonly search: MiniSearch<{ id: number; text: string }>;

  constructor(readonly passages: SourcePassage[]) {
    for (const p of passages) {
      sentencesOf(p.text).forEach((text, position) => {
        const words = wordsOf(text);
        this.sentences.push({
          index: this.sentences.length,
          passage: p.id,
          position,
          text,
          words,
          wordSet: new Set(words),
          stems: new Set(words.map(stem)),
          pairs: new Set(words.slice(1).map((w, i) => `${words[i]} ${w}`)),
          negated: hasNegation(words),
        });
      });
    }
    this.search = new MiniSearch({
      fields: ['text'],
      processTerm: (t) => (STOP.has(t.toLowerCase()) ? null : stem(t.toLowerCase())),
    });
    this.search.addAll(this.sentences.map((s) => ({ id: s.index, text: s.text })));
  }

  /** How well `source` backs `sentence`. */
  private measure(sentence: string, source: Prepared): Omit<Support, 'source' | 'supported'> {
    const text = stripMarkers(sentence);
    const content = contentWords(text);
    const covered = content.filter((w) => source.stems.has(stem(w))).length;
    const words = wordsOf(text);
    const pairs = words.slice(1).map((w, i) => `${words[i]} ${w}`);
    const inOrder = pairs.filter((p) => source.pairs.has(p)).length;
    const { numbers, names } = facts(text);
    const missing = [
      ...numbers.filter((n) => !source.wordSet.has(n) && !source.text.replace(/(\d),(?=\d{3}\b)/g, '$1').includes(n)),
      ...names.filter((n) => !source.stems.has(stem(n))),
    ];
    if (hasNegation(words) !== source.negated) missing.push(source.negated ? 'its negation' : 'a negation');
    return { coverage: content.length ? covered / content.length : 0, pairs: pairs.length ? inOrder / pairs.length : words.length ? 1 : 0, missing };
  }

  /** The one source sentence that best supports `sentence`, and whether it does. */
  support(sentence: string): Support {
    const content = new Set(contentWords(stripMarkers(sentence)).map(stem));
    let best: Support = { source: null, coverage: 0, pairs: 0, missing: [], supported: false };
    if (!content.size) return best;
    let bestScore = -1;
    for (const s of this.sentences) {
      if (![...content].some((w) => s.stems.has(w))) continue;
      const m = this.measure(sentence, s);
      const score = m.coverage + m.pairs - 0.5 * m.missing.length;
      if (score > bestScore) {
        bestScore = score;
        best = { source: publicOf(s), ...m, supported: content.size >= MIN_CONTENT && m.coverage >= COVERAGE && m.pairs >= PAIRS && !m.missing.length };
      }
    }
    return best;
  }

  /**
   * The source sentences that answer `question`, best first, with the share of the question's
   * word weight each holds (weights: inverse sentence frequency, so a word every sentence has
   * counts little).
   */
  rank(question: string): { sentence: SourceSentence; score: number; held: number }[] {
    const terms = [...new Set(contentWords(question).map(stem))];
    if (!terms.length) return [];
    const n = this.sentences.length;
    const weight = new Map(terms.map((t) => [t, Math.log(1 + n / (1 + this.sentences.filter((s) => s.stems.has(t)).length))]));
    const total = [...weight.values()].reduce((a, b) => a + b, 0);
    return this.search
      .search(terms.join(' '), { combineWith: 'OR', prefix: (t) => t.length > 4 })
      .map((hit) => {
        const s = this.sentences[hit.id as number];
        const held = terms.filter((t) => s.stems.has(t) || [...s.stems].some((w) => t.length > 4 && w.startsWith(t))).reduce((a, t) => a + weight.get(t)!, 0);
        return { sentence: publicOf(s), score: hit.score, held: total ? held / total : 0 };
      });
  }

  private readonly standsOn = new Map<string, SourceSentence | null>();

  /** The source sentences the committed answer `prefix` stands on, in order (unsupported sentences skipped). */
  citedIn(prefix: string): SourceSentence[] {
    return sentencesOf(prefix)
      .map((s) => {
        if (!this.standsOn.has(s)) {
          const sup = this.support(s);
          this.standsOn.set(s, sup.supported ? sup.source : null);
        }
        return this.standsOn.get(s)!;
      })
      .filter((s): s is SourceSentence => !!s);
  }

  /** Whether any sentence holds enough of what the question asks. */
  answers(question: string): boolean {
    return this.rank(question).some((r) => r.held >= ANSWERABLE);
  }
}

function publicOf(s: Prepared): SourceSentence {
  return { index: s.index, passage: s.passage, position: s.position, text: s.text };
}

const indexes = new WeakMap<GroundingSources, SourceIndex>();

/** One index per sources object: the check and the correction of one answer share it. */
export function sourceIndex(sources: GroundingSources): SourceIndex {
  let index = indexes.get(sources);
  if (!index) indexes.set(sources, (index = new SourceIndex(sources.passages)));
  return index;
}

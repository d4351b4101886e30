// What a source says, sentence by sentence, and whether an answer sentence is backed by it.
//
// The bundled model is small: it does not know facts, and with a copy bias it still splices the
// page's phrases into false statements ("… reduced bee (Apis mellifera) is the most common …").
// So an answer with sources commits a sentence only when ONE sentence of ONE passage supports
// it, measurably:
//   * all of its content words are in that source sentence (COVERAGE: one word swapped, "The
//     deposit is 950 euros a month" from "The rent is 950 euros a month", is a false statement),
//   * its word pairs mostly follow that sentence's word order (PAIRS: a splice of two phrases
//     has pairs no source sentence has),
//   * every number and every name it has is in that sentence, each number between the same
//     words as there, it does not add or drop a negation, where it stops short of the source
//     sentence it stops where a clause ends, and where it starts inside it, it starts where a
//     clause starts (not on "and"),
//   * one unbroken run of the source sentence's words covers most of it (RUN: a splice of two
//     runs of one sentence can keep every word pair and still say what the source does not),
//   * it has MIN_CONTENT content words at least (a fragment like "The to the lamp." says
//     nothing a source could support).
// The source sentence is the evidence: its passage is cited and it is the quote.
//
// Which source sentences answer the question is decided here too (BM25 over the sentences,
// with the question's content words; money paid to or by a name only in that direction, see
// `paymentRoles`), and whether the sources answer it at all: when no
// sentence holds enough of what the question asks (ANSWERABLE of its word weight), the answer
// says plainly that the sources do not say, instead of writing something.
import MiniSearch from 'minisearch';
import { splitSentences } from './segmenter';
import type { TableRow } from './table-reader';

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
  /**
   * The passages of the page's tables, whole, for answers computed from a table's rows (a
   * count, a neighbouring row; workers/align/table-reader.ts). Absent when no table was read
   * whole: then nothing is counted, since a count over part of a table would be wrong.
   */
  tables?: SourcePassage[];
}

export interface SourceSentence {
  /** Index in the index's list. */
  index: number;
  passage: number;
  /** Position within its passage. */
  position: number;
  /** It starts a new line of its passage (a list item, an entry, a row), not the middle of a paragraph. */
  opensBlock?: boolean;
  text: string;
}

export interface Ranked {
  sentence: SourceSentence;
  score: number;
  /** Share of the question's word weight the sentence holds, and its passage. */
  held: number;
  passageHeld: number;
  /** How many of the question's content words its passage lacks. */
  passageMissing: number;
  /** It has the kind of answer the question asks for (or the question asks for no kind). */
  fits: boolean;
  /** The table row a question for the most, the least, the first or the last picks (see `tablePick`). */
  picked?: boolean;
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

export const COVERAGE = 1;
/** Content words a sentence needs to say anything a source could support ("The to the lamp." does not). */
export const MIN_CONTENT = 2;
export const PAIRS = 0.7;
/** Share of a sentence's words that one unbroken run of the source sentence's words must cover. */
export const RUN = 0.8;
export const ANSWERABLE = 0.45;
const NAME_WEIGHT = 3;

const STOP = new Set(
  ('a an the and or but if then so to of in on at by for with from as into onto about over under than is are was were be been being am ' +
    'it its this that these those there here what which who whom whose when where why how do does did done has have had having can could ' +
    'may might must shall should will would i me my we our us you your he him his she her they them their one ones also very just more most ' +
    'some any all each such not no nor only own same too s t up out off again further once both few other new get got make made use used ' +
    'tell say said please give show find list name know answer question page document text passage according ' +
    'much many long often far go goes going come comes put take takes thing things kind way need needs ' +
    'mean means meaning define definition word words called value values amount amounts number listed mr mrs ms dr prof').split(' '),
);
const NEGATIONS = new Set(['not', 'no', 'never', 'none', 'nor', 'cannot', "can't", "don't", "doesn't", "isn't", "aren't", "wasn't", "weren't", "won't", 'without']);

const WORD = /[\p{L}\p{N}]+(?:['’.][\p{L}\p{N}]+)*/gu;

/** Lower-cased words, numbers without their thousands separators. */
export function wordsOf(text: string): string[] {
  return (text.toLowerCase().replace(/(\d),(?=\d{3}\b)/g, '$1').match(WORD) ?? []).map((w) => w.replace(/’/g, "'"));
}

/** Irregular past forms, so "paid" finds "pay" and "kept" finds "keep". */
const IRREGULAR = new Map<string, string>(
  ('paid pay bought buy sold sell built build made make kept keep left leave went go took take gave give found find told tell said say ' +
    'began begin ran run wrote write written write author write authors write authored write held hold fed feed lent lend sent send spent spend won win lost lose met meet led lead grew grow ' +
    'knew know drew draw flew fly chose choose thought think brought bring caught catch taught teach fought fight sought seek ' +
    'stood stand understood understand fell fall felt feel heard hear meant mean slept sleep sat sit rose rise shown show seen see')
    .split(' ')
    .reduce<[string, string][]>((pairs, w, i, all) => (i % 2 ? pairs : [...pairs, [w, all[i + 1]]]), []),
);

/**
 * British spellings as American ones, so that "harbour" finds WordNet's "harbor" (the rules in
 * `stem` do "-our", "-ise" and "-tre"; these are the words they cannot).
 */
const SPELLING = new Map<string, string>(
  ('grey gray greys grays tyre tire tyres tires programme program programmes programs aluminium aluminum cheque check cheques checks ' +
    'catalogue catalog catalogues catalogs dialogue dialog analogue analog travelled traveled travelling traveling cancelled canceled ' +
    'modelling modeling labelled labeled jewellery jewelry plough plow mould mold defence defense licence license offence offense ' +
    'practise practice sceptical skeptical manoeuvre maneuver kerb curb pyjamas pajamas')
    .split(' ')
    .reduce<[string, string][]>((pairs, w, i, all) => (i % 2 ? pairs : [...pairs, [w, all[i + 1]]]), []),
);

/** A British word's American spellings ("harbour" → "harbor", "organise" → "organize"), for looking it up in an American text. */
export function americanSpellings(w: string): string[] {
  const out = new Set<string>();
  const lower = w.toLowerCase();
  if (SPELLING.has(lower)) out.add(SPELLING.get(lower)!);
  if (lower.length >= 6 && /[^aeiou]ours?$/.test(lower)) out.add(lower.replace(/our(s?)$/, 'or$1'));
  if (lower.length >= 6 && /[iy]s(?:e|es|ed|ing|ation|ations)$/.test(lower)) out.add(lower.replace(/([iy])s(e|es|ed|ing|ation|ations)$/, '$1z$2'));
  if (lower.length >= 5 && /tres?$/.test(lower)) out.add(lower.replace(/tre(s?)$/, 'ter$1'));
  out.delete(lower);
  return [...out];
}

/** A crude stem, so "bees" finds "bee", "lived" finds "live" and "cutting" finds "cut". */
export function stem(w: string): string {
  if (/^\d/.test(w)) return w;
  // (A Map: a page's "constructor" or "toString" is a word, not an object's property.)
  w = IRREGULAR.get(w) ?? SPELLING.get(w) ?? w;
  if (w.length <= 3) return w;
  let s = w.replace(/'s$/, '');
  if (s.length > 4 && s.endsWith('ies')) s = `${s.slice(0, -3)}y`;
  else if (/(?:s|x|z|ch|sh)es$/.test(s)) s = s.slice(0, -2);
  else if (s.endsWith('s') && !s.endsWith('ss')) s = s.slice(0, -1);
  s = s.replace(/(?:ed|ing|ly|ment)$/, (m) => (s.length - m.length >= 3 ? '' : m));
  // A doubled final consonant left by a suffix: "cutt" → "cut", "stopp" → "stop".
  if (s !== w && /([b-df-hj-np-rtv-z])\1$/.test(s) && !/(?:ll|ss|zz|ff)$/.test(s)) s = s.slice(0, -1);
  s = s.length > 3 ? s.replace(/e$/, '') : s;
  // British and American spellings stem alike: "harbour" and "harbor", "organised" and
  // "organized", "centre" and "center" (both sides of a comparison go through here).
  if (s.length >= 6) s = s.replace(/([^aeiou])our$/, '$1or');
  if (s.length >= 5) s = s.replace(/([iy])s$/, '$1z');
  if (s.length >= 4) s = s.replace(/tr$/, 'ter');
  return s;
}

/** A command-line flag as a word of its own ("-k", "--keep"), not the "k" of "100 k": the pattern, for building tokenizers. */
export const FLAG = String.raw`(?<![\p{L}\p{N}])--?[A-Za-z][\w-]*`;

/** A command-line flag's letter ("-k" → "k"): one letter that is a word of its own there. */
const flagsOf = (text: string): Set<string> => new Set([...text.matchAll(/(?:^|[\s(["'“])-([A-Za-z])(?![\p{L}\p{N}-])/gu)].map((m) => m[1].toLowerCase()));

export const contentWords = (text: string): string[] => {
  const flags = flagsOf(text);
  return wordsOf(text).filter((w) => !STOP.has(w) && !NEGATIONS.has(w) && (w.length > 1 || /\d/.test(w) || flags.has(w)));
};

/** A text's terms for matching a question: content words stemmed, a flag as "-k" (so "100 k" is not the -k flag). */
export const termsOf = (text: string): string[] => {
  const flags = flagsOf(text);
  return contentWords(text).map((w) => (flags.has(w) ? `-${w}` : stem(w)));
};

/** Numbers (as written, separators dropped) and names (capitalised words not opening the sentence). */
function facts(text: string): { numbers: string[]; names: string[] } {
  const clean = text.replace(/(\d),(?=\d{3}\b)/g, '$1');
  const numbers = clean.match(/\d+(?:\.\d+)?/g) ?? [];
  // Tokens as `wordsOf` makes them ("JOLLYSEO.CO", "PRIME-2" as two), so a name is looked up as the source's words have it.
  const tokens = clean.match(WORD) ?? [];
  const names = tokens.slice(1).filter((w) => /^\p{Lu}/u.test(w) && !STOP.has(w.toLowerCase())).map((w) => w.toLowerCase().replace(/’/g, "'"));
  // A flag ("-k") names one option as a name names one thing.
  return { numbers, names: [...names, ...[...flagsOf(text)].filter((f) => !names.includes(f))] };
}

/**
 * Words a question's word is said with in sources: "paid" is asked, "charged", "preauthorized",
 * "sent" or "received" is what a receipt or a bank's e-mail says (stems, see `stem`).
 */
const SAID_AS = new Map<string, string[]>([
  ['pay', ['pay', 'charg', 'preauthoriz', 'preauthoris', 'send', 'receiv', 'credit', 'transfer', 'wire', 'debit', 'bill', 'invoic', 'refund', 'purchas', 'buy']],
]);

// Who paid whom. A name as a sentence writes it: capitalised words (with "&", "-", "." inside).
const NAME = String.raw`((?:\p{Lu}|\p{N}+\p{Lu})[\p{L}\p{N}.&'’-]*(?:\s+(?:&\s+)?\p{Lu}[\p{L}\p{N}.&'’-]*)*)`;
const GAP = String.raw`(?:[^.!?]|\.(?=\d))*?`; // within the sentence (an amount's decimal point is in it)
const PAID_TO = [
  // "… was charged / preauthorized for $10 by ACME", "… billed $10 by ACME"
  new RegExp(String.raw`\b(?:charged|preauthori[sz]ed|billed|debited)\b${GAP}\bby\s+${NAME}`, 'gu'),
  // "ACME has charged your account $10"
  new RegExp(String.raw`${NAME}\s+(?:has\s+|have\s+)?(?:charged|billed|debited)\b`, 'gu'),
  // "You sent a payment of $10 to ACME", "paid $10 to ACME"
  new RegExp(String.raw`\b(?:[Ss]ent|[Pp]aid|[Tt]ransferred|[Ww]ired|[Pp]ayment)\b${GAP}\bto\s+${NAME}`, 'gu'),
  // "Thank you for using ACME", "your purchase from ACME"
  new RegExp(String.raw`\b(?:[Tt]hank you for (?:using|choosing|shopping (?:at|with))|(?:[Pp]urchase|[Oo]rder) (?:from|at))\s+${NAME}`, 'gu'),
  // "ACME received $10", "ACME's card has received a credit"
  new RegExp(String.raw`${NAME}\s+(?:has\s+|have\s+)?received\b`, 'gu'),
  new RegExp(String.raw`${NAME}['’]s${GAP}\b(?:has\s+|have\s+)?received\b`, 'gu'),
];
const PAID_BY = [
  // "received $10 from ACME", "a $10 credit from ACME", "received $10 by ACME", "Payment from ACME"
  new RegExp(String.raw`\b(?:received|credit|credited|refund|refunded|deposit|[Pp]ayment)\b${GAP}\b(?:from|by)\s+${NAME}`, 'gu'),
  // "ACME sent / paid / transferred $10"
  new RegExp(String.raw`${NAME}\s+(?:has\s+|have\s+)?(?:sent|paid|transferred|wired)\b`, 'gu'),
  // "ACME's card was charged $10", "ACME's account has been charged"
  new RegExp(String.raw`${NAME}['’]s${GAP}\b(?:was|were|has been|have been)\s+(?:charged|preauthori[sz]ed|billed|debited)\b`, 'gu'),
];
// The reader ("you", "your card"): an e-mail's greeting names them ("Hi David, your card …").
const READER = '(you)';
const READER_PAID = [
  new RegExp(String.raw`\b[Yy]ou(?:['’]ve|\s+have)?\s+received\b`, 'gu'),
  new RegExp(String.raw`\b[Yy]our\b${GAP}\b(?:has\s+|have\s+)?received\b`, 'gu'),
];
const READER_PAID_BY = [
  new RegExp(String.raw`\b[Yy]ou(?:['’]ve|\s+have)?\s+(?:sent|paid|transferred|wired)\b`, 'gu'),
  new RegExp(String.raw`\b[Yy]our\b${GAP}\b(?:was|were|has been|have been)\s+(?:charged|preauthori[sz]ed|billed|debited)\b`, 'gu'),
];
const GREETING = new RegExp(String.raw`\b(?:Hi|Hello|Hey|Dear)(?:\s+there)?[\s,]+${NAME}`, 'gu');
const nameWords = (name: string) => wordsOf(name).filter((w) => !STOP.has(w));

/** The names a sentence says money was paid to, and by (`READER` for "you"). */
export function paymentRoles(sentence: string): { to: string[][]; by: string[][] } {
  // "applied to David's account" does not say David was paid: a possessive is not the payee.
  const found = (patterns: RegExp[]) =>
    patterns.flatMap((re) => [...sentence.matchAll(re)].filter((m) => !/['’]s$/.test(m[1])).map((m) => nameWords(m[1]))).filter((w) => w.length);
  const reader = (patterns: RegExp[]) => (patterns.some((re) => [...sentence.matchAll(re)].length) ? [[READER]] : []);
  return { to: [...found(PAID_TO), ...reader(READER_PAID)], by: [...found(PAID_BY), ...reader(READER_PAID_BY)] };
}

/** The names a text greets: its reader ("Hi David,"). */
export const greeted = (text: string): string[][] => [...text.matchAll(GREETING)].map((m) => nameWords(m[1].split(/\s+/)[0])).filter((w) => w.length);

/**
 * Whether the question's name (its words) is among `names` ("WA Dept" in "WA DEPT REVENUE",
 * "JOLLYSEO" in "JOLLYSEO.CO"); "you" where the text greets that name.
 */
const among = (who: string[], names: string[][], readers: string[][] = []) =>
  names.some((n) => who.every((w) => n.some((x) => x === w || x.startsWith(`${w}.`) || stem(x) === stem(w)))) ||
  (names.some((n) => n[0] === READER) && readers.some((r) => who.every((w) => r.includes(w))));

/** The direction a question asks money was paid in, and to or by whom: "paid to ACME?", "How much did ACME pay?". */
export function askedPayment(question: string): { dir: 'to' | 'by'; who: string[] } | null {
  const m =
    question.match(new RegExp(String.raw`\b(?:paid|sent|transferred|owed|charged)\s+(to|by|from)\s+(?:the\s+)?([^?,;]+)`, 'iu')) ??
    question.match(new RegExp(String.raw`\b(?:did|does|do|will|has|have)\s+()([^?,;]+?)\s+(?:pay|send|spend|transfer)\b`, 'iu'));
  if (!m) return null;
  const who = nameWords(m[2]).slice(0, 4);
  if (!who.length) return null;
  return { dir: m[1].toLowerCase() === 'to' ? 'to' : 'by', who };
}

/** Whether `stems` have question term `t`: itself, a longer word it begins ("sourdough" for "sour…"), or a word it is said with. */
function holds(stems: Set<string>, t: string): boolean {
  return stems.has(t) || (t.length > 4 && [...stems].some((w) => w.startsWith(t))) || !!SAID_AS.get(t)?.some((a) => stems.has(a));
}

/** The names of a question as terms (see `termsOf`). */
function nameTerms(text: string): string[] {
  const flags = flagsOf(text);
  return facts(text).names.map((n) => (flags.has(n) ? `-${n}` : stem(n)));
}

const CLAUSE_WORDS = new Set(['and', 'or', 'but', 'which', 'who', 'when', 'where', 'while', 'because', 'so', 'although', 'though', 'unless', 'until', 'then', 'if']);
const escape = (w: string) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether a sentence that stops before its source sentence does stops where a clause of it ends
 * (punctuation or a conjunction next): "The most important settings are the data." cut from
 * "… are the data directory, the listen address …" says something the source does not.
 */
function endsWhereAClauseEnds(words: string[], source: string): boolean {
  const tail = words.slice(-3);
  if (!tail.length) return true;
  const text = source.replace(/(\d),(?=\d{3}\b)/g, '$1').replace(/’/g, "'");
  const ends = [...text.matchAll(new RegExp(`${tail.map(escape).join('[^\\p{L}\\p{N}]+')}(?![\\p{L}\\p{N}])`, 'giu'))];
  if (!ends.length) return false; // it ends in words the source does not have there (cut off mid-word, or spliced)
  return ends.some((m) => {
    const after = text.slice(m.index + m[0].length);
    return /^\s*(?:[,;:.!?)\]–—]|-\s|$)/.test(after) || CLAUSE_WORDS.has(after.trim().split(/\s+/)[0]?.toLowerCase() ?? '');
  });
}

const JOINERS = new Set(['and', 'or', 'but', 'nor', 'so', 'then', 'yet', 'also']);

/**
 * Whether a sentence that starts inside its source sentence starts where a clause of it starts
 * (after punctuation or a conjunction), and not on a joining word: "A topic, and each partition
 * is read …" cut from "… the partitions of a topic, and each partition …", or "and the rest of
 * the water …" put after a list item, reads as a statement the source does not make.
 */
function startsWhereAClauseStarts(words: string[], source: string): boolean {
  const head = words.slice(0, 3);
  if (!head.length) return true;
  const text = source.replace(/(\d),(?=\d{3}\b)/g, '$1').replace(/’/g, "'");
  const starts = [...text.matchAll(headPattern(head))];
  if (!starts.length) return false;
  return starts.some((m) => {
    const before = text.slice(0, m.index).trimEnd();
    if (!before || /[,;:.!?([–—•"“]$|(?:^|\s)-{1,2}$/.test(before)) return m.index === 0 || !JOINERS.has(head[0]);
    return CLAUSE_WORDS.has(before.split(/\s+/).at(-1)!.toLowerCase()) && !JOINERS.has(head[0]);
  });
}

const headPatterns = new Map<string, RegExp>();
/**
 * Where a sentence's first words stand in a source: built once per sentence head, not for every
 * source sentence it is measured against (the support check's inner loop).
 */
function headPattern(head: string[]): RegExp {
  const key = head.join(' ');
  let re = headPatterns.get(key);
  if (!re) {
    if (headPatterns.size >= 512) headPatterns.clear();
    re = new RegExp(`(?<![\\p{L}\\p{N}])${head.map(escape).join('[^\\p{L}\\p{N}]+')}`, 'giu');
    headPatterns.set(key, re);
  }
  return re;
}

/** The longest run of consecutive words `a` and `b` share. */
function longestRun(a: string[], b: string[]): number {
  let best = 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) {
      if (a[i - 1] !== b[j - 1]) continue;
      row[j] = prev[j - 1] + 1;
      if (row[j] > best) best = row[j];
    }
    prev = row;
  }
  return best;
}

/**
 * A table row as the page reader writes it ("Year: 1987; Title: Bury Me Deep in Love; Peak
 * AUS: 48"): its cells by column name (lower case), or null for any other sentence.
 */
export function rowCells(sentence: string): Map<string, string> | null {
  const parts = sentence.trim().split(/;\s+/);
  if (parts.length < 2) return null;
  const cells = new Map<string, string>();
  for (const part of parts) {
    const at = part.indexOf(': ');
    if (at <= 0) return null;
    cells.set(part.slice(0, at).toLowerCase(), part.slice(at + 2));
  }
  return cells;
}

const MOST = /\b(?:most|highest|largest|greatest|biggest|longest|maximum|latest|newest|more|higher|larger|greater|longer)\b/i;
const LEAST = /\b(?:least|lowest|fewest|smallest|shortest|minimum|earliest|oldest|fewer|less|lower|smaller|shorter)\b/i;
const ORDINAL = /\b(first|last|final)\b/i;
/** A count or a sum is not read off one row. */
const COUNT = /\bhow many\b|\bnumber of\b|\btotal\b|\bcombined\b|\baverage\b/i;
/** A row of totals ("Total", "Totaal") is not a row of the table. */
const TOTALS = /^(?:totals?|totaal|sum|all)$/i;
/** A number a cell starts with ("85,153", "4.2 (4.9 c)", "−1.1"), or null. */
export const cellNumber = (cell: string): number | null => {
  const m = /^[^\p{L}\p{N}−-]*([−-]?\d[\d,]*(?:\.\d+)?)/u.exec(cell);
  return m ? Number(m[1].replace(/,/g, '').replace('−', '-')) : null;
};

/**
 * The row a question about a table picks by reading the table, not by its words. The rows it
 * chooses among: those that hold most of the question's words that are not a column's name
 * ("Who finished with more points, Legge or Junqueira?": the two drivers' rows), all rows when
 * none does. "The most" / "the least" (or "more", "fewer"): the row with the largest or
 * smallest number in the column named by the words after it ("the most area" → "Area (km²)");
 * "the first" / "the last": the first or last of them in the page. Null when the question asks
 * neither, asks a count or a sum, or names no column of numbers.
 */
function tablePick(question: string, sentences: Prepared[]): Prepared | null {
  if (COUNT.test(question)) return null;
  const rows = sentences
    .map((s) => ({ s, cells: s.cells }))
    .filter((r): r is { s: Prepared; cells: Map<string, string> } => !!r.cells && ![...r.cells.values()].some((v) => TOTALS.test(v)))
    .sort((a, b) => a.s.passage - b.s.passage || a.s.position - b.s.position);
  if (rows.length < 2) return null;
  const columns = [...new Set(rows.flatMap((r) => [...r.cells.keys()]))];
  const columnTerms = new Set(columns.flatMap((k) => termsOf(k)));
  const superlative = MOST.exec(question) ?? LEAST.exec(question);
  const skip = new Set(superlative ? termsOf(superlative[0]) : []);
  const want = [...new Set(termsOf(question))].filter((t) => !columnTerms.has(t) && !skip.has(t));
  const score = (r: { s: Prepared }) => want.filter((t) => holds(r.s.stems, t)).length;
  const best = Math.max(...rows.map(score));
  const among = rows.filter((r) => score(r) === best);
  if (superlative) {
    const asked = new Set(termsOf(question.slice(superlative.index + superlative[0].length).split(/\s+/).slice(0, 5).join(' ')));
    const column = columns
      .map((name) => ({ name, hits: termsOf(name).filter((t) => asked.has(t)).length }))
      .filter((c) => c.hits > 0 && among.filter((r) => cellNumber(r.cells.get(c.name) ?? '') !== null).length >= among.length * 0.6)
      .sort((a, b) => b.hits - a.hits)[0];
    if (!column) return null;
    const numbered = among.map((r) => ({ s: r.s, n: cellNumber(r.cells.get(column.name) ?? '') })).filter((r): r is { s: Prepared; n: number } => r.n !== null);
    if (!numbered.length) return null;
    const most = MOST.test(superlative[0]);
    return numbered.reduce((pick, r) => ((most ? r.n > pick.n : r.n < pick.n) ? r : pick)).s;
  }
  const ordinal = ORDINAL.exec(question)?.[1].toLowerCase();
  // The question must be about the table: its rows hold some of its words, it names a column
  // ("the first episode"), or the sources are mostly the table's rows ("the last driver listed"
  // on a page of results); "When was the lighthouse first lit?" is not about a table beside the text.
  const aboutTable = best > 0 || [...new Set(termsOf(question))].some((t) => columnTerms.has(t)) || rows.length >= sentences.length / 2;
  if (!ordinal || !aboutTable) return null;
  return (ordinal === 'first' ? among[0] : among[among.length - 1]).s;
}

const hasNegation = (words: string[]) => words.some((w) => NEGATIONS.has(w) || w.endsWith("n't"));

/** Citation markers a model writes itself ("[2]"): not part of what a sentence says. */
export const stripMarkers = (text: string): string => text.replace(/\s*\[\d{1,3}\]/g, '');

/** The sentences of a text, trimmed, in order. */
export function sentencesOf(text: string): string[] {
  return splitSentences(text).map((s) => s.trim()).filter(Boolean);
}

/**
 * A source's sentences: `sentencesOf`, except that a table row (a line of "Column: value; …",
 * see `rowCells`) is one sentence whole, though a cell has a stop in it ("Goodbye City...Hello
 * Country", "Dr. Kim").
 */
export function sourceSentencesOf(text: string): string[] {
  const out: string[] = [];
  let prose: string[] = [];
  const flush = () => {
    if (prose.length) out.push(...sentencesOf(prose.join('\n')));
    prose = [];
  };
  for (const line of text.split('\n')) {
    if (rowCells(line.trim())) {
      flush();
      out.push(line.trim());
    } else prose.push(line);
  }
  flush();
  return out;
}

interface Prepared extends SourceSentence {
  /** Its cells when it is a table row (`rowCells`), read once. */
  cells: Map<string, string> | null;
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
      let from = 0;
      sourceSentencesOf(p.text).forEach((text, position) => {
        const at = p.text.indexOf(text, from);
        const opensBlock = position > 0 && at > 0 && p.text.slice(from, at).includes('\n');
        if (at >= 0) from = at + text.length;
        const words = wordsOf(text);
        this.sentences.push({
          index: this.sentences.length,
          passage: p.id,
          position,
          opensBlock,
          text,
          cells: rowCells(text),
          words,
          wordSet: new Set(words),
          stems: new Set([...words.map(stem), ...[...flagsOf(text)].map((f) => `-${f}`)]),
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

  /** Whether source sentence `index` has question term `t` (its stem, a longer word it begins, or a word it is said with). */
  holds(index: number, t: string): boolean {
    return holds(this.sentences[index].stems, t);
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
    // A number keeps its neighbours: "needs at least 20" is not "at least 2 gigabytes … 20 gigabytes free".
    words.forEach((w, i) => {
      if (!/^\d/.test(w) || missing.includes(w)) return;
      if ((i > 0 && !source.pairs.has(`${words[i - 1]} ${w}`)) || (i + 1 < words.length && !source.pairs.has(`${w} ${words[i + 1]}`))) missing.push(`${w} where the source has it`);
    });
    if (hasNegation(words) !== source.negated) missing.push(source.negated ? 'its negation' : 'a negation');
    if (!endsWhereAClauseEnds(words, source.text)) missing.push('the rest of its clause');
    if (!startsWhereAClauseStarts(words, source.text)) missing.push('the start of its clause');
    // One unbroken run of the source's words: "The deposit is two months of | the end of the
    // lease." has every word pair of its source and says something the source does not.
    if (words.length >= 4 && longestRun(words, source.words) < RUN * words.length) missing.push('one unbroken run of its words');
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
   * The question's content words with their weights: inverse sentence frequency, so a word every
   * sentence has counts little; names (capitalised past the first word) weigh NAME_WEIGHT times.
   */
  termWeights(question: string): Map<string, number> {
    const asked = focusOf(question);
    const n = this.sentences.length;
    const names = new Set(nameTerms(asked));
    return new Map([...new Set(termsOf(asked))].map((t) => [t, (names.has(t) ? NAME_WEIGHT : 1) * Math.log(1 + n / (1 + this.sentences.filter((s) => s.stems.has(t)).length))]));
  }

  /**
   * What an answer that starts from source sentence `index` is about: the heaviest of the
   * question's words that sentence holds ("postfix" to "Which user does the postfix mail server
   * use?", not "user"), or null when it holds none.
   */
  topicOf(question: string, index: number): string | null {
    const held = [...this.termWeights(question)].filter(([t]) => this.holds(index, t));
    return held.sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  }

  /**
   * The source sentences that may bear on `question` (their passage holds one of its content
   * words), best first (BM25 over the sentences), each with the share of the question's word weight it holds and its passage
   * holds (weights: inverse sentence frequency, so a word every sentence has counts little), and
   * whether it has the kind of answer asked for (a number, an amount of money).
   */
  rank(question: string): Ranked[] {
    const asked = focusOf(question);
    const kind = answerKind(asked);
    const weight = this.termWeights(question);
    const terms = [...weight.keys()];
    if (!terms.length) return [];
    const total = [...weight.values()].reduce((a, b) => a + b, 0);
    const has = holds;
    const share = (stems: Set<string>) => terms.filter((t) => has(stems, t)).reduce((a, t) => a + weight.get(t)!, 0) / total;
    const passageStems = new Map<number, Set<string>>();
    for (const s of this.sentences) {
      const all = passageStems.get(s.passage) ?? passageStems.set(s.passage, new Set()).get(s.passage)!;
      s.stems.forEach((w) => all.add(w));
    }
    const scores = new Map(this.search.search(terms.join(' '), { combineWith: 'OR', prefix: (t) => t.length > 4 }).map((h) => [h.id as number, h.score]));
    // Money paid the other way: to "paid by ACME?", a sentence where ACME was paid does not
    // answer, nor does a passage that names ACME only that way.
    const payment = askedPayment(asked);
    const way = new Map<number, 'asked' | 'other' | null>();
    const wrongPassages = new Set<number>();
    if (payment) {
      const rightPassages = new Set<number>();
      const readers = new Map(this.passages.map((p) => [p.id, greeted(p.text)]));
      for (const s of this.sentences) {
        const roles = paymentRoles(s.text);
        const r = readers.get(s.passage) ?? [];
        const asked = among(payment.who, payment.dir === 'to' ? roles.to : roles.by, r);
        // ACME paid the other way; or the sentence names ACME and says who paid whom, and ACME
        // is not among them ("Your ACME debit card was charged $10 by Upwork" to "paid to ACME?").
        const other = !asked && (among(payment.who, payment.dir === 'to' ? roles.by : roles.to, r) ||
          ((roles.to.length > 0 || roles.by.length > 0) && payment.who.every((w) => s.wordSet.has(w))));
        way.set(s.index, asked ? 'asked' : other ? 'other' : null);
        if (asked) rightPassages.add(s.passage);
        else if (other) wrongPassages.add(s.passage);
      }
      rightPassages.forEach((p) => wrongPassages.delete(p));
    }
    const passageHeld = new Map([...passageStems].map(([id, stems]) => [id, share(stems)]));
    const passageMissing = new Map([...passageStems].map(([id, stems]) => [id, terms.filter((t) => !has(stems, t)).length]));
    // Sentences with a question word, and the rest of their passages (an answer may sit beside
    // the sentence that names what it is about: "Payment from Sara." … "$2,500 was sent.").
    // A table row picked by reading the table ("the most …") ranks first and answers.
    const pick = payment ? null : tablePick(asked, this.sentences);
    const defined = definedWord(asked);
    return this.sentences
      .filter((s) => s === pick || (passageHeld.get(s.passage)! > 0 && !wrongPassages.has(s.passage) && way.get(s.index) !== 'other'))
      .map((s): Ranked => {
        if (s === pick) return { sentence: publicOf(s), score: Infinity, held: Math.max(share(s.stems), ANSWERABLE), passageHeld: 1, passageMissing: 0, fits: true, picked: true };
        const fits = !kind || KIND[kind].test(s.text);
        // A sentence without the kind of answer asked for ranks lower. To "What does colour
        // mean?", the sentences that define the word rank alike, so the sources' order decides
        // (the library gives a word's first sense first): a short one with the word twice ("To
        // color is to add color to.") does not outrank the first sense.
        const score = defined && defines(s.text, defined) ? DEFINES : (scores.get(s.index) ?? 0) * (fits ? 1 : 0.5);
        return { sentence: publicOf(s), score, held: share(s.stems), passageHeld: passageHeld.get(s.passage)!, passageMissing: passageMissing.get(s.passage)!, fits };
      })
      .sort((a, b) => b.score - a.score || b.passageHeld - a.passageHeld || a.sentence.index - b.sentence.index);
  }

  /** The sentences that are table rows, with their cells, in source order. */
  tableRows(): TableRow[] {
    return this.sentences
      .filter((s): s is Prepared & { cells: Map<string, string> } => !!s.cells)
      .sort((a, b) => a.passage - b.passage || a.position - b.position)
      .map((s) => ({ index: s.index, passage: s.passage, text: s.text, cells: s.cells }));
  }

  /** Whether `sentence` itself holds one of the question's words, or the kind of answer it asks for. */
  speaksTo(sentence: string, question: string): boolean {
    const asked = focusOf(question);
    const terms = new Set(termsOf(asked));
    const kind = answerKind(asked);
    return termsOf(stripMarkers(sentence)).some((t) => terms.has(t)) || (!!kind && KIND[kind].test(sentence));
  }

  /**
   * The sentences that answer the question: in a passage that holds enough of what it asks
   * (ANSWERABLE of its word weight), and of the kind of answer it asks for; best first.
   */
  answering(question: string): Ranked[] {
    const asked = focusOf(question);
    const kind = answerKind(asked);
    // A yes/no question ("Does it run on Windows?") asks whether something holds: a passage that
    // never names one of its words (two of four or more) does not say.
    // ("Did she win on clay or hard?" asks which, not whether.)
    const yesNo = YES_NO.test(asked) && !/\bor\b/i.test(asked);
    const terms = new Set(termsOf(asked)).size;
    const ranked = this.rank(question).filter((r) => r.passageHeld >= ANSWERABLE && r.fits && (!yesNo || r.passageMissing <= (terms >= 4 ? 1 : 0)));
    // A sentence without the question's words answers only with an amount of money asked for,
    // and only in a passage where no sentence has both ("Payment from Sara." … "$2,500 was
    // sent."); a bare number is too common to stand for an answer.
    const both = new Set(ranked.filter((r) => r.held > 0).map((r) => r.sentence.passage));
    // A question about a name asks something of it ("Who founded the company that makes
    // Tidewater?"): a sentence that has the name and none of what is asked of it does not answer.
    const named = new Set(nameTerms(asked));
    // The word right beside a name says what kind of thing it is ("the -k flag", "the Tidewater
    // broker"), not what is asked of it.
    const flags = flagsOf(asked);
    const words = wordsOf(asked).map((w) => (flags.has(w) ? `-${w}` : stem(w)));
    const beside = new Set(words.filter((_, i) => named.has(words[i - 1]) || named.has(words[i + 1])));
    const rest = [...new Set(termsOf(asked))].filter((t) => !named.has(t) && !beside.has(t));
    const asksOf = (r: Ranked) => !named.size || !rest.length || rest.some((t) => this.holds(r.sentence.index, t));
    return ranked.filter((r) => r.picked || (r.held > 0 && asksOf(r)) || (kind === 'money' && !both.has(r.sentence.passage)));
  }

  private readonly standsOn = new Map<string, SourceSentence | null>();

  /**
   * The source sentences the committed answer stands on, in order (unsupported sentences
   * skipped): its sentences as committed, or else `prefix` split again.
   */
  citedIn(prefix: string, committed?: string[]): SourceSentence[] {
    return (committed ?? sentencesOf(prefix))
      .map((s) => s.trim())
      .map((s) => {
        if (!this.standsOn.has(s)) {
          const sup = this.support(s);
          this.standsOn.set(s, sup.supported ? sup.source : null);
        }
        return this.standsOn.get(s)!;
      })
      .filter((s): s is SourceSentence => !!s);
  }

  /**
   * Whether any sentence answers the question (see `answering`). A request to compose something
   * (a poem, a story, an e-mail) is not a question sources answer, even when they hold its words.
   */
  answers(question: string): boolean {
    return !isComposition(focusOf(question)) && this.answering(question).length > 0;
  }
}

/** The score of a sentence that defines the word a question asks the meaning of: above any search score. */
const DEFINES = 1e6;

/** The word a question asks the meaning of ("What does colour mean?", "Define harbour."), stemmed; null for other questions. */
export function definedWord(question: string): string | null {
  const m = /\bwhat (?:does|do|did) (?:the word |the term )?["“']?([\p{L}-]+)["”']? mean\b|\b(?:define|definition of|meaning of)(?: the word| the term)? ["“']?([\p{L}-]+)/iu.exec(question);
  return m ? stem((m[1] ?? m[2]).toLowerCase()) : null;
}

/** Whether a sentence defines the (stemmed) word: "A color is …", "To color is …", "Colour means …". */
function defines(sentence: string, word: string): boolean {
  const m = /^\s*(?:(?:a|an|the|to)\s+)?([\p{L}-]+)\s+(?:is|are|means)\b/iu.exec(sentence);
  return !!m && stem(m[1].toLowerCase()) === word;
}

const YES_NO = /^\s*(?:is|are|was|were|can|could|does|do|did|will|would|should|may|might|must|has|have|had|isn't|aren't|doesn't|don't|can't)\b/i;

const COMPOSE = /\b(?:write|compose|create|make|draft|generate|invent|sing|tell)\b(?:\s+\w+){0,4}?\s+(?:poems?|story|stories|essays?|jokes?|songs?|lyrics|letters?|e-?mails?|haiku|limericks?|speech|code|programs?|scripts?|tweets?|slogans?)\b/i;

/** A request to compose something new (not a question about what sources say). */
export function isComposition(message: string): boolean {
  return COMPOSE.test(message);
}

/** The part of a message that asks: its sentences that end in a question mark, else all of it. */
export function focusOf(question: string): string {
  const asks = sentencesOf(question).filter((s) => /\?["')\]]*$/.test(s));
  return asks.length ? asks.join(' ') : question;
}

const KIND = {
  // Who wrote it: a sentence that says so ("Written by Colin Watson.", "Dickens wrote it"), not one
  // that only has the verb in another sense ("write to the Free Software Foundation").
  // ("Data written out by web servers" neither, nor "written for interpretation by Python must").
  author: /\b[Bb]y\s+[A-Z][\p{L}'’-]*(?:\s+[A-Z][\p{L}'’.-]*)*(?=\s*(?:[.,;:)<]|$|\s+(?:and|in|on|at|for|from|with)\b))|\b[A-Z][\p{L}'’-]+\s+wrote\b|\b[Aa]uthors?\b/u,
  money: /[$€£¥]\s?\d|\d\s?(?:usd|eur|gbp|euros?|dollars?|pounds|pence|cents?)\b/i,
  number: /\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|twenty|thirty|forty|fifty|sixty|hundred|thousand|million|billion|once|twice|dozen|half|daily|weekly|monthly|yearly|annually|hours?|days?|weeks?|months?|years?|minutes?|seconds?|nights?)\b/i,
};

/** Whether `sentence` has the kind of answer the question asks for (true when it asks for none). */
export function fitsKind(sentence: string, question: string): boolean {
  const kind = answerKind(focusOf(question));
  return !kind || KIND[kind].test(sentence);
}

/** The kind of answer a question asks for, when its words say: who wrote something, an amount of money, or a number (counts, sizes, times, dates). */
export function answerKind(question: string): keyof typeof KIND | null {
  if (/\bwho\b[^?]*\b(?:wrote|written|writes|authored)\b|\bwho (?:is|was|are|were) the authors?\b/i.test(question)) return 'author';
  // An amount of money: a currency sign, "how much" with paying, or a price ("Where are the
  // forklifts charged?" asks a place).
  if (/[$€£¥]|\bhow much\b.*\b(?:paid|pay|pays|charged?|charges|spend|spent|owe|owed|earn|earns|earned)\b|\b(?:price|prices|cost|costs|fee|fees|fare|fares)\b/i.test(question)) return 'money';
  if (/\bhow (?:many|much|long|far|tall|high|old|often|big|heavy|hot|cold|warm|wide|deep|fast|late|early|soon)\b|\bwhat (?:year|time|date|age|size|temperature)\b|\bwhen\b|\bnumber of\b/i.test(question)) return 'number';
  return null;
}

function publicOf(s: Prepared): SourceSentence {
  return { index: s.index, passage: s.passage, position: s.position, opensBlock: s.opensBlock, text: s.text };
}

const indexes = new WeakMap<GroundingSources, SourceIndex>();

/** One index per sources object: the check and the correction of one answer share it. */
export function sourceIndex(sources: GroundingSources): SourceIndex {
  let index = indexes.get(sources);
  if (!index) indexes.set(sources, (index = new SourceIndex(sources.passages)));
  return index;
}

/**
 * The passages' sentences, those that share most words with the question first, one per line:
 * the copy bias's text for an answer from them (workers/align/grounding.ts: its first sentences
 * are where the answer is most likely to start).
 */
export function groundingText(question: string, passages: { text: string }[]): string {
  const sentences = passages.flatMap((p) => sentencesOf(p.text));
  const index = new MiniSearch<{ id: number; text: string }>({ fields: ['text'], searchOptions: { prefix: true, fuzzy: 0.15 } });
  index.addAll(sentences.map((text, id) => ({ id, text })));
  const ranked = index.search(question, { combineWith: 'OR' }).map((h) => h.id as number);
  const rest = sentences.map((_, i) => i).filter((i) => !ranked.includes(i));
  return [...ranked, ...rest].map((i) => sentences[i]).join('\n');
}

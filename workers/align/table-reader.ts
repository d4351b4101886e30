// Answers that a table holds but no sentence of it says: how many rows match, their sum or
// average, the row before or after one. The page reader writes each row as one sentence
// ("Year: 1987; Title: Bury Me Deep in Love; Peak AUS: 48"), so the rows are already sources;
// this reads them as a table and computes. What it states names its rows, so a reader can check
// the arithmetic against them, and it is cited to their passage. A question it cannot read with
// confidence gets null, and the answer is left to the sentence loop (which only quotes).
import { cellNumber, rowCells, sentencesOf, stem, termsOf, wordsOf } from './support';

/** Words of tables read whole, at most: a count over part of a table would be wrong, so a larger one is not counted. */
export const TABLE_WORDS_MAX = 8000;

/**
 * Of some passages (a page's, a file's), those that hold rows of a table with named columns, in
 * their order, for `readTable`; none when they are more than TABLE_WORDS_MAX words.
 */
export function tablePassagesOf<P extends { text: string }>(passages: P[]): P[] {
  const tables = passages.filter((p) => sentencesOf(p.text).some((s) => rowCells(s)));
  const words = tables.reduce((n, p) => n + p.text.split(/\s+/).length, 0);
  return words <= TABLE_WORDS_MAX ? tables : [];
}

export interface TableRow {
  /** Index of the row's sentence in the source index. */
  index: number;
  passage: number;
  text: string;
  /** Cells by column name (lower case). */
  cells: Map<string, string>;
}

export interface TableAnswer {
  /** The sentence the answer says. */
  text: string;
  /** `row`: one row, word for word (its own sentence); `computed`: a statement computed from `rows`. */
  kind: 'row' | 'computed';
  rows: TableRow[];
  /** What was read, for the trail. */
  evidence: string;
}

const COUNT = /\b(?:how many|number of|count of)\b/i;
/** "The most", "the least": a row picked by its number, which the sentence loop's ranking does (support.ts). */
const SUPERLATIVE = /\b(?:most|least|highest|lowest|largest|smallest|fewest|longest|shortest|greatest|biggest|maximum|minimum)\b/i;
const SUM = /\b(?:total|combined|in all|altogether|sum)\b/i;
const AVERAGE = /\b(?:average|mean)\b/i;
const AFTER = /\b(?:after|next|following|succeeded)\b/i;
const BEFORE = /\b(?:before|prior to|preceding|previous|preceded)\b/i;
/** Comparisons with a number: "more than 10 points", "after 2007", "between 2009 and 2013". */
const ABOVE = /\b(?:more than|over|above|greater than|higher than|larger than|after|at least)\s+(-?\d[\d,]*(?:\.\d+)?)|(-?\d[\d,]*(?:\.\d+)?)\s+(?:[a-z]+\s+){0,2}?or (?:more|above|over|higher|greater)\b/i;
const BELOW = /\b(?:less than|fewer than|under|below|lower than|smaller than|before|at most)\s+(-?\d[\d,]*(?:\.\d+)?)|(-?\d[\d,]*(?:\.\d+)?)\s+(?:[a-z]+\s+){0,2}?or (?:less|fewer|below|under|lower)\b/i;
const BETWEEN = /\bbetween\s+(-?\d[\d,]*(?:\.\d+)?)\s+and\s+(-?\d[\d,]*(?:\.\d+)?)/i;
/** Words that ask and do not say what is counted ("how many … are listed in the table?"). */
const ASKING = new Set(['many', 'number', 'total', 'count', 'amount', 'list', 'listed', 'table', 'chart', 'record', 'there', 'show', 'shown', 'appear', 'name', 'entry', 'entries', 'row', 'rows', 'time', 'times', 'different', 'overall', 'all', 'altogether', 'combined', 'sum', 'average', 'mean']);
/** A row of totals is not a row of the table. */
const TOTALS = /^(?:totals?|totaal|sum|all|overall)$/i;

const quote = (t: string) => `“${t}”`;
const stems = (text: string) => new Set(termsOf(text));
const words = (text: string) => wordsOf(text);
const round = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number) => String(round(n));
const listed = (names: string[]) => (names.length > 8 ? `${names.slice(0, 6).join(', ')} and ${names.length - 6} more` : names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : names[0] ?? '');
const isYear = (n: number) => Number.isInteger(n) && n >= 1000 && n <= 2100;

/** Where the phrase's words occur in `said` one after another (word positions), or -1. */
function phraseAt(said: string[], phrase: string[]): number {
  if (!phrase.length) return -1;
  outer: for (let i = 0; i + phrase.length <= said.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (said[i + j] !== phrase[j]) continue outer;
    return i;
  }
  return -1;
}

interface Table {
  rows: TableRow[];
  columns: string[];
  /** Columns most of whose cells are numbers. */
  numeric: Set<string>;
  /** The column that names a row (its first one mostly not numbers). */
  label: string;
}

/** The rows of the table the question is about: the largest group of rows with the same columns. */
function tableOf(rows: TableRow[]): Table | null {
  const groups = new Map<string, TableRow[]>();
  for (const r of rows) {
    if ([...r.cells.values()].some((v) => TOTALS.test(v.trim()))) continue;
    const key = [...r.cells.keys()].join('\u0000');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const most = [...groups.values()].sort((a, b) => b.length - a.length)[0];
  if (!most || most.length < 2) return null;
  const columns = [...most[0].cells.keys()];
  // Rows with empty cells leave those columns out: they are rows of the same table.
  const best = rows.filter((r) => [...r.cells.keys()].every((k) => columns.includes(k)) && ![...r.cells.values()].some((v) => TOTALS.test(v.trim())));
  const numeric = new Set(columns.filter((c) => {
    const filled = best.map((r) => r.cells.get(c) ?? '').filter((v) => v.trim() && !/^[-–—]$/.test(v.trim()));
    return filled.length > 0 && filled.filter((v) => cellNumber(v) !== null).length >= filled.length * 0.8;
  }));
  // The column that names a row: the first whose cells are mostly words ("Earnie Stewart", not "T4").
  const wordy = (c: string) => best.filter((r) => /\p{L}{3,}/u.test(r.cells.get(c) ?? '')).length >= best.length * 0.8;
  const label = columns.find((c) => !numeric.has(c) && wordy(c)) ?? columns.find((c) => !numeric.has(c)) ?? columns[0];
  return { rows: best, columns, numeric, label };
}

/** Columns the question names ("silver medals" → "silver"), best first. */
function namedColumns(question: string, table: Table): string[] {
  const asked = stems(question);
  return table.columns
    .map((c) => ({ c, terms: [...stems(c)] }))
    .map(({ c, terms }) => ({ c, hits: terms.filter((t) => asked.has(t)).length, of: terms.length }))
    .filter((x) => x.hits > 0)
    .sort((a, b) => b.hits / b.of - a.hits / a.of || b.hits - a.hits)
    .map((x) => x.c);
}

interface Match { column: string; value: string; at: number; length: number }

/**
 * The cells the question names word for word ("pk", "united states", "2010"). A number matches
 * only as a year or right after its column's name ("round 3"); a cell that is a column's name
 * is not a value.
 */
function namedCells(question: string, table: Table): Match[] {
  const said = words(question);
  const columnWords = new Set(table.columns.flatMap((c) => words(c)));
  const out: Match[] = [];
  const seen = new Set<string>();
  for (const r of table.rows) {
    for (const [column, value] of r.cells) {
      const key = `${column}\u0000${value.toLowerCase()}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const phrase = words(value);
      if (!phrase.length || phrase.length > 8) continue;
      const at = phraseAt(said, phrase);
      if (at < 0) continue;
      if (phrase.length === 1) {
        const w = phrase[0];
        const n = Number(w);
        if (Number.isFinite(n)) {
          const named = words(column).some((cw) => said[at - 1] === cw || stem(said[at - 1] ?? '') === stem(cw));
          if (!named && !isYear(n)) continue;
        } else if (ASKING.has(w) || columnWords.has(w) || w.length < 2) continue;
      }
      out.push({ column, value, at, length: phrase.length });
    }
  }
  // A cell inside a longer one the question names is not named itself ("united" in "united states").
  return out.filter((m) => !out.some((o) => o !== m && o.length > m.length && o.at <= m.at && o.at + o.length >= m.at + m.length));
}

/**
 * The rows that hold what the question names: for each value it names, the value in one of the
 * columns it stands in; values of one column are alternatives ("2009 or 2010").
 */
function rowsWith(table: Table, matches: Match[]): TableRow[] {
  const conditions = conditionsOf(matches);
  return table.rows.filter((r) => conditions.every((c) => c.columns.some((col) => c.values.some((v) => v.toLowerCase() === (r.cells.get(col) ?? '').toLowerCase()))));
}

interface Condition { columns: string[]; values: string[] }

/** The matches as conditions: values standing in the same columns are alternatives of one. */
function conditionsOf(matches: Match[]): Condition[] {
  const columnsOf = new Map<string, { value: string; columns: string[] }>();
  for (const m of matches) {
    const c = columnsOf.get(m.value.toLowerCase()) ?? { value: m.value, columns: [] };
    if (!c.columns.includes(m.column)) c.columns.push(m.column);
    columnsOf.set(m.value.toLowerCase(), c);
  }
  const conditions = new Map<string, Condition>();
  for (const { value, columns } of columnsOf.values()) {
    const key = [...columns].sort().join('\u0000');
    const c = conditions.get(key) ?? { columns, values: [] };
    c.values.push(value);
    conditions.set(key, c);
  }
  return [...conditions.values()];
}

const orList = (xs: string[]) => xs.map(quote).join(' or ');
const says = (c: Condition) => `${orList(c.values)} under ${orList(c.columns)}`;

/** A number the question compares a column with, and the column: "more than 10 points", "after 2007" (a year column). */
function comparison(question: string, table: Table, named: string[]): { column: string; test: (n: number) => boolean; says: string; numbers: number[] } | null {
  const between = BETWEEN.exec(question);
  const above = ABOVE.exec(question);
  const below = BELOW.exec(question);
  const m = between ?? above ?? below;
  if (!m) return null;
  const a = Number((m[1] ?? m[2]).replace(/,/g, ''));
  const b = between ? Number(m[2].replace(/,/g, '')) : NaN;
  const yearColumn = table.columns.find((c) => table.numeric.has(c) && table.rows.every((r) => {
    const n = cellNumber(r.cells.get(c) ?? '');
    return n === null || isYear(n);
  }));
  const column = isYear(a) && !named.some((c) => table.numeric.has(c) && c !== yearColumn) ? yearColumn : named.find((c) => table.numeric.has(c));
  if (!column) return null;
  const exclusive = !/\bat (?:least|most)\b|\bor (?:more|less|fewer|above|below|over|under|higher|lower|greater)\b/i.test(m[0]);
  if (between) return { column, numbers: [a, b], test: (n) => n >= Math.min(a, b) && n <= Math.max(a, b), says: `between ${fmt(a)} and ${fmt(b)} under ${quote(column)}` };
  if (m === above) return { column, numbers: [a], test: (n) => (exclusive ? n > a : n >= a), says: `${exclusive ? 'more than' : 'at least'} ${fmt(a)} under ${quote(column)}` };
  return { column, numbers: [a], test: (n) => (exclusive ? n < a : n <= a), says: `${exclusive ? 'less than' : 'at most'} ${fmt(a)} under ${quote(column)}` };
}

const nameOf = (table: Table, r: TableRow) => r.cells.get(table.label) || r.text;

/** "How many goals did Earnie Stewart score?": the named row's number in the column asked about; several rows' sum or average. */
function namedRowsAnswer(question: string, table: Table, column: string, entityMatches: Match[]): TableAnswer | null {
  const rows = rowsWith(table, entityMatches);
  if (!rows.length) return null;
  const values = rows.map((r) => cellNumber(r.cells.get(column) ?? '')).filter((n): n is number => n !== null);
  if (values.length !== rows.length) return null;
  if (rows.length === 1 && !AVERAGE.test(question)) {
    return { text: rows[0].text, kind: 'row', rows, evidence: `the row with ${entityMatches.map((m) => quote(m.value)).join(', ')}; its ${quote(column)}` };
  }
  const sum = values.reduce((a, b) => a + b, 0);
  const names = rows.map((r) => nameOf(table, r));
  if (AVERAGE.test(question)) {
    return { text: `The average under ${quote(column)} for ${listed(names)} is ${fmt(sum / values.length)} (${values.map(fmt).join(' + ')}, over ${values.length}).`, kind: 'computed', rows, evidence: `average of ${quote(column)} over ${rows.length} rows` };
  }
  if (rows.length > 1 && rows.length <= 12 && SUM.test(question) && !/\beach\b/i.test(question)) {
    return { text: `Together, ${listed(names)} have ${fmt(sum)} under ${quote(column)} (${values.map(fmt).join(' + ')}).`, kind: 'computed', rows, evidence: `sum of ${quote(column)} over ${rows.length} rows` };
  }
  return null;
}

/** "How many …": rows counted, or one row's number, or several rows' sum or average. */
function countAnswer(question: string, table: Table): TableAnswer | null {
  const named = namedColumns(question, table);
  const matches = namedCells(question, table);
  const numericNamed = named.filter((c) => table.numeric.has(c) && !matches.some((m) => m.column === c));
  const compare = comparison(question, table, named);
  // Rows the question names by a cell that is not a number of the column asked about (nor a
  // number the question compares with: "between 2009 and 2013").
  const compared = new Set(compare?.numbers ?? []);
  const entityMatches = matches.filter((m) => (!table.numeric.has(m.column) || isYear(Number(m.value))) && !compared.has(Number(m.value)));
  // "What is the total number of shares?": a column summed over every row.
  if (numericNamed.length && !entityMatches.length && !compare && SUM.test(question)) {
    const column = numericNamed[0];
    const values = table.rows.map((r) => cellNumber(r.cells.get(column) ?? '')).filter((n): n is number => n !== null);
    if (values.length < table.rows.length * 0.8) return null;
    return { text: `The ${quote(column)} column of the table’s ${table.rows.length} rows adds up to ${fmt(values.reduce((a, b) => a + b, 0))}.`, kind: 'computed', rows: table.rows, evidence: `sum of ${quote(column)} over every row` };
  }
  // "Which is greater, the number of times India won or lost?": each of the values counted,
  // among the rows that hold the rest of what the question names.
  const split = conditionsOf(entityMatches).find((c) => c.values.length >= 2);
  if (split && !compare && /\b(?:or|each)\b/i.test(question)) {
    const rest = entityMatches.filter((m) => !split.values.includes(m.value));
    const among = rest.length ? rowsWith(table, rest) : table.rows;
    const each = split.values.map((v) => ({ v, rows: among.filter((r) => split.columns.some((c) => (r.cells.get(c) ?? '').toLowerCase() === v.toLowerCase())) }));
    if (!each.some((e) => e.rows.length)) return null;
    const counted = each.map((e) => `${e.rows.length} ${quote(e.v)}`);
    const within = rest.length ? `Of the rows with ${conditionsOf(rest).map(says).join(' and ')}, ` : 'Of the table’s rows, ';
    return { text: `${within}${counted.slice(0, -1).join(', ')} and ${counted.at(-1)} under ${orList(split.columns)}.`, kind: 'computed', rows: each.flatMap((e) => e.rows), evidence: `rows counted for each of ${orList(split.values)}` };
  }
  if (numericNamed.length && entityMatches.length && !compare) return namedRowsAnswer(question, table, numericNamed[0], entityMatches);
  // "How many years did he release singles?" where "Year" is a column: its different values.
  const noun = /\b(?:how many|number of)\s+(?:different\s+|distinct\s+)?([\p{L}-]+)/iu.exec(question)?.[1];
  const nounColumn = noun && !entityMatches.length && !compare ? table.columns.find((c) => stems(c).has(stem(noun.toLowerCase()))) : undefined;
  if (nounColumn && nounColumn !== table.label) {
    const values = [...new Set(table.rows.map((r) => (r.cells.get(nounColumn) ?? '').trim()).filter(Boolean))];
    if (values.length && values.length < table.rows.filter((r) => (r.cells.get(nounColumn) ?? '').trim()).length) {
      return { text: `The table has ${values.length} different ${quote(nounColumn)} values: ${listed(values)}.`, kind: 'computed', rows: table.rows.filter((r) => r.cells.get(nounColumn)), evidence: `counted the different values under ${quote(nounColumn)}` };
    }
  }
  // Count the rows that hold the named cells (and pass the comparison).
  let rows = entityMatches.length ? rowsWith(table, entityMatches) : table.rows;
  if (compare) rows = rows.filter((r) => {
    const n = cellNumber(r.cells.get(compare.column) ?? '');
    return n !== null && compare.test(n);
  });
  if (!entityMatches.length && !compare) {
    // Nothing narrows the rows: only "how many X are there (listed)?" counts them all, where X
    // names what a row is (the label column) or the question asks nothing else.
    const rest = termsOf(question).filter((t) => !ASKING.has(t) && !table.columns.some((c) => stems(c).has(t)));
    const labelTerms = stems(table.label);
    if (rest.length > 1 || (rest.length === 1 && !labelTerms.has(rest[0]) && !/\bthere\b|\blisted\b|\bin the (?:table|list|chart)\b/i.test(question))) return null;
  }
  const conditions = [...conditionsOf(entityMatches).map(says), ...(compare ? [compare.says] : [])];
  const names = rows.map((r) => nameOf(table, r));
  const head = `${rows.length} of the table’s ${table.rows.length} rows`;
  // "What is the number of tablets?" where "Tablet" is a column: the rows that have one.
  const counted = !entityMatches.length && !compare ? named.find((c) => table.rows.some((r) => !(r.cells.get(c) ?? '').trim())) : undefined;
  if (counted) {
    const filled = rows.filter((r) => (r.cells.get(counted) ?? '').trim());
    return { text: `${filled.length} of the table’s ${table.rows.length} rows have a ${quote(counted)}: ${listed(filled.map((r) => r.cells.get(counted)!))}.`, kind: 'computed', rows: filled, evidence: `counted rows with a ${quote(counted)}` };
  }
  // No row at all is more likely a question read wrong than a count of none: left to the loop.
  if (!rows.length) return null;
  const text = !conditions.length ? `The table has ${table.rows.length} rows: ${listed(names)}.`
    : `${head} ${rows.length === 1 ? 'has' : 'have'} ${conditions.join(' and ')}: ${listed(names)}.`;
  return { text, kind: 'computed', rows, evidence: `counted rows with ${conditions.join(' and ') || 'anything'}` };
}

/** "Who came after X?", "What is listed before Y?": the neighbouring row of the one the question names. */
function neighbourAnswer(question: string, table: Table): TableAnswer | null {
  const after = AFTER.exec(question);
  const before = BEFORE.exec(question);
  const m = after ?? before;
  if (!m) return null;
  const said = words(question);
  const from = words(question.slice(0, m.index + m[0].length)).length;
  // The row named after the word ("after Jean-Michel Bayle"), else anywhere in the question.
  const matches = namedCells(question, table).filter((x) => !table.numeric.has(x.column) || !isYear(Number(x.value)) || x.at >= from);
  const near = matches.filter((x) => x.at >= from);
  const use = near.length ? near : matches;
  // A year after "after" is a comparison ("started after 1998"), not a row.
  if (!use.length || (use.every((x) => /^\d/.test(x.value)) && (ABOVE.test(question) || BELOW.test(question)))) return null;
  // Only a question that asks nothing else of the neighbour ("Who comes after X?"; not "the next
  // day he destroyed more than one plane", which asks for a condition as well).
  const rest = termsOf(question).filter((t) => !ASKING.has(t) && !/^(?:after|next|follow|succeed|befor|prior|preced|previou|come|came|list)/.test(t)
    && !table.columns.some((c) => stems(c).has(t)) && !use.some((x) => stems(x.value).has(t)));
  if (rest.length > 2 || /\b(?:more|less|fewer|over|under|least|most|in which|whose|where)\b/i.test(question.slice(m.index))) return null;
  const longest = Math.max(...use.map((x) => x.length));
  const rows = rowsWith(table, use.filter((x) => x.length === longest).slice(0, 1));
  if (rows.length !== 1 || said.length === 0) return null;
  const at = table.rows.indexOf(rows[0]);
  const next = table.rows[at + (m === after ? 1 : -1)];
  if (!next) return null;
  return { text: next.text, kind: 'row', rows: [next], evidence: `the row ${m === after ? 'after' : 'before'} the one with ${quote(use[0].value)}` };
}

/** An answer the table holds by computing, or null when the question is not one it can read. */
export function readTable(question: string, rows: TableRow[]): TableAnswer | null {
  const table = tableOf(rows);
  if (!table || table.rows.length < 3) return null;
  // The question must be about the table: it names a column or a cell.
  if (!namedColumns(question, table).length && !namedCells(question, table).length && !/\b(?:table|list|chart|listed)\b/i.test(question)) return null;
  // The most or the least (the loop's ranking picks that row); a streak, an age, a span of time.
  if (SUPERLATIVE.test(question) || /\b(?:consecutive|in a row|straight|ago|how long)\b/i.test(question)) return null;
  if (COUNT.test(question) || AVERAGE.test(question) || (SUM.test(question) && /\b(?:what|how)\b/i.test(question))) return countAnswer(question, table);
  return neighbourAnswer(question, table) ?? oneRow(question, table);
}

/** "What was Sinnamon's only hit of 1984?": the one row that holds every cell the question names, word for word. */
function oneRow(question: string, table: Table): TableAnswer | null {
  if (AFTER.test(question) || BEFORE.test(question) || ABOVE.test(question) || BELOW.test(question) || /\b(?:or|and|than|same)\b/i.test(question)) return null;
  const matches = namedCells(question, table);
  if (!matches.length) return null;
  const rows = rowsWith(table, matches);
  if (rows.length !== 1) return null;
  return { text: rows[0].text, kind: 'row', rows, evidence: `the one row with ${conditionsOf(matches).map(says).join(' and ')}` };
}

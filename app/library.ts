// The offline reference library (public/library/library.json, built by training/library.py from
// WordNet and the bsdgames quiz facts; cached with the app by the service worker). The bundled
// model is too small to know facts: in chat it answers from the library's entries, each sentence
// supported by one of them and cited, or says that nothing there answers (workers/align/support.ts).
import MiniSearch from 'minisearch';
import { americanSpellings, contentWords, focusOf, type SourcePassage } from '../workers/protocol';

export interface LibraryEntry {
  id: number;
  title: string;
  text: string;
  source: string;
}

export interface Library {
  sources: { name: string; licence: string; via: string }[];
  entries: LibraryEntry[];
  byId: Map<number, LibraryEntry>;
  index: MiniSearch<LibraryEntry>;
}

/** Entries given with a question: the model's context is small. */
export const LIBRARY_PASSAGES = 3;

/** What an answer from the library says when nothing in it answers the question. */
export const LIBRARY_NOT_FOUND = 'Nothing in the offline library answers that.';

export class LibraryUnavailableError extends Error {
  override name = 'LibraryUnavailableError';
}

let loading: Promise<Library> | null = null;

/** The library, fetched and indexed once (about 1.5 MB, 8,851 entries). */
export function loadLibrary(url = `${import.meta.env.BASE_URL}library/library.json`): Promise<Library> {
  loading ??= (async () => {
    const res = await fetch(url);
    if (!res.ok) throw new LibraryUnavailableError(`The offline library could not be read (HTTP ${res.status}).`);
    const data = (await res.json()) as { format?: string; sources: Library['sources']; entries: LibraryEntry[] };
    if (data.format !== 'redraft-library' || !Array.isArray(data.entries)) throw new LibraryUnavailableError('The offline library file is not one Redraft can read.');
    const index = new MiniSearch<LibraryEntry>({ fields: ['title', 'text'], storeFields: ['id'], searchOptions: { boost: { title: 3 }, prefix: (t) => t.length > 4 } });
    index.addAll(data.entries);
    return { sources: data.sources, entries: data.entries, byId: new Map(data.entries.map((e) => [e.id, e])), index };
  })().catch((e) => {
    loading = null; // the next question tries again
    throw e;
  });
  return loading;
}

/** The entries that best match the question, numbered [1]… for citations. */
export function lookUp(library: Library, question: string, k = LIBRARY_PASSAGES): SourcePassage[] {
  // The library's words are WordNet's (American): "harbour" is looked up as "harbor" too.
  const asked = focusOf(question);
  const words = [...new Set(contentWords(asked).flatMap((w) => [w, ...americanSpellings(w)]))];
  let hits = library.index.search(words.join(' '), { combineWith: 'OR' }).map((hit) => library.byId.get(hit.id as number)!);
  // "What does colour mean?" asks for the word's own entries, first sense first (the library's
  // order: nouns, then verbs, then adjectives), not the entry that names most of its spellings
  // ("To color is to add color to. Other words for it: colourise, colourize.").
  if (DEFINITION.test(asked)) {
    const own = hits.filter((e) => words.includes(headword(e.title))).sort((a, b) => a.id - b.id);
    hits = [...own, ...hits.filter((e) => !own.includes(e))];
  }
  return hits.slice(0, k).map((e, i) => ({ id: i + 1, label: `${e.title} · ${e.source}`, text: e.text }));
}

const DEFINITION = /\b(?:mean|means|meaning|meanings|define|definition|definitions)\b/i;

/** An entry's word: "color (noun, sense 2)" → "color". */
const headword = (title: string) => title.replace(/\s*\(.*$/, '').toLowerCase();

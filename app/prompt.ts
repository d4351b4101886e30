// The user's turn for an answer from sources (the page, the user's files, the offline library):
// the best passages fenced as data and numbered for citations, then the question; and the word
// budgets it is asked again with when the model's context cannot hold it.
import { withoutFences } from './fence';

/** The words of the best passages the model reads in its prompt (its context is small). */
export const PROMPT_WORDS_MAX = 330;
/**
 * Smaller word budgets for a prompt that does not fit the context all the same (a table of
 * numbers is many tokens a word): the caller asks again with the next (see `fitPrompt`).
 */
export const PROMPT_BUDGETS = [PROMPT_WORDS_MAX, 160, 80, 40];

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** The passages, in order, while their words fit `maxWords` (the first always). */
export function fitWords<T extends { text: string }>(passages: T[], maxWords: number): T[] {
  let words = 0;
  return passages.filter((p, i) => (words += wordCount(p.text)) <= maxWords || i === 0);
}

/** The passages that fit `maxWords`, the first cut to it if longer: what the model reads. */
export function readWords<T extends { text: string }>(passages: T[], maxWords = PROMPT_WORDS_MAX): T[] {
  return fitWords(passages, maxWords).map((p) => {
    const words = p.text.split(/\s+/).filter(Boolean);
    return words.length > maxWords ? { ...p, text: words.slice(0, maxWords).join(' ') } : p;
  });
}

/** Asks with each budget of PROMPT_BUDGETS in turn while the prompt is too long for the model. */
export async function fitPrompt<T>(ask: (maxWords: number) => Promise<T>, tooLong: (e: unknown) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await ask(PROMPT_BUDGETS[i]);
    } catch (e) {
      if (i + 1 >= PROMPT_BUDGETS.length || !tooLong(e)) throw e;
    }
  }
}

export interface FencedPrompt {
  /** What the passages are, said first ("Passages from the web page I am reading. …"). */
  intro: string;
  /** The fence's name: the passages go between `<<<NAME` and `NAME>>>`. */
  fence: string;
  passages: { id: number; label?: string; text: string }[];
  question: string;
  maxWords?: number;
  /**
   * Datamarking (spotlighting): the passages' words joined by this mark instead of spaces, and
   * the intro says so, so that a model can tell the sources' text from the user's.
   */
  datamark?: string;
}

/**
 * The user's turn: `intro`, the passages that fit `maxWords` fenced and numbered for
 * citations (each with its label), then the question. Text that imitates the fence is taken
 * out of the passages and labels, so a source cannot close the fence and speak as the user.
 */
export function fencedPrompt({ intro, fence, passages, question, maxWords = PROMPT_WORDS_MAX, datamark }: FencedPrompt): string {
  const open = `<<<${fence}`;
  const close = `${fence}>>>`;
  const marked = (t: string) => (datamark ? t.replace(/[ \t]+/g, datamark) : t);
  const clean = (t: string) => marked(withoutFences(t, open, close));
  return [
    datamark ? `${intro} Their words are joined by ${datamark}.` : intro,
    open,
    ...readWords(passages, maxWords).map((p) => `[${p.id}]${p.label ? ` (${clean(p.label)})` : ''} ${clean(p.text)}`),
    close,
    `Answer from the passages, citing them as [1], [2]. Question: ${question}`,
  ].join('\n');
}

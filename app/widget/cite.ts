// Which passage an answer sentence comes from. The model is small and its own "[n]" markers are
// not to be trusted, so a sentence is cited only where it shares a run of words with a passage
// it was given: the longest such run, at least MIN_WORDS long, is the quote shown with the
// citation, and it is word for word in the passage (and so in the page).
import type { Passage } from './page-text';

export interface Citation {
  /** The passage's id (its [n]). */
  passage: number;
  /** Words of the passage, as the passage has them, that the sentence repeats. */
  quote: string;
}

/** Words shorter than this or in the list below do not count as content. */
const MIN_WORDS = 4;
const FILLER = new Set('the a an and or of to in on at by for with from as is are was were be it its this that'.split(' '));

const key = (w: string) => w.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');

/** Citation markers a model writes itself ("[2]"): taken out of the text shown; ours replace them. */
export const stripMarkers = (text: string) => text.replace(/\s*\[\d{1,2}\]/g, '');

export function cite(sentence: string, passages: Passage[]): Citation | null {
  const said = stripMarkers(sentence).split(/\s+/).map(key).filter(Boolean);
  let best: Citation | null = null;
  let bestLen = 0;
  for (const p of passages) {
    const words = p.text.split(' ');
    const keys = words.map(key);
    // Longest common run of words (dynamic programming over the two word lists).
    let prev = new Array<number>(keys.length + 1).fill(0);
    for (let i = 1; i <= said.length; i++) {
      const row = new Array<number>(keys.length + 1).fill(0);
      for (let j = 1; j <= keys.length; j++) {
        if (!keys[j - 1] || said[i - 1] !== keys[j - 1]) continue;
        row[j] = prev[j - 1] + 1;
        if (row[j] > bestLen) {
          const run = keys.slice(j - row[j], j);
          // A run of filler words ("it is in the") is no evidence.
          if (run.length >= MIN_WORDS && run.filter((w) => w.length > 3 && !FILLER.has(w)).length >= 2) {
            bestLen = row[j];
            best = { passage: p.id, quote: words.slice(j - row[j], j).join(' ').replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '') };
          }
        }
      }
      prev = row;
    }
  }
  return best;
}

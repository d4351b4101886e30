// What a corrector's revision must be before it is worth checking: a sentence with words in it.
// A small corrector can loop ("in is in to in is …") or write digits only, and a judge of the
// same size may pass such text; the sentence loop should never commit it as a correction.

/** Why the revision cannot stand in for the sentence, or null when it can. */
export function unusableRevision(text: string): string | null {
  const t = text.trim();
  if (!t) return 'the corrector wrote nothing';
  if (!/\p{L}/u.test(t)) return 'the corrector wrote no words';
  const words = t.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length >= 8 && new Set(words).size * 3 < words.length) return 'the corrector repeated itself';
  return null;
}

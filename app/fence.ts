// The fences around data in a prompt (a page's passages, the user's documents): the data can never hold them.

/**
 * `text` with every `open` and `close` taken out, again until none is left: one pass leaves a
 * fence that the removal itself puts together ("PAGE>PAGE>>>>>" → "PAGE>>>").
 */
export function withoutFences(text: string, open: string, close: string): string {
  let out = text;
  for (let before = ''; before !== out; ) {
    before = out;
    out = out.replaceAll(open, '').replaceAll(close, '');
  }
  return out;
}

// The offline library: which entries a question is given (app/library.ts), on the shipped library.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadLibrary, lookUp, type Library } from '../app/library';

let library: Library;
beforeAll(async () => {
  const json = readFileSync(new URL('../public/library/library.json', import.meta.url), 'utf8');
  vi.stubGlobal('fetch', async () => new Response(json, { status: 200 }));
  library = await loadLibrary('/library/library.json');
});
afterAll(() => vi.unstubAllGlobals());

describe('offline library look-up', () => {
  it("gives a definition question the word's own entries, first sense first, in either spelling", () => {
    for (const q of ['What does colour mean?', 'What does color mean?', 'Define colour.']) {
      const found = lookUp(library, q);
      expect(found[0].label).toBe('color (noun) · WordNet 3.1');
      expect(found[0].text).toMatch(/^A color is a visual attribute/);
    }
    expect(lookUp(library, 'What does ocean mean?')[0].text).toMatch(/^An ocean is a large body of water/);
  });

  it('gives a fact question the entry with the fact, not the definition of its words', () => {
    expect(lookUp(library, 'What is the capital of Peru?')[0].text).toBe('The capital of Peru is Lima.');
  });
});

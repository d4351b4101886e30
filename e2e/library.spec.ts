// The offline reference library in chat, with the bundled model on WASM: answers from its
// entries, every sentence cited and the entry one click away; an honest answer when nothing
// there answers; follow-ups answer the new question; and it all works with the network gone.
import { expect, test } from '@playwright/test';
import { openApp, sendAndWait } from './helpers';

test('a definition question is answered from the offline library, cited, with the network gone', async ({ page, context }) => {
  await openApp(page, 'WASM', { library: 'bundled' });
  // Nothing may leave the machine: every request to another host fails.
  const off: string[] = [];
  await context.route((url) => url.origin !== new URL(page.url()).origin, (r) => {
    off.push(r.request().url());
    return r.abort('internetdisconnected');
  });
  const answer = await sendAndWait(page, 'What does ocean mean?');
  await expect(answer).toHaveAttribute('data-status', 'done');
  const text = await answer.locator('.content.sourced').innerText();
  expect(text).toMatch(/An ocean is a (large|kind of) body of water/);
  // Every sentence shown carries a citation, and a citation opens its entry.
  const sentences = answer.locator('.content.sourced .sentence');
  const n = await sentences.count();
  expect(n).toBeGreaterThan(0);
  await expect(answer.locator('.content.sourced .sentence button.cite')).toHaveCount(n);
  const cite = answer.locator('button.cite').first();
  const id = (await cite.innerText()).replace(/\D/g, '');
  await cite.click();
  const source = answer.locator(`.sources li[data-source="${id}"]`);
  await expect(source.locator('details')).toHaveAttribute('open', '');
  await expect(source).toContainText('WordNet 3.1');
  await expect(source.locator('blockquote')).toBeVisible();
  // A British spelling finds the word's first sense, not the entry that lists most spellings.
  const colour = await sendAndWait(page, 'What does colour mean?');
  await expect(colour.locator('.content.sourced')).toContainText('A color is a visual attribute of things');
  expect(off).toEqual([]);
});

test('a question the library does not answer gets an honest answer, and a follow-up answers the follow-up', async ({ page }) => {
  await openApp(page, 'WASM', { library: 'bundled' });
  const capital = await sendAndWait(page, 'What is the capital of Peru?');
  await expect(capital.locator('.content.sourced')).toContainText('The capital of Peru is Lima.');
  await expect(capital.locator('.sources')).toContainText('bsdgames quiz');

  const poem = await sendAndWait(page, 'Write me a poem about my cat Whiskers.');
  await expect(poem.locator('.content.sourced')).toHaveText('Nothing in the offline library answers that.');

  // The follow-up gets its own answer, not the capital answer's pattern.
  const follow = await sendAndWait(page, 'What does river mean?');
  const said = await follow.locator('.content.sourced').innerText();
  expect(said).not.toMatch(/capital/i);
  expect(said).toMatch(/river/i);
});

test('switched off, the library is not used and the settings say so', async ({ page }) => {
  await openApp(page, 'WASM', { library: 'off' });
  await page.getByRole('button', { name: 'Models and settings' }).click();
  await expect(page.locator('.library-about')).toContainText('Off: chat answers are the model’s own words');
  await page.getByRole('combobox', { name: 'Answer from the offline library' }).selectOption('bundled');
  await expect(page.locator('.library-about')).toContainText(/[\d,]+ entries from WordNet 3\.1/);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
});

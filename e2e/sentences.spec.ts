import { readFileSync } from 'node:fs';
import { Validator } from '@cfworker/json-schema';
import { expect, test } from '@playwright/test';
import { lastAnswer, openApp, send, setChecks, setMaxTokens, storedConversations } from './helpers';

const schema = JSON.parse(readFileSync(new URL('../docs/trail.schema.json', import.meta.url), 'utf8'));

test('a rule on a common word: sentences are rewound and corrected, the trail opens, the export validates and imports back', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 120, 0);
  await setChecks(page, { check: 'rules', correction: 'redact', rules: 'the' });
  await expect(page.getByRole('button', { name: /^Checks:/ })).toHaveText('Checks: rules → redact');
  await send(page, 'Tell me a story.');
  const answer = await lastAnswer(page, 180_000);
  await expect(answer).toHaveAttribute('data-status', 'done');
  // The bundled model's story uses "the": those sentences were corrected and are marked.
  const marks = answer.locator('mark[data-sentence]');
  await expect(marks.first()).toBeVisible();
  await expect(answer.locator('.content')).toContainText('[phrase removed]');
  await expect(answer.locator('.content')).not.toContainText(/\bthe\b/i);
  await expect(answer.locator('.alignment-summary')).toContainText(/\d+ corrected/);

  await marks.first().click();
  const dialog = page.getByRole('dialog', { name: 'Review trail' });
  await expect(dialog).toBeVisible();
  const trail = dialog.locator('section.trail').first();
  await expect(trail.locator('.draft')).toContainText(/\bthe\b/i);
  await expect(trail.locator('.final')).toContainText('[phrase removed]');
  await expect(trail.locator('.word-diff del').first()).toBeVisible();
  await expect(trail.locator('.candidates li')).toHaveCount(2);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export trail' }).click()]);
  const file = readFileSync(await download.path(), 'utf8');
  const result = new Validator(schema, '2020-12', false).validate(JSON.parse(file));
  expect(result.errors).toEqual([]);
  const exported = JSON.parse(file);
  const stats = exported.conversation.messages[1].stats;
  expect(stats.alignment.corrected).toBeGreaterThan(0);
  expect(stats.alignment.trails.map((t: { final: string }) => t.final).join('')).toBe(exported.conversation.messages[1].content);

  // Import merges: the same conversation is already here, so nothing is added.
  const input = page.getByLabel('Import conversations');
  await input.setInputFiles({ name: 'trail.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toContainText('Imported 0 conversations; 1 already here, unchanged.');
  expect(await storedConversations(page)).toHaveLength(1);
  // Deleted, then imported back: the conversation returns, trail and marks included.
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: `Delete conversation ${exported.conversation.title}` }).click();
  await expect.poll(async () => (await storedConversations(page)).length).toBe(0);
  await input.setInputFiles({ name: 'trail.json', mimeType: 'application/json', buffer: Buffer.from(file) });
  await expect.poll(async () => (await storedConversations(page)).length).toBe(1);
  await expect(page.locator('article[data-role="assistant"] mark[data-sentence]').first()).toBeVisible();
});

test('with checks off, no sentence is checked: plain decoding', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 60, 0);
  await setChecks(page, { check: 'off' });
  await expect(page.getByRole('button', { name: /^Checks:/ })).toHaveText('Checks: off');
  await send(page, 'Tell me a story.');
  const answer = await lastAnswer(page);
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(answer.locator('.content')).toContainText(/\bthe\b/i);
  await expect(answer.locator('mark')).toHaveCount(0);
  await expect(answer.locator('.alignment-summary')).toHaveCount(0);
  const [conv] = await storedConversations(page);
  expect(conv.messages[1].stats?.alignment).toBeUndefined();
});

test('RAIN self-evaluation with rewind-and-search runs on the bundled model and records every candidate', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 40, 0);
  await setChecks(page, { check: 'rules', correction: 'rain-search', rules: 'the' });
  await send(page, 'Tell me a story.');
  const answer = await lastAnswer(page, 180_000);
  await expect(answer).toHaveAttribute('data-status', 'done');
  const [conv] = await storedConversations(page);
  const alignment = conv.messages[1].stats!.alignment!;
  expect(alignment.rewinds).toBeGreaterThan(0);
  const searched = alignment.trails.filter((t) => t.candidates.some((c) => c.source === 'rain-search'));
  expect(searched.length).toBeGreaterThan(0);
  expect(alignment.trails.map((t) => t.final).join('')).toBe(conv.messages[1].content);
});

test('Stop while a sentence is being corrected keeps the committed sentences, and the chat goes on', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 400, 0);
  // Transfer Q* with a generous time budget: each corrected sentence takes seconds, so Esc lands mid-correction.
  await setChecks(page, { check: 'rules', correction: 'transfer-q', rules: 'the' });
  await send(page, 'Tell me a story.');
  const answer = page.locator('article[data-role="assistant"]').last();
  await expect(answer.locator('.activity')).toContainText('correcting', { timeout: 120_000 });
  await page.keyboard.press('Escape');
  await expect(answer).toHaveAttribute('data-status', 'stopped');
  const [conv] = await storedConversations(page);
  const stats = conv.messages[1].stats!;
  expect(stats.reason).toBe('stopped');
  // What stays is exactly the committed sentences: no half-corrected draft.
  expect(stats.alignment!.trails.map((t) => t.final).join('')).toBe(conv.messages[1].content);
  await expect(answer.locator('.content')).not.toContainText(/\bthe\b/i);

  await setChecks(page, { check: 'off' });
  await send(page, 'Hello');
  const next = await lastAnswer(page);
  await expect(next).toHaveAttribute('data-status', 'done');
  await expect(next.locator('.content')).not.toBeEmpty();
});

import { expect, type Page } from '@playwright/test';
import type { AnswerStats } from '../workers/protocol';

/**
 * Opens the app and waits until the bundled model is loaded on the expected backend. By default
 * the offline library is switched off, so the bundled model answers in its own words: the tests
 * of streaming, stopping, checks and corrections need answers longer than a library entry.
 */
export async function openApp(page: Page, backend: 'WASM' | 'WebGPU' = 'WASM', opts: { library?: 'bundled' | 'all' | 'off' } = {}) {
  await page.goto('/');
  await expect(page.locator('.backend-note')).toContainText(`${backend} —`, { timeout: 120_000 });
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  const library = opts.library ?? 'off';
  if (library !== 'bundled') await setLibrary(page, library);
}

/** Which models answer from the offline library (Models and settings). */
export async function setLibrary(page: Page, use: 'bundled' | 'all' | 'off') {
  await page.getByRole('button', { name: 'Models and settings' }).click();
  await page.getByRole('combobox', { name: 'Answer from the offline library' }).selectOption(use);
  await page.getByRole('button', { name: 'Close', exact: true }).click();
}

export async function setMaxTokens(page: Page, n: number, temperature?: number) {
  await page.getByRole('button', { name: 'Models and settings' }).click();
  const input = page.getByRole('spinbutton', { name: 'Longest answer (tokens)' });
  await input.fill(String(n));
  if (temperature !== undefined) await page.getByRole('slider', { name: /Temperature/ }).fill(String(temperature));
  await page.getByRole('button', { name: 'Close', exact: true }).click();
}

export async function send(page: Page, text: string) {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** Starts a long greedy answer to a story prompt; returns it once its first text shows. */
export async function startLongAnswer(page: Page, maxTokens: number) {
  await setMaxTokens(page, maxTokens, 0);
  await send(page, 'Tell me a story.');
  const answer = page.locator('article[data-role="assistant"]').last();
  await expect(answer.locator('.content')).not.toBeEmpty();
  return answer;
}

/** Makes a worker (by script name) throw an uncaught error, as a crash inside its runtime would. */
export async function crashWorker(page: Page, script: string) {
  await expect.poll(() => page.workers().some((w) => w.url().includes(script))).toBe(true);
  await page.workers().find((w) => w.url().includes(script))!.evaluate(() => setTimeout(() => {
    throw new Error('simulated crash');
  }));
}

/** Sends a message and returns its answer once finished (not an earlier answer still on screen). */
export async function sendAndWait(page: Page, text: string, timeout = 120_000) {
  const answers = page.locator('article[data-role="assistant"]');
  const before = await answers.count();
  await send(page, text);
  await expect(answers).toHaveCount(before + 1, { timeout });
  return lastAnswer(page, timeout);
}

/** The last assistant message once it has finished (done, stopped or error). */
export async function lastAnswer(page: Page, timeout = 120_000) {
  const answer = page.locator('article[data-role="assistant"]').last();
  await expect(answer).toHaveAttribute('data-status', /^(done|stopped|error)$/, { timeout });
  return answer;
}

/** Reads the stored conversations straight from IndexedDB (what survives a reload). */
export async function storedConversations(page: Page) {
  return page.evaluate(
    () =>
      new Promise<{ title: string; messages: { role: string; content: string; status?: string; stats?: AnswerStats }[] }[]>((resolve, reject) => {
        const open = indexedDB.open('redraft');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('conversations', 'readonly');
          const req = tx.objectStore('conversations').getAll();
          req.onsuccess = () => resolve(req.result);
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

/** Opens the sentence-check panel and sets this conversation's check, correction and rules. */
export async function setChecks(page: Page, opts: { check: string; correction?: string; rules?: string }) {
  await page.getByRole('button', { name: /^Checks:/ }).click();
  const panel = page.getByRole('region', { name: 'Sentence checks for this conversation' });
  await panel.getByRole('combobox', { name: 'Check' }).selectOption(opts.check);
  if (opts.correction) await panel.getByRole('combobox', { name: 'Correction' }).selectOption(opts.correction);
  if (opts.rules !== undefined) {
    await panel.getByRole('textbox', { name: 'Rules' }).fill(opts.rules);
    await panel.getByRole('textbox', { name: 'Rules' }).blur();
  }
  await panel.getByRole('button', { name: 'Close sentence checks' }).click();
}

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { lastAnswer, openApp, send, setMaxTokens } from './helpers';

test('a Hub model with no network gives the named error, and the bundled model still answers', async ({ page, context }) => {
  await context.route(/huggingface\.co|hf\.co/, (route) => route.abort('internetdisconnected'));
  await openApp(page);
  await page.getByRole('button', { name: 'Models and settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Models' });
  await expect(dialog.locator('li[data-model="pocket-lm"]')).toContainText('bundled, offline');
  await expect(dialog.locator('li[data-model="pocket-lm"]')).toContainText('loaded');
  // No WebGPU adapter here: web-llm's models say they need it.
  const webllm = dialog.locator('li[data-model^="SmolLM2-360M-Instruct"]');
  await expect(webllm).toContainText('needs WebGPU');
  await expect(webllm.getByRole('button', { name: 'Download' })).toBeDisabled();
  const hub = dialog.locator('li[data-model="SmolLM2-135M-Instruct (ONNX)"]');
  await expect(hub).toContainText('not downloaded');
  await hub.getByRole('button', { name: 'Download' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error', 'ModelDownloadError');
  await page.getByRole('button', { name: 'Close' }).click();
  await alert.getByRole('button', { name: 'Use the bundled model' }).click();
  await expect(page.locator('.model-button')).toHaveText('pocket-lm');
  await setMaxTokens(page, 8);
  await send(page, 'Hello');
  await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
});

test('model choice and settings survive a reload', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 33, 0.3);
  await page.reload();
  await openApp(page);
  await page.getByRole('button', { name: 'Models and settings' }).click();
  await expect(page.getByRole('spinbutton', { name: 'Longest answer (tokens)' })).toHaveValue('33');
  await expect(page.getByRole('slider', { name: /Temperature/ })).toHaveValue('0.3');
});

test('cancelling a download halfway stops it, says so, leaves nothing cached, and brings the previous model back', async ({ page, context }) => {
  // A Hub that serves the small files (the bundled model's, under the Hub's names) and hangs on
  // the weights: the download is halfway when it is cancelled.
  const hubRequests: string[] = [];
  await context.route(/huggingface\.co|hf\.co/, async (route) => {
    const url = route.request().url();
    hubRequests.push(url);
    if (/\.onnx(_data)?(\?|$)/.test(url)) return new Promise(() => {});
    const name = url.split('?')[0].split('/').pop() ?? '';
    const file = path.join('public/models/pocket-lm', name);
    if (!name || !existsSync(file)) return route.fulfill({ status: 404, headers: { 'Access-Control-Allow-Origin': '*' }, body: 'not found' });
    return route.fulfill({ status: 200, headers: { 'Access-Control-Allow-Origin': '*', 'Content-Type': 'application/json' }, body: readFileSync(file) });
  });
  await openApp(page);
  await page.getByRole('button', { name: 'Models and settings' }).click();
  const hub = page.getByRole('dialog', { name: 'Models' }).locator('li[data-model="SmolLM2-135M-Instruct (ONNX)"]');
  await hub.getByRole('button', { name: 'Download' }).click();
  await expect(page.locator('.model-button')).toContainText('Loading SmolLM2-135M-Instruct');
  // The download worker may reach the Hub (its policy allows it): the small files arrived, the weights hang.
  await expect.poll(() => hubRequests.some((u) => /\.onnx/.test(u)), { timeout: 60_000 }).toBe(true);
  const cachedFiles = () => page.evaluate(async () => {
    const urls: string[] = [];
    for (const n of await caches.keys()) for (const r of await (await caches.open(n)).keys()) urls.push(r.url);
    return urls.filter((u) => u.includes('SmolLM2-135M-Instruct'));
  });
  // The files that arrived are in the cache already: a partial model.
  await expect.poll(async () => (await cachedFiles()).length).toBeGreaterThan(0);
  await hub.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveAttribute('data-error', 'DownloadCancelledError');
  await expect(page.locator('.model-button')).toHaveText('pocket-lm');
  await expect(hub).toContainText('not downloaded');
  // No half-downloaded model is left in the cache to be taken for a whole one.
  expect(await cachedFiles()).toEqual([]);
  await page.getByRole('button', { name: 'Close' }).click();
  await setMaxTokens(page, 8);
  await send(page, 'Hello');
  await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
});

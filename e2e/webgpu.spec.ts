import { expect, test } from '@playwright/test';
import { lastAnswer, openApp, send, sendAndWait, setMaxTokens } from './helpers';

// WebGPU here is SwiftShader (software Vulkan): correct but slow, so answers are kept short.

test('a chat turn on the bundled model on the WebGPU backend', async ({ page }) => {
  await openApp(page, 'WebGPU');
  await expect(page.locator('.backend-note')).toContainText('no shader-f16');
  await setMaxTokens(page, 6);
  await send(page, 'Hello');
  const answer = await lastAnswer(page, 170_000);
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(answer.locator('.model')).toContainText('pocket-lm · webgpu');
  await expect(answer.locator('.content')).not.toBeEmpty();
});

test('a web-llm model with no network gives the named error; the bundled model still answers', async ({ page, context }) => {
  const modelHosts = /huggingface\.co|hf\.co|raw\.githubusercontent\.com/;
  const attempted: string[] = [];
  // Make "no network" explicit, whatever the machine running the test can reach.
  await context.route(modelHosts, (route) => {
    attempted.push(route.request().url());
    return route.abort('internetdisconnected');
  });
  await openApp(page, 'WebGPU');
  await page.getByRole('button', { name: 'Models and settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Models' });
  // web-llm's catalogue lists q4f32 variants here: SwiftShader has no shader-f16.
  const row = dialog.locator('li[data-model="SmolLM2-360M-Instruct-q4f32_1-MLC"]');
  await expect(row).toContainText('not downloaded');
  await row.getByRole('button', { name: 'Download' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error', 'ModelDownloadError', { timeout: 60_000 });
  await expect(alert).toContainText('could not be downloaded');
  expect(attempted.length).toBeGreaterThan(0);
  await page.getByRole('button', { name: 'Close' }).click();

  await alert.getByRole('button', { name: 'Use the bundled model' }).click();
  await expect(page.locator('.model-button')).toHaveText('pocket-lm', { timeout: 120_000 });
  await setMaxTokens(page, 4);
  await send(page, 'Hello');
  const answer = await lastAnswer(page, 170_000);
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(answer.locator('.content')).not.toBeEmpty();
});

test('switching the backend in the settings reloads the model there and says why', async ({ page }) => {
  await openApp(page, 'WebGPU');
  await page.getByRole('button', { name: 'Models and settings' }).click();
  await page.getByRole('combobox', { name: 'Backend' }).selectOption('wasm');
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(page.locator('.backend-note')).toContainText('WASM — WASM (CPU) was chosen in the settings.');
  await setMaxTokens(page, 8);
  await send(page, 'Hello');
  const answer = await lastAnswer(page);
  await expect(answer.locator('.model')).toContainText('pocket-lm · wasm');
  await page.reload();
  await expect(page.locator('.backend-note')).toContainText('WASM (CPU) was chosen in the settings.', { timeout: 120_000 });
});

test('the GPU process crashing mid-answer (device lost): the partial answer is kept and marked, the model loads again by itself', async ({ page, browser }) => {
  await openApp(page, 'WebGPU');
  await setMaxTokens(page, 40);
  await send(page, 'Tell me a story.');
  const answer = page.locator('article[data-role="assistant"]').last();
  await expect(answer.locator('.content')).not.toBeEmpty({ timeout: 170_000 });
  // A real device loss: the browser's GPU process goes away under the worker.
  const cdp = await browser.newBrowserCDPSession();
  await cdp.send('Browser.crashGpuProcess');
  await expect(answer).toHaveAttribute('data-status', 'error', { timeout: 120_000 });
  await expect(page.getByRole('alert')).toHaveAttribute('data-error', 'DeviceLostError');
  expect((await answer.locator('.content').innerText()).length).toBeGreaterThan(0);
  // A fresh worker gets a fresh device (or WASM when none is left) and the chat goes on.
  await expect(page.locator('.backend-note')).toContainText(/(WebGPU|WASM) —/, { timeout: 170_000 });
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  await setMaxTokens(page, 4);
  await expect(await sendAndWait(page, 'Hello', 170_000)).toHaveAttribute('data-status', 'done');
});

test('the in-page assistant on the demo article answers on WebGPU, cited', async ({ page }) => {
  await page.goto('/demo/article.html');
  const widget = page.locator('redraft-widget');
  await widget.getByRole('button', { name: 'Ask about this page' }).click();
  const panel = widget.getByRole('dialog', { name: 'Ask about this page' });
  await expect(panel.getByRole('status')).toContainText('on WEBGPU', { timeout: 120_000 });
  await panel.getByRole('textbox', { name: 'Question about this page' }).fill('How far can the beam be seen?');
  await page.keyboard.press('Enter');
  const turn = panel.locator('li.qa').last();
  // SwiftShader is slow: the first cited sentence is enough; then Stop.
  await expect(turn).toHaveAttribute('data-first-cited-ms', /\d+/, { timeout: 170_000 });
  test.info().annotations.push({ type: 'first cited sentence (WebGPU, model loaded)', description: `${await turn.getAttribute('data-first-cited-ms')} ms` });
  const quote = (await turn.locator('button.cite').first().getAttribute('data-quote'))!;
  expect((await page.locator('article').innerText()).replace(/\s+/g, ' ')).toContain(quote);
  await panel.getByRole('button', { name: 'Stop' }).click();
  await expect(turn).toHaveAttribute('data-done', 'true', { timeout: 60_000 });
});

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

test('cancelling a download stops it, says so, and brings the previous model back', async ({ page, context }) => {
  // A host that accepts the request and never answers: the download hangs until cancelled.
  await context.route(/huggingface\.co|hf\.co/, () => new Promise(() => {}));
  await openApp(page);
  await page.getByRole('button', { name: 'Models and settings' }).click();
  const hub = page.getByRole('dialog', { name: 'Models' }).locator('li[data-model="SmolLM2-135M-Instruct (ONNX)"]');
  await hub.getByRole('button', { name: 'Download' }).click();
  await expect(page.locator('.model-button')).toContainText('Loading SmolLM2-135M-Instruct');
  await hub.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('alert')).toHaveAttribute('data-error', 'DownloadCancelledError');
  await expect(page.locator('.model-button')).toHaveText('pocket-lm');
  await expect(hub).toContainText('not downloaded');
  await page.getByRole('button', { name: 'Close' }).click();
  await setMaxTokens(page, 8);
  await send(page, 'Hello');
  await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
});

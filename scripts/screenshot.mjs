// npm run screenshot: takes docs/screenshot.png from the real app (built and served here),
// after two real answers from the bundled model on the WASM backend, from the offline library.
import { execSync, spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const PORT = 4398;
execSync('node scripts/ensure-deps.mjs && npx vite build --logLevel warn', { stdio: 'inherit' });
const server = spawn(process.execPath, ['scripts/serve.mjs', '--port', String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => server.stdout.once('data', resolve));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 720 }, colorScheme: 'light' });
  await page.goto(`http://localhost:${PORT}/`);
  await page.waitForFunction(() => document.querySelector('.backend-note')?.textContent?.includes(' — '), null, { timeout: 120_000 });
  for (const prompt of ['What is the capital of Peru?', 'What does ocean mean?']) {
    await page.getByRole('textbox', { name: 'Message' }).fill(prompt);
    await page.keyboard.press('Enter');
    await page.waitForSelector('article[data-role="assistant"]:last-of-type[data-status="done"]', { timeout: 120_000 });
    await page.waitForFunction((n) => document.querySelectorAll('article[data-role="assistant"][data-status="done"]').length >= n, prompt === 'What does ocean mean?' ? 2 : 1);
  }
  await page.screenshot({ path: 'docs/screenshot.png' });
  console.log('wrote docs/screenshot.png');
} finally {
  await browser.close();
  server.kill();
}

// npm run bench [-- --quick] [-- --no-build]
// Builds and serves the app, drives it in Debian's headless Chromium with the bundled model,
// and measures, per backend: page load → model ready, page load → first token (prompt sent
// as soon as the composer is enabled), time to first token after send, decode tokens/s.
// Also the size of what the main page loads before any worker starts.
// Writes bench/results/<timestamp>.json and prints a table.
import { execSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const PORT = 4399;
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const plans = [
  { backend: 'wasm', flags: [], runs: quick ? 1 : 3, maxTokens: 64, prompt: 'Tell me a story.' },
  { backend: 'webgpu', flags: ['--enable-unsafe-webgpu'], runs: 1, maxTokens: quick ? 4 : 8, prompt: 'Tell me a story.' },
];

if (!args.has('--no-build')) execSync('node scripts/ensure-deps.mjs && npx vite build --logLevel warn', { stdio: 'inherit' });

function mainPageBytes() {
  const html = readFileSync('dist/index.html', 'utf8');
  const files = ['index.html', ...[...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1])];
  let raw = 0;
  let gz = 0;
  for (const f of files) {
    const buf = readFileSync(path.join('dist', f));
    raw += buf.length;
    gz += gzipSync(buf).length;
  }
  const lazy = readdirSync('dist/assets').filter((f) => !files.includes(`assets/${f}`))
    .reduce((s, f) => s + statSync(path.join('dist/assets', f)).size, 0);
  return { files, rawBytes: raw, gzipBytes: gz, lazyAssetBytes: lazy };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const spread = (xs) => (xs.length ? [Math.min(...xs), Math.max(...xs)] : []);

async function measure(plan) {
  const browser = await chromium.launch({ executablePath, args: [...quiet, ...plan.flags] });
  const results = [];
  try {
    for (let i = 0; i < plan.runs; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`http://localhost:${PORT}/`);
      const box = page.getByRole('textbox', { name: 'Message' });
      await page.waitForFunction(() => document.querySelector('.backend-note')?.textContent?.includes(' — '), null, { timeout: 300_000 });
      const readyMs = await page.evaluate(() => performance.now());
      // Answer length is a setting; set it through the UI like a user would.
      await page.getByRole('button', { name: 'Models and settings' }).click();
      await page.getByRole('spinbutton', { name: 'Longest answer (tokens)' }).fill(String(plan.maxTokens));
      await page.getByRole('button', { name: 'Close' }).click();
      await box.fill(plan.prompt);
      const sentMs = await page.evaluate(() => performance.now());
      await box.press('Enter');
      await page.waitForFunction(() => (document.querySelector('article[data-role="assistant"] .content')?.textContent ?? '').length > 0, null, { timeout: 300_000, polling: 'raf' });
      const firstVisibleMs = await page.evaluate(() => performance.now());
      await page.waitForSelector('article[data-role="assistant"][data-status="done"]', { timeout: 600_000 });
      const stats = await page.evaluate(() => new Promise((resolve) => {
        const open = indexedDB.open('redraft');
        open.onsuccess = () => {
          const req = open.result.transaction('conversations').objectStore('conversations').getAll();
          req.onsuccess = () => resolve(req.result[0].messages.at(-1).stats);
        };
      }));
      const backendNote = await page.locator('.backend-note').innerText();
      results.push({
        modelReadyMs: readyMs,
        // Ready-to-send plus send-to-first-token: what a user who types instantly would wait.
        loadToFirstTokenMs: readyMs + (firstVisibleMs - sentMs),
        firstTokenAfterSendMs: firstVisibleMs - sentMs,
        workerFirstTokenMs: stats.firstTokenMs,
        decodeTokensPerSecond: stats.tokensPerSecond,
        generatedTokens: stats.generatedTokens,
        promptTokens: stats.promptTokens,
        backendNote,
      });
      process.stdout.write(`  ${plan.backend} run ${i + 1}/${plan.runs}: first token ${Math.round(results.at(-1).firstTokenAfterSendMs)} ms, ${stats.tokensPerSecond.toFixed(1)} tok/s\n`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const pick = (k) => ({ median: median(results.map((r) => r[k])), spread: spread(results.map((r) => r[k])) });
  return {
    backend: plan.backend, runs: results.length, maxTokens: plan.maxTokens, prompt: plan.prompt,
    modelReadyMs: pick('modelReadyMs'), loadToFirstTokenMs: pick('loadToFirstTokenMs'),
    firstTokenAfterSendMs: pick('firstTokenAfterSendMs'), decodeTokensPerSecond: pick('decodeTokensPerSecond'),
    backendNote: results[0]?.backendNote, raw: results,
  };
}

const server = spawn(process.execPath, ['scripts/serve.mjs', '--port', String(PORT)], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => server.stdout.once('data', resolve));
try {
  const out = {
    date: new Date().toISOString(),
    commit: execSync('git rev-parse --short HEAD').toString().trim(),
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30) },
    browser: execSync(`${executablePath} --version`).toString().trim(),
    model: JSON.parse(readFileSync('public/models/pocket-lm/config.json', 'utf8')).model_type + ' pocket-lm',
    mainPage: mainPageBytes(),
    backends: [],
  };
  for (const plan of plans) {
    console.log(`Measuring ${plan.backend} (${plan.runs} run${plan.runs > 1 ? 's' : ''})…`);
    out.backends.push(await measure(plan));
  }
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${out.date.replace(/[:.]/g, '-')}.json`;
  writeFileSync(file, JSON.stringify(out, null, 2));
  const f = (x) => (Number.isFinite(x) ? Math.round(x).toString() : '-');
  console.log(`\nRedraft bench — ${out.date} — ${out.browser} — commit ${out.commit}`);
  console.log(`main page: ${(out.mainPage.rawBytes / 1024).toFixed(0)} KiB (${(out.mainPage.gzipBytes / 1024).toFixed(0)} KiB gzip); lazy assets ${(out.mainPage.lazyAssetBytes / 2 ** 20).toFixed(1)} MiB`);
  console.log('backend | runs | model ready ms | load→first token ms | send→first token ms | decode tok/s');
  console.log('--------|------|----------------|---------------------|---------------------|-------------');
  for (const b of out.backends) {
    console.log(`${b.backend.padEnd(7)} | ${String(b.runs).padEnd(4)} | ${f(b.modelReadyMs.median).padEnd(14)} | ${f(b.loadToFirstTokenMs.median).padEnd(19)} | ${f(b.firstTokenAfterSendMs.median).padEnd(19)} | ${b.decodeTokensPerSecond.median.toFixed(1)}`);
  }
  console.log(`\nwrote ${file}`);
} finally {
  server.kill();
}

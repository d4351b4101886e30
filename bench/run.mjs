// npm run bench [-- --quick] [-- --no-build] [-- --out DIR]
// Builds and serves the app, drives it in Debian's headless Chromium with the bundled model,
// and measures, per backend: page load → model ready, page load → first token (prompt sent
// as soon as the composer is enabled), time to first token after send, decode tokens/s (checks
// off), the aligner judge's milliseconds per sentence in the sentence loop, and the peak memory
// of the browser's renderer (page + workers) and GPU processes, with each worker's heap
// (bench/memory.mjs).
// Also the size of what the main page loads before any worker starts, and the cost of the
// sentence loop: for `off`, each check alone (no rewinds allowed) and each correction (a rule on
// "the" makes most sentences fail) and the default pipeline, answer tokens per second and time
// to the first committed sentence, as ratios to `off` measured in the same page (WASM). And the
// in-page assistant on the demo article: question to first cited sentence (WASM; WebGPU too in
// the full run).
// Writes bench/results/<timestamp>.json and prints a table.
import { execSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { browserMarker, browserPeakMemory, heapsByScope } from './memory.mjs';
import { measureDtypes, printDtypes } from './dtypes.mjs';

const argv = process.argv.slice(2);
const args = new Set(argv);
const outDir = argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : 'bench/results';
const quick = args.has('--quick');
const PORT = 4399;
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const plans = [
  { backend: 'wasm', flags: [], runs: quick ? 1 : 3, maxTokens: 64, prompt: 'Tell me a story.', judgeRuns: quick ? 1 : 3 },
  { backend: 'webgpu', flags: ['--enable-unsafe-webgpu'], runs: 1, maxTokens: quick ? 4 : 8, prompt: 'Tell me a story.', judgeRuns: 1 },
];

const methodRuns = quick ? 1 : 3;
const methodConfigs = [
  { name: 'off', check: 'off' },
  { name: 'check: rules', check: 'rules', correction: 'redact', rules: '', rewinds: 0 },
  { name: 'check: RAIN self-eval', check: 'rain', correction: 'redact', rules: '', rewinds: 0 },
  { name: 'correct: redact', check: 'rules', correction: 'redact', rules: 'the' },
  { name: 'correct: rewrite', check: 'rules', correction: 'rewrite', rules: 'the' },
  { name: 'correct: RAIN search', check: 'rules', correction: 'rain-search', rules: 'the' },
  { name: 'correct: Transfer Q*', check: 'rules', correction: 'transfer-q', rules: 'the' },
  // What a new conversation runs: the harm judge, and a refusal for a sentence it fails.
  { name: 'default pipeline: harm judge', check: 'harm', correction: 'refuse', rules: '' },
];
// The aligner's judge and rewrite, when aligner tokens ship (the corrector runs in its own worker).
const hasTokens = existsSync('public/models/pocket-aligner/index.json');
if (hasTokens) {
  methodConfigs.splice(3, 0, { name: 'check: aligner judge', check: 'aligner-judge', correction: 'redact', rules: '', rewinds: 0 });
  methodConfigs.push({ name: 'correct: aligner rewrite', check: 'rules', correction: 'aligner-rewrite', rules: 'the' });
  methodConfigs.push({ name: 'aligner pipeline', check: 'aligner-judge', correction: 'aligner-rewrite', rules: '' });
}

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

/** Sets this conversation's check and correction (and optionally rules and rewinds) in the panel. */
async function setPipeline(page, c) {
  await page.getByRole('button', { name: /^Checks:/ }).click();
  const panel = page.getByRole('region', { name: 'Sentence checks for this conversation' });
  await panel.getByRole('combobox', { name: 'Check' }).selectOption(c.check);
  if (c.check !== 'off') {
    await panel.getByRole('combobox', { name: 'Correction' }).selectOption(c.correction);
    if (c.rules !== undefined) {
      await panel.getByRole('textbox', { name: 'Rules' }).fill(c.rules);
      await panel.getByRole('textbox', { name: 'Rules' }).blur();
    }
    await panel.getByRole('spinbutton', { name: 'Rewinds per sentence' }).fill(String(c.rewinds ?? 2));
  }
  await panel.getByRole('button', { name: 'Close sentence checks' }).click();
}

/**
 * The aligner judge's milliseconds per sentence on this backend, from the trails of answers in
 * the app's own sentence loop (judge only: no rewinds). The first answer loads the corrector
 * and warms its kernels and is not counted.
 */
async function judgeLatency(page, plan) {
  const perSentence = [];
  for (let i = 0; i < 1 + plan.judgeRuns; i++) {
    await page.getByRole('button', { name: '+ New conversation' }).click();
    await setPipeline(page, { check: 'aligner-judge', correction: 'aligner-rewrite', rewinds: 0 });
    await page.getByRole('textbox', { name: 'Message' }).fill(plan.prompt);
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await page.waitForSelector('article[data-role="assistant"]:is([data-status="done"],[data-status="error"])', { timeout: 600_000 });
    const a = (await latestStats(page)).alignment;
    if (i > 0 && a?.trails.length) for (const t of a.trails) perSentence.push(t.timings.checkMs);
  }
  process.stdout.write(`  ${plan.backend} aligner judge: ${perSentence.map((x) => Math.round(x)).join(', ')} ms per sentence\n`);
  return { median: median(perSentence), spread: spread(perSentence), sentences: perSentence.length };
}

async function measure(plan) {
  const browser = await chromium.launch({ executablePath, args: [...quiet, ...plan.flags, browserMarker] });
  const results = [];
  let judge = null;
  let heaps = null;
  try {
    for (let i = 0; i < plan.runs; i++) {
      // No service worker: its offline copy (~55 MB) would download beside the measurement.
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      await page.goto(`http://localhost:${PORT}/`);
      const box = page.getByRole('textbox', { name: 'Message' });
      await page.waitForFunction(() => document.querySelector('.backend-note')?.textContent?.includes(' — '), null, { timeout: 300_000 });
      const readyMs = await page.evaluate(() => performance.now());
      // Answer length is a setting; set it through the UI like a user would.
      await page.getByRole('button', { name: 'Models and settings' }).click();
      await page.getByRole('spinbutton', { name: 'Longest answer (tokens)' }).fill(String(plan.maxTokens));
      // The model's own decoding is measured: no answers from the offline library here.
      await page.getByRole('combobox', { name: 'Answer from the offline library' }).selectOption('off');
      await page.getByRole('button', { name: 'Close', exact: true }).click();
      // Plain decoding: the default pipeline's cost is measured apart (judge rows, sentence loop).
      await setPipeline(page, { check: 'off' });
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
      if (i === plan.runs - 1 && hasTokens) judge = await judgeLatency(page, plan);
      // Peak of the whole run: page, llm worker and (after the judge rows) the aligner worker.
      Object.assign(results.at(-1), { memory: browserPeakMemory() });
      if (i === plan.runs - 1 && !quick) {
        process.stdout.write(`  ${plan.backend}: asking the browser for each worker's heap (up to a minute)…\n`);
        heaps = await heapsByScope(page);
      }
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
    backendNote: results[0]?.backendNote, judgeMsPerSentence: judge,
    // Peak resident MiB of the last run's renderer (page + workers; a fresh one per run) and of the
    // GPU process (one per browser, so over all of this backend's runs).
    peakMemoryMiB: results.at(-1)?.memory ?? null,
    // JavaScript + WebAssembly heaps per scope at the end of the last run (MiB), where the browser exposes them.
    heapMiBByScope: heaps,
    raw: results,
  };
}

async function latestStats(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('redraft');
    open.onsuccess = () => {
      const req = open.result.transaction('conversations').objectStore('conversations').getAll();
      req.onsuccess = () => resolve(req.result.sort((a, b) => b.updatedAt - a.updatedAt)[0].messages.at(-1).stats);
    };
  }));
}

/** The engine's raw step loop in this page (Models and settings → Measure decode speed): tokens per second, and the answer loop's with its events dropped in the worker. */
async function rawSpeed(page) {
  await page.getByRole('button', { name: 'Models and settings' }).click();
  await page.getByRole('button', { name: 'Measure decode speed' }).click();
  const out = page.locator('output[aria-label="Speed test result"]');
  await out.waitFor({ timeout: 600_000 });
  const text = await out.innerText();
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  const raw = Number(text.match(/Raw engine: ([\d.]+) tokens\/s/)?.[1]);
  const silent = Number(text.match(/nothing sent to the page: ([\d.]+) tokens\/s/)?.[1]);
  if (!Number.isFinite(raw) || !Number.isFinite(silent)) throw new Error(`speed test: ${text}`);
  return { raw, silent };
}

/** One answer in a new conversation with pipeline `c`: its stats once it is done. */
async function answerIn(page, c, prompt) {
  await page.getByRole('button', { name: '+ New conversation' }).click();
  await setPipeline(page, c);
  await page.getByRole('textbox', { name: 'Message' }).fill(prompt);
  await page.getByRole('textbox', { name: 'Message' }).press('Enter');
  await page.waitForSelector('article[data-role="assistant"]:is([data-status="done"],[data-status="error"])', { timeout: 600_000 });
  return latestStats(page);
}

/** The answer length setting (Models and settings → Longest answer). */
async function setLongest(page, tokens) {
  await page.getByRole('button', { name: 'Models and settings' }).click();
  await page.getByRole('spinbutton', { name: 'Longest answer (tokens)' }).fill(String(tokens));
  await page.getByRole('button', { name: 'Close', exact: true }).click();
}

const PAIRED_TOKENS = 256;

/** Paired rounds of the raw step loop and an answer with checks off, alternating which goes first (at least five in the full run). */
const PAIRED_ROUNDS = quick ? 2 : 8;

/**
 * The sentence loop's cost per method in one warm page on one backend: each method in a new
 * conversation, `runs` rounds, each round after the raw step loop (the speed test).
 */
async function measureMethods({ backend, flags, maxTokens, runs, pairedRounds = 0 }) {
  const browser = await chromium.launch({ executablePath, args: [...quiet, ...flags] });
  const rows = [];
  const pairs = [];
  const rawRuns = [];
  const silentRuns = [];
  try {
    const page = await (await browser.newContext({ serviceWorkers: 'block' })).newPage();
    await page.goto(`http://localhost:${PORT}/`);
    await page.waitForFunction(() => document.querySelector('.backend-note')?.textContent?.includes(' — '), null, { timeout: 300_000 });
    await page.getByRole('button', { name: 'Models and settings' }).click();
    await page.getByRole('spinbutton', { name: 'Longest answer (tokens)' }).fill(String(maxTokens));
    await page.getByRole('slider', { name: /Temperature/ }).fill('0');
    // A fixed seed: corrections that sample candidates (RAIN search, Transfer Q*) draw the same ones every run.
    await page.getByRole('spinbutton', { name: 'Seed' }).fill('1');
    await page.getByRole('combobox', { name: 'Answer from the offline library' }).selectOption('off');
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    // Warm-up answer, not measured: the first run pays for compiling the WASM kernels, and (with
    // the default pipeline) for loading the corrector, so that neither is counted in a row.
    await page.getByRole('textbox', { name: 'Message' }).fill('Hello');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    await page.waitForSelector('article[data-role="assistant"]:is([data-status="done"],[data-status="error"])', { timeout: 600_000 });
    const note = await page.locator('.backend-note').getAttribute('data-backend');
    if (note !== backend) throw new Error(`asked for ${backend}, the app chose ${note}`);
    // The answer loop's own cost, checks off, against the raw step loop: paired rounds in this
    // page, each the two back to back (which goes first alternating), so that the host's drift
    // over the run cancels in each round's ratio.
    // Answers of 256 tokens here (the speed test reads the same setting): a 64-token answer is a
    // fifth of a second, shorter than this host's swings.
    if (pairedRounds) await setLongest(page, PAIRED_TOKENS);
    for (let round = 0; round < pairedRounds; round++) {
      const offFirst = round % 2 === 1;
      const before = offFirst ? await answerIn(page, methodConfigs[0], 'Tell me a story.') : null;
      const { raw } = await rawSpeed(page);
      const off = before ?? (await answerIn(page, methodConfigs[0], 'Tell me a story.'));
      pairs.push({ round, offFirst, tokens: off.generatedTokens, rawTokensPerSecond: raw, offTokensPerSecond: off.tokensPerSecond, ratio: off.tokensPerSecond / raw });
      process.stdout.write(`  ${backend} paired round ${round + 1}: raw ${raw.toFixed(1)} tok/s, off ${off.tokensPerSecond.toFixed(1)} tok/s (×${(off.tokensPerSecond / raw).toFixed(3)})\n`);
    }
    if (pairedRounds) await setLongest(page, maxTokens);
    for (let run = 0; run < runs; run++) {
      const { raw, silent } = await rawSpeed(page);
      rawRuns.push(raw);
      silentRuns.push(silent);
      process.stdout.write(`  ${backend} raw engine run ${run + 1}: ${raw.toFixed(1)} tok/s; answer loop, events dropped: ${silent.toFixed(1)} tok/s\n`);
      for (const c of methodConfigs) {
        const s = await answerIn(page, c, 'Tell me a story.');
        const a = s.alignment;
        rows.push({
          name: c.name, run,
          answerTokens: s.generatedTokens,
          // The answer's own decode speed (steps after the first token), comparable with the raw engine loop.
          statsTokensPerSecond: s.tokensPerSecond,
          // Tokens of the answer stream (the generator's drafts) per second of wall time after the prefill.
          tokensPerSecond: (a ? a.draftTokens : s.generatedTokens) / ((s.totalMs - s.prefillMs) / 1000),
          firstSentenceMs: a ? a.firstCommitMs : s.firstSentenceMs,
          totalMs: s.totalMs,
          sentences: a?.sentences ?? null, corrected: a?.corrected ?? null, rewinds: a?.rewinds ?? null,
          // Candidates written beside the drafts (corrections, resamples), over the whole answer.
          candidates: a ? a.trails.reduce((t, x) => t + x.candidates.filter((k) => k.source !== 'draft').length, 0) : null,
          addedMs: a?.addedMs ?? 0, engineSteps: a?.engineSteps ?? s.generatedTokens,
          // Milliseconds the check took per sentence (the judge's latency, for the aligner).
          checkMsPerSentence: a ? a.trails.reduce((t, x) => t + x.timings.checkMs, 0) / Math.max(1, a.trails.length) : null,
        });
        const r = rows.at(-1);
        process.stdout.write(`  ${backend} ${c.name} run ${run + 1}: ${r.tokensPerSecond.toFixed(1)} tok/s, first sentence ${Math.round(r.firstSentenceMs)} ms\n`);
      }
    }
  } finally {
    await browser.close();
  }
  const byName = methodConfigs.map((c) => {
    const mine = rows.filter((r) => r.name === c.name);
    return {
      name: c.name,
      tokensPerSecond: median(mine.map((r) => r.tokensPerSecond)),
      firstSentenceMs: median(mine.map((r) => r.firstSentenceMs)),
      corrected: median(mine.map((r) => r.corrected ?? 0)),
      sentences: median(mine.map((r) => r.sentences ?? 0)),
      engineSteps: median(mine.map((r) => r.engineSteps)),
      rewinds: median(mine.map((r) => r.rewinds ?? 0)),
      candidates: median(mine.map((r) => r.candidates ?? 0)),
      addedMsPerSentence: median(mine.map((r) => r.addedMs / Math.max(1, r.sentences ?? 0))),
      checkMsPerSentence: mine[0].checkMsPerSentence === null ? null : median(mine.map((r) => r.checkMsPerSentence)),
    };
  });
  const off = byName[0];
  for (const m of byName) {
    m.tokensPerSecondRatio = m.tokensPerSecond / off.tokensPerSecond;
    m.firstSentenceRatio = m.firstSentenceMs / off.firstSentenceMs;
  }
  // What the answer loop itself costs with checks off: its decode speed against the raw step loop.
  const offStats = median(rows.filter((r) => r.name === 'off').map((r) => r.statsTokensPerSecond));
  // raw step loop → the answer loop with its events dropped in the worker → the answer loop
  // streaming to the page (the `off` row): where the loop's cost is.
  const engineLoop = {
    rawTokensPerSecond: median(rawRuns), rawSpread: spread(rawRuns),
    silentAnswerTokensPerSecond: median(silentRuns), silentSpread: spread(silentRuns),
    offTokensPerSecond: offStats, offCostShare: 1 - offStats / median(rawRuns),
    // The target's measure: the median over the paired rounds of off ÷ raw (same round).
    pairedRounds: pairs, pairedOffRatio: pairs.length ? median(pairs.map((p) => p.ratio)) : null, pairedSpread: spread(pairs.map((p) => p.ratio)),
  };
  return { backend, prompt: 'Tell me a story.', maxTokens, temperature: 0, runs, engineLoop, methods: byName, raw: rows };
}

/**
 * The in-page assistant on the demo article: from pressing Enter to the first sentence shown
 * with a citation (the widget's own `data-first-cited-ms`), with the model and the corrector
 * loaded; the whole answer too where it is run to the end (WASM).
 */
async function measureWidget({ backend, flags, runs, toEnd }) {
  const browser = await chromium.launch({ executablePath, args: [...quiet, ...flags] });
  const firstCited = [];
  const answered = [];
  try {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.goto(`http://localhost:${PORT}/demo/article.html`);
    const widget = page.locator('redraft-widget');
    await widget.getByRole('button', { name: 'Ask about this page' }).click();
    const panel = widget.getByRole('dialog', { name: 'Ask about this page' });
    await panel.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 300_000 });
    // The frame loads the corrector once the model is ready; let it finish.
    await page.waitForTimeout(5000);
    for (let i = 0; i < runs; i++) {
      await panel.getByRole('textbox', { name: 'Question about this page' }).fill(WIDGET_QUESTION);
      const t0 = Date.now();
      await page.keyboard.press('Enter');
      const turn = panel.locator('li.qa').nth(i);
      await turn.and(page.locator('[data-first-cited-ms]')).waitFor({ timeout: 300_000 });
      firstCited.push(Number(await turn.getAttribute('data-first-cited-ms')));
      if (!toEnd) await panel.getByRole('button', { name: 'Stop' }).click();
      await turn.and(page.locator('[data-done]')).waitFor({ timeout: 300_000 });
      if (toEnd) answered.push(Date.now() - t0);
      process.stdout.write(`  in-page ${backend} run ${i + 1}/${runs}: first cited sentence ${firstCited.at(-1)} ms\n`);
    }
  } finally {
    await browser.close();
  }
  return {
    backend,
    page: '/demo/article.html',
    question: WIDGET_QUESTION,
    runs,
    firstCitedSentenceMs: { median: median(firstCited), spread: spread(firstCited) },
    wholeAnswerMs: answered.length ? { median: median(answered), spread: spread(answered) } : null,
  };
}
const WIDGET_QUESTION = 'How far can the beam be seen?';

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
  console.log(`Measuring the sentence loop on WASM (${methodRuns} run${methodRuns > 1 ? 's' : ''} per method)…`);
  out.sentenceLoop = await measureMethods({ backend: 'wasm', flags: [], maxTokens: 64, runs: methodRuns, pairedRounds: PAIRED_ROUNDS });
  // On WebGPU too, with short answers: here that is SwiftShader, about a token a second.
  if (!quick) {
    console.log('Measuring the sentence loop on WebGPU (1 run per method, 8-token answers)…');
    out.sentenceLoopWebGPU = await measureMethods({ backend: 'webgpu', flags: ['--enable-unsafe-webgpu'], maxTokens: 8, runs: 1 });
  }
  console.log('Measuring the bundled model\'s fp32 and 8-bit graphs side by side (Node, CPU)…');
  out.dtypes = await measureDtypes(process.cwd(), { rounds: quick ? 2 : 5 });
  console.log('Measuring the in-page assistant on the demo article…');
  out.inPage = [await measureWidget({ backend: 'wasm', flags: [], runs: quick ? 1 : 3, toEnd: true })];
  if (!quick) out.inPage.push(await measureWidget({ backend: 'webgpu', flags: ['--enable-unsafe-webgpu'], runs: 1, toEnd: false }));
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `${out.date.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(out, null, 2));
  const f = (x) => (Number.isFinite(x) ? Math.round(x).toString() : '-');
  console.log(`\nRedraft bench — ${out.date} — ${out.browser} — commit ${out.commit}`);
  console.log(`main page: ${(out.mainPage.rawBytes / 1024).toFixed(0)} KiB (${(out.mainPage.gzipBytes / 1024).toFixed(0)} KiB gzip); lazy assets ${(out.mainPage.lazyAssetBytes / 2 ** 20).toFixed(1)} MiB`);
  console.log('backend | runs | model ready ms | load→first token ms | send→first token ms | decode tok/s | aligner judge ms/sentence | peak MiB renderer / GPU process');
  console.log('--------|------|----------------|---------------------|---------------------|--------------|---------------------------|--------------------------------');
  for (const b of out.backends) {
    const j = b.judgeMsPerSentence;
    const m = b.peakMemoryMiB;
    console.log(`${b.backend.padEnd(7)} | ${String(b.runs).padEnd(4)} | ${f(b.modelReadyMs.median).padEnd(14)} | ${f(b.loadToFirstTokenMs.median).padEnd(19)} | ${f(b.firstTokenAfterSendMs.median).padEnd(19)} | ${b.decodeTokensPerSecond.median.toFixed(1).padEnd(12)} | ${(j ? `${f(j.median)} (${j.spread.map(f).join('–')}, n ${j.sentences})` : '-').padEnd(25)} | ${m ? `${f(m.rendererPeakMiB)} / ${f(m.gpuPeakMiB)}` : '-'}`);
  }
  for (const b of out.backends) {
    if (b.heapMiBByScope) console.log(`${b.backend} heaps (JS + WASM, MiB) at the end: ${Object.entries(b.heapMiBByScope).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  for (const loop of [out.sentenceLoop, out.sentenceLoopWebGPU].filter(Boolean)) {
    console.log(`\nsentence loop on ${loop.backend === 'wasm' ? 'WASM' : 'WebGPU'} (${loop.prompt}, ${loop.maxTokens} tokens, greedy; ratios to off in this run)`);
    console.log('method                   | tok/s | ×off | first sentence ms | ×off | sentences | corrected | rewinds | candidates | engine steps | added ms/sentence | check ms/sentence');
    console.log('-------------------------|-------|------|-------------------|------|-----------|-----------|---------|------------|--------------|-------------------|------------------');
    for (const m of loop.methods) {
      console.log(`${m.name.padEnd(24)} | ${m.tokensPerSecond.toFixed(1).padStart(5)} | ${m.tokensPerSecondRatio.toFixed(2)} | ${f(m.firstSentenceMs).padStart(17)} | ${m.firstSentenceRatio.toFixed(2)} | ${String(m.sentences).padStart(9)} | ${String(m.corrected).padStart(9)} | ${String(m.rewinds).padStart(7)} | ${String(m.candidates).padStart(10)} | ${f(m.engineSteps).padStart(12)} | ${f(m.addedMsPerSentence).padStart(17)} | ${m.checkMsPerSentence === null ? '-' : f(m.checkMsPerSentence)}`);
    }
    const el = loop.engineLoop;
    console.log(`raw engine step loop ${el.rawTokensPerSecond.toFixed(1)} tok/s; answer loop, events dropped in the worker ${el.silentAnswerTokensPerSecond.toFixed(1)} tok/s; answer loop with checks off, streaming to the page ${el.offTokensPerSecond.toFixed(1)} tok/s: the loop costs ${(100 * el.offCostShare).toFixed(1)}%`);
    if (el.pairedOffRatio !== null) console.log(`answer loop with checks off ÷ raw step loop, median of ${el.pairedRounds.length} paired rounds in one page: ${el.pairedOffRatio.toFixed(3)} (${el.pairedSpread.map((x) => x.toFixed(3)).join('–')}); target ≥ 0.95`);
  }
  printDtypes(out.dtypes);
  console.log('\nin-page assistant (demo article, model and corrector loaded)');
  console.log('backend | runs | question → first cited sentence ms | whole answer ms');
  console.log('--------|------|------------------------------------|----------------');
  for (const w of out.inPage) {
    const c = w.firstCitedSentenceMs;
    console.log(`${w.backend.padEnd(7)} | ${String(w.runs).padEnd(4)} | ${`${f(c.median)} (${c.spread.map(f).join('–')})`.padEnd(34)} | ${w.wholeAnswerMs ? f(w.wholeAnswerMs.median) : '-'}`);
  }
  console.log(`\nwrote ${file}`);
} finally {
  server.kill();
}

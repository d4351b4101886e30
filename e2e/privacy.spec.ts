// Privacy, offline use, your data, and faults: each claim of docs/privacy.md checked in Chromium
// with the bundled model on WASM.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { crashWorker, lastAnswer, openApp, send, sendAndWait, setChecks, setMaxTokens, startLongAnswer, storedConversations } from './helpers';

async function openDevice(page: Page) {
  await page.getByRole('button', { name: 'Models and settings' }).click();
  return page.getByRole('dialog', { name: 'Models' });
}

test('every request of a chat turn stays on this origin, none carries the typed text, and the network panel lists them all', async ({ page, context }) => {
  const secret = 'my private plan 4417';
  const seen: { url: string; body: string }[] = [];
  // At the browser level: the page's and the workers' requests.
  context.on('request', (r) => seen.push({ url: r.url(), body: r.postData() ?? '' }));
  await openApp(page);
  await setMaxTokens(page, 16);
  await send(page, secret);
  await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
  const origin = new URL(page.url()).origin;
  const http = seen.filter((r) => /^https?:/.test(r.url));
  expect(http.length).toBeGreaterThan(3);
  expect(http.filter((r) => !r.url.startsWith(`${origin}/`))).toEqual([]);
  expect(seen.filter((r) => r.url.includes('4417') || r.body.includes('4417') || r.body.includes(secret))).toEqual([]);

  await page.getByRole('button', { name: 'Network' }).click();
  const panel = page.getByRole('dialog', { name: 'Network requests' });
  await expect(panel.getByRole('status')).toContainText('all to this app');
  const listed = new Set(await panel.locator('td.url').evaluateAll((tds) => tds.map((td) => td.getAttribute('title'))));
  // Everything the browser saw is in the panel, the workers' requests included.
  for (const r of http) expect(listed, r.url).toContain(r.url);
  await expect(panel.locator('tr', { hasText: '/models/pocket-lm/onnx/model_quantized.onnx' }).first()).toContainText('bundled model file');
  await expect(panel.locator('tr', { hasText: 'ort-wasm' }).first()).toContainText('llm worker');
  await page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
});

test('the server only serves files: POST, PUT and DELETE are refused with 405', async ({ request }) => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
    const res = await request.fetch('/', { method, data: 'x' });
    expect(res.status(), method).toBe(405);
    expect(res.headers().allow).toBe('GET, HEAD');
    expect(res.headers()['content-security-policy']).toBeTruthy();
  }
  expect((await request.get('/')).status()).toBe(200);
});

test('the Content-Security-Policy lets no page or worker that handles text reach another host; only the download worker may reach the model hosts', async ({ page, request }) => {
  await openApp(page);
  const blocked = await page.evaluate(async () => {
    const violation = new Promise<string>((resolve) => document.addEventListener('securitypolicyviolation', (e) => resolve(`${e.violatedDirective} ${e.blockedURI}`), { once: true }));
    const fetched = await fetch('https://huggingface.co/api/models').then(() => 'fetched', () => 'refused');
    return { fetched, violation: await violation };
  });
  expect(blocked).toEqual({ fetched: 'refused', violation: 'connect-src https://huggingface.co/api/models' });
  // The llm worker that answers is under the same policy.
  const worker = page.workers().find((w) => w.url().includes('/llm.worker'));
  expect(worker).toBeDefined();
  expect(await worker!.evaluate(() => fetch('https://huggingface.co/api/models').then(() => 'fetched', () => 'refused'))).toBe('refused');
  const csp = async (p: string) => (await request.get(p)).headers()['content-security-policy'];
  // The in-page assistant's frame too (it reads pages' text): any page may embed it, it reaches no other host.
  for (const p of ['/', '/embed.html', new URL(worker!.url()).pathname]) {
    expect(await csp(p)).toContain("connect-src 'self' blob: data:;");
    expect(await csp(p)).not.toContain('huggingface');
  }
  expect(await csp('/')).toContain("frame-ancestors 'self'");
  expect(await csp('/embed.html')).toContain('frame-ancestors *');
  const html = await (await request.get('/')).text();
  expect(html).toContain('http-equiv="Content-Security-Policy"');
  // Only the download worker's script carries the model hosts.
  const download = readdirSync('dist/assets').find((f) => /^llm-download\.worker-.*\.js$/.test(f));
  expect(await csp(`/assets/${download}`)).toContain('https://huggingface.co');
});

test.describe('offline', () => {
  test.use({ serviceWorkers: 'allow' });

  test('after one visit the app is installable, and a reload with the network off starts it and chats', async ({ page, context }) => {
    await openApp(page);
    // The service worker stores the app, the runtime and the bundled models, then activates.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const device = await openDevice(page);
    await expect(device.getByLabel('Offline status')).toContainText('Works offline', { timeout: 120_000 });
    await expect(device.getByLabel('Storage summary')).toContainText('used of');
    await device.getByRole('button', { name: 'Close', exact: true }).click();
    // Installable as an app: Chromium finds nothing missing (manifest, icons, service worker).
    // Playwright's contexts are incognito, which alone keeps Chromium from offering it.
    const { installabilityErrors } = await (await context.newCDPSession(page)).send('Page.getInstallabilityErrors');
    expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
    await context.setOffline(true);
    await page.reload();
    await openApp(page);
    await setMaxTokens(page, 16);
    await send(page, 'Hello from a plane');
    await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
    await expect(page.locator('article[data-role="assistant"] .content').last()).not.toBeEmpty();
  });

  test('an update takes over only once it is completely stored: a broken one leaves the running version working, a whole one is offered', async ({ page }) => {
    // Deploys, each with a server restart, on a port of its own (a new origin, so a new service
    // worker registration). dist/sw.js is put back at the end for the other tests.
    const port = 4391;
    const swFile = 'dist/sw.js';
    const current = readFileSync(swFile, 'utf8');
    let server: ChildProcess | null = null;
    const restart = async () => {
      if (server) await new Promise((resolve) => { server!.once('exit', resolve); server!.kill(); });
      server = spawn(process.execPath, ['scripts/serve.mjs', '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise((resolve) => server!.stdout!.once('data', resolve));
    };
    const deploy = async (body: string) => {
      writeFileSync(swFile, body);
      await restart();
    };
    // The new version's state once the browser has tried to install it.
    const tryUpdate = () => page.evaluate(async () => {
      const reg = (await navigator.serviceWorker.getRegistration())!;
      const outcome = new Promise<string>((resolve) => {
        reg.addEventListener('updatefound', () => {
          const w = reg.installing!;
          w.addEventListener('statechange', () => {
            if (w.state === 'installed' || w.state === 'redundant') resolve(w.state);
          });
        }, { once: true });
        setTimeout(() => resolve('no update'), 60_000);
      });
      await reg.update().catch(() => {});
      return outcome;
    });
    const ready = async () => {
      await expect(page.locator('.backend-note')).toContainText('WASM —', { timeout: 120_000 });
      await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
    };
    try {
      await restart();
      await page.goto(`http://localhost:${port}/`);
      await ready();
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await page.reload();
      await ready();
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`http://localhost:${port}/sw.js`);

      // A version whose files cannot all be stored (one is missing on the server) never installs.
      await deploy(current.replace('"url":"icon-192.png"', '"url":"icon-193.png"'));
      expect(await tryUpdate()).toBe('redundant');
      await expect(page.getByText('A new version of Redraft is ready')).toHaveCount(0);
      await setMaxTokens(page, 8);
      await send(page, 'Still here');
      await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');

      // A whole version (one file changed) installs beside the running one and is offered.
      await deploy(current.replace(/"revision":"[0-9a-f]{32}","url":"icon-192\.png"/, `"revision":"${'0'.repeat(32)}","url":"icon-192.png"`));
      expect(await tryUpdate()).toBe('installed');
      await expect(page.getByText('A new version of Redraft is ready')).toBeVisible();
      await page.getByRole('button', { name: 'Reload now' }).click();
      await page.waitForEvent('load');
      await ready();
      await expect(page.getByText('A new version of Redraft is ready')).toHaveCount(0);
      expect(await page.evaluate(async () => !!(await navigator.serviceWorker.getRegistration())?.waiting)).toBe(false);
      // The conversation is still there.
      await expect(page.locator('article[data-role="user"] .content')).toHaveText('Still here');
    } finally {
      writeFileSync(swFile, current);
      (server as ChildProcess | null)?.kill();
    }
  });

  test('a model downloaded from the Hub loads and answers after a reload with the network off', async ({ page, context }) => {
    // A stand-in Hub (there is no internet here): it serves the bundled model's files under the
    // Hub's URLs, the weights for any .onnx file. The llm worker downloads them like any Hub model.
    const served: string[] = [];
    await context.route(/huggingface\.co|hf\.co/, async (route) => {
      const url = new URL(route.request().url());
      const name = url.pathname.split('/').pop() ?? '';
      const file = name.endsWith('.onnx') ? 'public/models/pocket-lm/onnx/model.onnx' : path.join('public/models/pocket-lm', name);
      const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Content-Length' };
      if (!name || !existsSync(file)) return route.fulfill({ status: 404, headers: cors, body: 'not found' });
      served.push(url.pathname);
      return route.fulfill({ status: 200, headers: { ...cors, 'Content-Type': 'application/octet-stream' }, body: readFileSync(file) });
    });
    await openApp(page);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    const device = await openDevice(page);
    await expect(device.getByLabel('Offline status')).toContainText('Works offline', { timeout: 120_000 });
    const hub = device.locator('li[data-model="SmolLM2-135M-Instruct (ONNX)"]');
    await hub.getByRole('button', { name: 'Download' }).click();
    await expect(page.locator('.model-button')).toHaveText('SmolLM2-135M-Instruct (ONNX)', { timeout: 120_000 });
    expect(served.some((p) => p.endsWith('.onnx'))).toBe(true);
    // Downloaded in the download worker, then loaded from this device in one that cannot reach any host.
    await expect.poll(() => page.workers().some((w) => w.url().includes('/llm-download.worker'))).toBe(false);
    expect(page.workers().some((w) => w.url().includes('/llm.worker'))).toBe(true);
    await device.getByRole('button', { name: 'Close', exact: true }).click();

    await context.unrouteAll({ behavior: 'ignoreErrors' });
    await context.setOffline(true);
    await page.reload();
    // The chosen model comes back from the browser's cache, with no network.
    await expect(page.locator('.model-button')).toHaveText('SmolLM2-135M-Instruct (ONNX)', { timeout: 120_000 });
    await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
    await setMaxTokens(page, 8);
    await send(page, 'Hello');
    const answer = await lastAnswer(page);
    await expect(answer).toHaveAttribute('data-status', 'done');
    await expect(answer.locator('.model')).toContainText('SmolLM2-135M-Instruct (ONNX)');
  });
});

test('export all → delete all → import: every conversation comes back; importing again adds nothing', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 8);
  await send(page, 'First conversation');
  await lastAnswer(page);
  await page.getByRole('button', { name: '+ New conversation' }).click();
  await send(page, 'Second conversation');
  await lastAnswer(page);
  const before = await storedConversations(page);
  expect(before).toHaveLength(2);

  let device = await openDevice(page);
  const downloading = page.waitForEvent('download');
  await device.getByRole('button', { name: 'Export all conversations' }).click();
  const file = await (await downloading).path();
  const exported = JSON.parse(readFileSync(file, 'utf8'));
  expect(exported).toMatchObject({ format: 'redraft-archive', version: 1 });
  expect(exported.conversations).toHaveLength(2);

  page.once('dialog', (d) => void d.accept());
  await device.getByRole('button', { name: 'Delete all conversations' }).click();
  await expect(device.getByRole('status')).toContainText('All conversations deleted');
  await device.getByRole('button', { name: 'Close', exact: true }).click();
  await expect.poll(async () => (await storedConversations(page)).length).toBe(0);

  await page.getByLabel('Import conversations').setInputFiles(file);
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toContainText('Imported 2 conversations.');
  const after = await storedConversations(page);
  expect(after.map((c) => c.title).sort()).toEqual(before.map((c) => c.title).sort());
  expect(after.map((c) => c.messages.length)).toEqual(before.map((c) => c.messages.length));

  await page.getByLabel('Import conversations').setInputFiles(file);
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toContainText('Imported 0 conversations; 2 already here, unchanged.');
  expect(await storedConversations(page)).toHaveLength(2);
  device = await openDevice(page);
  await expect(device.getByLabel('Storage summary')).toContainText('used of');
});

test('a hostile import file is refused and changes nothing; hostile markdown in a valid one stays inert', async ({ page }) => {
  await openApp(page);
  const now = new Date().toISOString();
  const conversation = (content: string) => ({
    id: 'hostile-1', title: '<img src=x onerror="window.__pwned=1">', createdAt: 1, updatedAt: 2,
    messages: [
      { id: 'u1', role: 'user', content: 'hi', createdAt: 1 },
      { id: 'a1', role: 'assistant', content, createdAt: 2, status: 'done' },
    ],
  });
  const markup = [
    '<script>window.__pwned=1</script>',
    '<img src="http://tracker.invalid/pixel.gif" onerror="window.__pwned=1">',
    '[click](javascript:window.__pwned=1)',
    '![remote](http://tracker.invalid/image.png)',
    '<style>body{background:url(http://tracker.invalid/css)}</style>',
    '<a href="http://example.invalid" onclick="window.__pwned=1">link</a>',
  ].join('\n\n');
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));

  // Extra keys (here a __proto__ one) make the file invalid: refused, nothing stored.
  const polluted = JSON.stringify({ format: 'redraft-archive', version: 1, exportedAt: now, conversations: [conversation('x')] })
    .replace('"id":"hostile-1"', '"__proto__":{"polluted":1},"id":"hostile-1"');
  await page.getByLabel('Import conversations').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(polluted) });
  await expect(page.getByRole('alert')).toContainText('Nothing was imported. This is not a Redraft export');
  await page.getByLabel('Import conversations').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "redraft-archive"') });
  await expect(page.getByRole('alert')).toContainText('Nothing was imported. This file is not JSON.');
  expect(await storedConversations(page)).toHaveLength(0);

  const valid = JSON.stringify({ format: 'redraft-archive', version: 1, exportedAt: now, conversations: [conversation(markup)] });
  await page.getByLabel('Import conversations').setInputFiles({ name: 'ok.json', mimeType: 'application/json', buffer: Buffer.from(valid) });
  await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toContainText('Imported 1 conversation.');
  const answer = page.locator('article[data-role="assistant"] .content');
  await expect(answer).toContainText('link');
  expect(await answer.locator('script, img, style, iframe').count()).toBe(0);
  for (const a of await answer.locator('a').all()) {
    expect(await a.getAttribute('onclick')).toBeNull();
    expect(await a.getAttribute('href') ?? '').not.toMatch(/^javascript:/i);
  }
  // The title is text, not markup.
  await expect(page.getByRole('navigation', { name: 'Conversations' })).toContainText('<img src=x');
  for (const a of await answer.locator('a').all()) await a.click({ modifiers: ['Control'] }).catch(() => {});
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(requests.filter((u) => u.includes('tracker.invalid'))).toEqual([]);
});

test('a full disk: the answer is written, the error says storage is full, nothing on screen is lost', async ({ page, context }) => {
  // The settings dialog is not opened first: it reads the storage estimate, after which Chromium
  // ignores a quota override. So the library stays on, and it answers.
  await openApp(page, 'WASM', { library: 'bundled' });
  const cdp = await context.newCDPSession(page);
  const origin = new URL(page.url()).origin;
  // Every write fails with QuotaExceededError, as on a full disk. (Set before anything asks for
  // a storage estimate: Chromium ignores the override for an origin whose quota it has read.)
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1 });
  await setMaxTokens(page, 8);
  await send(page, 'Remember this sentence');
  const answer = await lastAnswer(page);
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(page.getByRole('alert')).toHaveAttribute('data-error', 'StorageFullError');
  await expect(page.locator('article[data-role="user"] .content')).toHaveText('Remember this sentence');
  await expect(answer.locator('.content')).not.toBeEmpty();
  // Space comes back: the next write stores the whole conversation.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  await sendAndWait(page, 'And this one');
  await expect.poll(async () => (await storedConversations(page))[0]?.messages.length).toBe(4);
});

test('the llm worker crashing mid-answer: the partial answer is kept and marked, the model comes back, the chat goes on', async ({ page }) => {
  await openApp(page);
  const answer = await startLongAnswer(page, 400);
  await crashWorker(page, '/llm.worker');
  await expect(answer).toHaveAttribute('data-status', 'error');
  await expect(page.getByRole('alert')).toContainText('stopped unexpectedly');
  const partial = await answer.locator('.content').innerText();
  expect(partial.length).toBeGreaterThan(0);
  // The model is loaded again into a fresh worker, by itself.
  await expect(page.locator('.backend-note')).toContainText('WASM —', { timeout: 120_000 });
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeEnabled();
  const stored = await storedConversations(page);
  expect(stored[0].messages[1]).toMatchObject({ status: 'error', content: expect.stringContaining(partial.trim().slice(0, 20)) });
  await setMaxTokens(page, 8);
  await expect(await sendAndWait(page, 'Hello again')).toHaveAttribute('data-status', 'done');
});

test('the aligner worker crashing mid-answer: the answer goes on unchecked and says so; the next answer has the corrector again', async ({ page }) => {
  await openApp(page);
  // The aligner pipeline: the aligner judges each sentence in its own worker.
  await setChecks(page, { check: 'aligner-judge', correction: 'aligner-rewrite' });
  const answer = await startLongAnswer(page, 300);
  await crashWorker(page, '/aligner.worker');
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(answer.locator('.alignment-unavailable')).toContainText(/Alignment unavailable from sentence \d+ on \(.*\): the rest of this answer was not checked\./);
  await setMaxTokens(page, 16);
  const next = await sendAndWait(page, 'Hello');
  await expect(next).toHaveAttribute('data-status', 'done');
  await expect(next.locator('.alignment-unavailable')).toHaveCount(0);
  const stats = (await storedConversations(page))[0].messages[3].stats;
  expect(stats?.alignment?.check).toBe('aligner-judge');
  expect(stats?.alignment?.trails.every((t) => !t.unchecked)).toBe(true);
});

test('two pages on the same store: what one writes, the other shows, without a reload', async ({ page, context }) => {
  await openApp(page);
  const other = await context.newPage();
  await openApp(other);
  await setMaxTokens(page, 8);
  await send(page, 'Written in the first tab');
  await lastAnswer(page);
  const nav = other.getByRole('navigation', { name: 'Conversations' });
  await expect(nav.getByRole('button', { name: 'Written in the first tab', exact: true })).toBeVisible();
  await expect(other.locator('article[data-role="assistant"]').last()).toHaveAttribute('data-status', 'done');
  // And back: the second tab deletes it, the first sees it go.
  other.once('dialog', (d) => void d.accept());
  await nav.getByRole('button', { name: 'Delete conversation Written in the first tab' }).click();
  await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: 'Written in the first tab', exact: true })).toHaveCount(0);
  expect(await storedConversations(page)).toHaveLength(0);
});

test('bad input: empty, a 1 MB prompt, control characters and many scripts', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 8);
  const box = page.getByRole('textbox', { name: 'Message' });
  // Empty and blank input send nothing.
  await box.fill('   \n ');
  await box.press('Enter');
  await expect(page.locator('article[data-role="user"]')).toHaveCount(0);

  const many = 'Hi \u0007\u0000 there — привет, 你好, مرحبا, שלום, नमस्ते, 🙂 e\u0301';
  await send(page, many);
  await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
  await expect(page.locator('article[data-role="user"] .content').last()).toHaveText(many);
  expect((await storedConversations(page))[0].messages[0].content).toBe(many);

  // A megabyte: refused before any work, the text stays in the box, the conversation is intact.
  const huge = 'word '.repeat(200_000);
  await box.evaluate((el: HTMLTextAreaElement, text) => {
    const set = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
    set.call(el, text);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, huge);
  await box.press('Enter');
  await expect(page.getByRole('alert')).toHaveAttribute('data-error', 'ContextWindowExceededError', { timeout: 120_000 });
  expect(await box.inputValue()).toHaveLength(huge.length);
  expect((await storedConversations(page))[0].messages).toHaveLength(2);
});

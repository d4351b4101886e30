import { expect, test } from '@playwright/test';
import { lastAnswer, openApp, send, setMaxTokens, startLongAnswer, storedConversations } from './helpers';

test('chooses WASM by itself when there is no GPU adapter, and says why', async ({ page }) => {
  await openApp(page, 'WASM');
  await expect(page.locator('.backend-note')).toContainText('no usable GPU adapter');
});

test('a chat turn on the bundled model (WASM) streams an answer, and nothing leaves the machine', async ({ page, context }) => {
  // context.on sees the workers' requests too (page.on misses them).
  const requests: string[] = [];
  context.on('request', (r) => requests.push(r.url()));
  await openApp(page);
  await send(page, 'Hello');
  const answer = await lastAnswer(page);
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(answer.locator('.content')).not.toBeEmpty();
  await expect(answer.locator('.model')).toContainText('pocket-lm · wasm');
  // The user's turn is shown as typed, and the conversation got its title from it.
  await expect(page.locator('article[data-role="user"] .content')).toHaveText('Hello');
  await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: 'Hello', exact: true })).toBeVisible();
  const origin = new URL(page.url()).origin;
  expect(requests.length).toBeGreaterThan(3);
  expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob):/.test(u))).toEqual([]);
  // On WASM the bundled model's 8-bit graph (workers/engine/onnx.ts bundledDtype).
  expect(requests.some((u) => u.includes('/models/pocket-lm/onnx/model_quantized.onnx'))).toBe(true);
});

test('a message sent while the model loads waits, says so, and goes when the model is ready; Esc takes a waiting one back', async ({ page }) => {
  // The model's weights come slowly, so the message is surely sent before the model is ready
  // (the context's route: the worker fetches them, and a page's route does not see its requests).
  await page.context().route('**/models/pocket-lm/onnx/model_quantized.onnx', async (route) => {
    await new Promise((r) => setTimeout(r, 4000));
    await route.continue();
  });
  await page.goto('/');
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('First question while loading');
  await box.press('Enter');
  await box.press('Escape');
  await expect(page.locator('.composer-note')).toHaveCount(0);
  await expect(box).toHaveValue('First question while loading');
  await box.fill('Hello while loading');
  await box.press('Enter');
  await expect(page.locator('.composer-note')).toContainText('your message goes as soon as it is ready');
  const answer = page.locator('article[data-role="assistant"]').last();
  await expect(answer).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.locator('article[data-role="user"] .content')).toHaveText(['Hello while loading']);
  await expect(page.locator('.composer-note')).toHaveCount(0);
  await expect(box).toHaveValue('');
});

test('Esc stops an answer midway; the partial answer is kept and the chat goes on', async ({ page }) => {
  await openApp(page);
  // Greedy: the bundled model's answer to this prompt runs to the length budget (see the
  // reference answers written by training/export.py), so Esc lands mid-answer.
  await setMaxTokens(page, 1000, 0);
  await send(page, 'Tell me a story.');
  const answer = page.locator('article[data-role="assistant"]').last();
  await expect(answer).toHaveAttribute('data-status', 'streaming');
  await expect(answer.locator('.content')).not.toBeEmpty();
  await page.keyboard.press('Escape');
  await expect(answer).toHaveAttribute('data-status', 'stopped');
  await expect(answer.getByText('Stopped', { exact: true })).toBeVisible();
  const partial = await answer.locator('.content').innerText();
  expect(partial.length).toBeGreaterThan(0);
  // Stored as stopped, with the same text.
  const [conv] = await storedConversations(page);
  expect(conv.messages.at(-1)).toMatchObject({ role: 'assistant', status: 'stopped' });
  // Stopped mid-sentence: the sentence being drafted stays, and the answer says it was not checked.
  if (conv.messages.at(-1)!.stats?.alignment?.unchecked) {
    await expect(answer.getByRole('note')).toContainText('was not checked');
  }
  // The engine is still usable: the next turn answers.
  await setMaxTokens(page, 24);
  await send(page, 'Hello');
  await expect(page.locator('article[data-role="assistant"]')).toHaveCount(2);
  await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
});

test('the stop button works too', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 1000, 0);
  await send(page, 'Tell me a story.');
  const answer = page.locator('article[data-role="assistant"]').last();
  await expect(answer.locator('.content')).not.toBeEmpty();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(answer).toHaveAttribute('data-status', 'stopped');
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
});

test('a reload finds the conversation again', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 24);
  await send(page, 'What does ocean mean?');
  const answer = await lastAnswer(page);
  const text = await answer.locator('.content').innerText();
  await page.reload();
  await openApp(page);
  await expect(page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: 'What does ocean mean?', exact: true })).toBeVisible();
  await expect(page.locator('article[data-role="user"] .content')).toHaveText('What does ocean mean?');
  await expect(page.locator('article[data-role="assistant"] .content')).toHaveText(text);
});

test('a reload during an answer keeps the answer so far, marked interrupted', async ({ page }) => {
  await openApp(page);
  await startLongAnswer(page, 300);
  // Saved while it is written (at most once a second): wait until the stored answer has text.
  await expect.poll(async () => {
    const reply = (await storedConversations(page))[0]?.messages.find((m) => m.role === 'assistant');
    return reply?.status === 'streaming' ? reply.content.length : 0;
  }, { timeout: 60_000 }).toBeGreaterThan(0);
  await page.reload();
  await openApp(page);
  const back = page.locator('article[data-role="assistant"]').last();
  await expect(back).toHaveAttribute('data-status', 'interrupted');
  await expect(back.locator('.content')).not.toBeEmpty();
  const stored = (await storedConversations(page))[0].messages;
  expect(stored.map((m) => m.role)).toEqual(['user', 'assistant']);
});

test('fifty sends in one moment: one question goes and is answered, the others are refused with the last text kept; screen and store agree', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 12);
  await page.getByRole('textbox', { name: 'Message' }).evaluate((box) => {
    const setValue = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
    for (let i = 0; i < 50; i++) {
      setValue.call(box, `Question ${i}?`);
      box.dispatchEvent(new Event('input', { bubbles: true }));
      box.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    }
  });
  const answer = await lastAnswer(page);
  await expect(answer).toHaveAttribute('data-status', 'done');
  await expect(page.locator('article[data-role="user"]')).toHaveCount(1);
  await expect(page.locator('article[data-role="user"] .content')).toHaveText('Question 0?');
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue('Question 49?');
  await expect.poll(async () => (await storedConversations(page))[0]?.messages.map((m) => `${m.role}:${m.status ?? ''}`)).toEqual(['user:', 'assistant:done']);
});

test('regenerate replaces the answer; edit-and-resend rewrites the turn', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 24);
  await send(page, 'Hello');
  await lastAnswer(page);
  await page.getByRole('button', { name: 'Regenerate' }).click();
  await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
  await expect(page.locator('article[data-role="assistant"]')).toHaveCount(1);

  await page.locator('article[data-role="user"]').getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('textbox', { name: 'Edit your message' });
  await edit.fill('What is 12 + 7?');
  await page.getByRole('button', { name: 'Save and resend' }).click();
  await expect(page.locator('article[data-role="user"] .content')).toHaveText('What is 12 + 7?');
  await expect(await lastAnswer(page)).toHaveAttribute('data-status', 'done');
  await expect(page.locator('article[data-role="assistant"]')).toHaveCount(1);
});

test('new conversation and switching between conversations', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 16);
  await send(page, 'Hello');
  await lastAnswer(page);
  await page.getByRole('button', { name: '+ New conversation' }).click();
  await expect(page.locator('article')).toHaveCount(0);
  await send(page, 'What is 3 + 4?');
  await lastAnswer(page);
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  await nav.getByRole('button', { name: 'Hello', exact: true }).click();
  await expect(page.locator('article[data-role="user"] .content')).toHaveText('Hello');
  expect(await storedConversations(page)).toHaveLength(2);
});

test('a prompt longer than the context window is refused before any work; the text stays', async ({ page }) => {
  await openApp(page);
  const box = page.getByRole('textbox', { name: 'Message' });
  // Shift+Enter adds a line instead of sending.
  await box.fill('first line');
  await box.press('Shift+Enter');
  await box.pressSequentially('second line');
  await expect(box).toHaveValue('first line\nsecond line');
  await expect(page.locator('article')).toHaveCount(0);
  const long = 'lorem ipsum dolor sit amet '.repeat(600);
  await box.fill(long);
  await box.press('Enter');
  const alert = page.getByRole('alert');
  await expect(alert).toHaveAttribute('data-error', 'ContextWindowExceededError');
  await expect(alert).toContainText('too long for the model');
  await expect(box).toHaveValue(long);
  await expect(page.locator('article')).toHaveCount(0);
  expect((await storedConversations(page)).flatMap((c) => c.messages)).toHaveLength(0);
});

test('markup in stored model output is rendered inert', async ({ page }) => {
  // A conversation as the model could have written it, saved earlier and read back on load.
  await openApp(page);
  await page.evaluate(async () => {
    const hostile = [
      'Here you go: <img src=x onerror="window.__pwned=1">',
      '<script>window.__pwned=2</script>',
      '[click me](javascript:window.__pwned=3)',
      '<a href="https://example.com" onclick="window.__pwned=4">link</a>',
      '<iframe src="https://example.com"></iframe><style>body{display:none}</style>',
      '**bold** and `code`',
      'Write to jane.doe@example.org.',
    ].join('\n\n');
    await new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('redraft');
      open.onsuccess = () => {
        const tx = open.result.transaction('conversations', 'readwrite');
        const now = Date.now();
        tx.objectStore('conversations').put({
          id: 'hostile', title: 'Hostile markup', createdAt: now, updatedAt: now,
          messages: [
            { id: 'u', role: 'user', content: 'show me', createdAt: now },
            { id: 'a', role: 'assistant', content: hostile, createdAt: now, status: 'done' },
          ],
        });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      };
    });
  });
  await page.reload();
  await openApp(page);
  const content = page.locator('article[data-role="assistant"] .content');
  await expect(content.locator('strong')).toHaveText('bold');
  await expect(content.locator('code')).toHaveText('code');
  expect(await content.locator('img, script, iframe, style, [onerror], [onclick]').count()).toBe(0);
  expect(await content.locator('a[href^="javascript:"]').count()).toBe(0);
  await expect(content.locator('a[href="https://example.com"]')).toHaveAttribute('rel', /noopener/);
  await content.locator('a', { hasText: 'click me' }).click().catch(() => {});
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await expect(page.locator('body')).toBeVisible();
  // The aligner worker's personal-data check ran on the answer.
  await expect(page.getByRole('note')).toContainText('an e-mail address');
});

test('markup in the model’s own answer executes nothing', async ({ page }) => {
  await openApp(page);
  // Greedy: the bundled model was tuned to repeat text exactly, markup included.
  await setMaxTokens(page, 64, 0);
  await send(page, 'Repeat exactly: <img src=x onerror="window.__pwned=1">');
  const answer = await lastAnswer(page);
  await expect(answer).toHaveAttribute('data-status', 'done');
  // The payload really is in the model's output (as stored)…
  const [conv] = await storedConversations(page);
  expect(conv.messages.at(-1)?.content).toContain('onerror="window.__pwned=1"');
  // …and nothing of it is live in the page.
  expect(await answer.locator('img, [onerror]').count()).toBe(0);
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
});

test('the list follows a streaming answer until the reader scrolls up, and then stays put', async ({ page }) => {
  await page.setViewportSize({ width: 480, height: 360 });
  await openApp(page);
  await setMaxTokens(page, 1000, 0);
  const list = page.getByRole('region', { name: 'Messages' });
  const gap = () => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  await send(page, 'Tell me a story.');
  const answer = page.locator('article[data-role="assistant"]').last();
  // Following: once the answer overflows the list, the list is scrolled to its end.
  await expect.poll(() => list.evaluate((el) => el.scrollHeight > el.clientHeight + 100)).toBe(true);
  await expect.poll(gap).toBeLessThan(48);
  // The reader scrolls up; the answer keeps growing and the list does not pull them back.
  await list.evaluate((el) => el.scrollTo({ top: 0 }));
  const before = (await answer.locator('.content').innerText()).length;
  await expect.poll(async () => (await answer.locator('.content').innerText()).length).toBeGreaterThan(before + 40);
  expect(await list.evaluate((el) => el.scrollTop)).toBeLessThan(10);
  await page.keyboard.press('Escape');
});

test('a fixed seed repeats a sampled answer, and the setting survives a reload', async ({ page }) => {
  await openApp(page);
  await setMaxTokens(page, 24, 1.2);
  await page.getByRole('button', { name: 'Models and settings' }).click();
  await page.getByRole('spinbutton', { name: 'Seed' }).fill('7');
  await page.getByRole('button', { name: 'Close', exact: true }).click();
  const answerText = async () => {
    await send(page, 'Tell me a story.');
    const answer = await lastAnswer(page);
    await expect(answer).toHaveAttribute('data-status', 'done');
    return answer.locator('.content').innerText();
  };
  const first = await answerText();
  await page.getByRole('button', { name: '+ New conversation' }).click();
  expect(await answerText()).toBe(first);
  await page.reload();
  await page.getByRole('button', { name: 'Models and settings' }).click();
  await expect(page.getByRole('spinbutton', { name: 'Seed' })).toHaveValue('7');
});

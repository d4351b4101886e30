// Files in a chat, with the bundled model on WASM: a PDF and a text file added to a conversation
// answer questions with citations into them (file name and page); unreadable files get a clear
// error and change nothing; files are stored with the conversation, removable, and exported.
import { expect, test, type Page } from '@playwright/test';
import { openApp, sendAndWait, storedConversations } from './helpers';

/** A one-page PDF whose page holds these lines of text (Helvetica), with a correct cross-reference table. */
function pdfWith(lines: string[]): Buffer {
  const esc = (t: string) => t.replace(/[\\()]/g, (c) => `\\${c}`);
  const stream = `BT /F1 12 Tf 72 720 Td 14 TL ${lines.map((l) => `(${esc(l)}) Tj T*`).join(' ')} ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

async function addFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await page.getByLabel('Add files to this conversation').setInputFiles(files);
}

const files = (page: Page) => page.getByRole('region', { name: 'Files in this conversation' });

test('a PDF and a text file added to a chat answer questions, cited into them; both are stored, removable and exported', async ({ page }) => {
  await openApp(page, 'WASM', { library: 'off' });
  await addFiles(page, [
    { name: 'greenhouse-manual.pdf', mimeType: 'application/pdf', buffer: pdfWith([
      'The Willowmere greenhouse is heated by a wood pellet boiler.',
      'The boiler burns 14 kilograms of pellets on a cold night.',
      'The vents open automatically when the air reaches 27 degrees.',
    ]) },
    { name: 'watering.txt', mimeType: 'text/plain', buffer: Buffer.from('Tomatoes in the greenhouse are watered every morning at six.\n\nThe rain barrel holds 400 litres of water.') },
  ]);
  await expect(files(page).locator('li.file')).toHaveCount(2);
  await expect(files(page)).toContainText('greenhouse-manual.pdf');
  await expect(files(page)).toContainText('watering.txt');

  const pellets = await sendAndWait(page, 'How many kilograms of pellets does the boiler burn on a cold night?');
  await expect(pellets.locator('.content.sourced')).toContainText('14 kilograms of pellets');
  const cite = pellets.locator('.content.sourced button.cite').first();
  await cite.click();
  const id = (await cite.innerText()).replace(/\D/g, '');
  await expect(pellets.locator(`.sources li[data-source="${id}"] summary`)).toContainText('greenhouse-manual.pdf, page 1');

  const barrel = await sendAndWait(page, 'How much water does the rain barrel hold?');
  await expect(barrel.locator('.content.sourced')).toContainText('400 litres');
  await expect(barrel.locator('.sources li.cited summary').first()).toContainText('watering.txt');

  const unknown = await sendAndWait(page, 'Who built the greenhouse?');
  await expect(unknown.locator('.content.sourced')).toHaveText('Nothing in your documents answers that.');

  // Stored with the conversation (a reload finds them), and removable.
  await page.reload();
  await expect(files(page).locator('li.file')).toHaveCount(2);
  const stored = await storedConversations(page);
  expect((stored[0] as unknown as { files: { name: string }[] }).files.map((f) => f.name)).toEqual(['greenhouse-manual.pdf', 'watering.txt']);
  await files(page).getByRole('button', { name: 'Remove watering.txt' }).click();
  await expect(files(page).locator('li.file')).toHaveCount(1);
  await expect.poll(async () => ((await storedConversations(page))[0] as unknown as { files: unknown[] }).files.length).toBe(1);
});

test('a damaged PDF, an empty file and an unsupported one each get a clear error and change nothing', async ({ page }) => {
  await openApp(page, 'WASM', { library: 'off' });
  await addFiles(page, [
    { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 this is not really a pdf at all') },
    { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) },
    { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) },
  ]);
  const alert = files(page).getByRole('alert');
  await expect(alert).toContainText('“broken.pdf” could not be added');
  await expect(alert).toContainText('“empty.txt” could not be added: it is empty.');
  await expect(alert).toContainText('“photo.jpg” could not be added: Redraft reads PDF, Word (.docx), text, Markdown and HTML files');
  await expect(files(page).locator('li.file')).toHaveCount(0);
  expect(await storedConversations(page)).toEqual([]);
});

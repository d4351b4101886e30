// Files in a chat, with the bundled model on WASM: a PDF and a text file added to a conversation
// answer questions with citations into them (file name and page); unreadable files get a clear
// error and change nothing; files are stored with the conversation, removable, and exported.
import { expect, test, type Page } from '@playwright/test';
import { openApp, sendAndWait, storedConversations } from './helpers';

/** A one-page PDF whose page holds these lines of text (Helvetica), with a correct cross-reference table. */
function pdfWith(lines: string[], { password = false } = {}): Buffer {
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
  // A password: the standard security handler (RC4, 40-bit) with a user-password check value the
  // empty password does not produce, so a reader must ask for the password.
  const encrypt = password ? ` /Encrypt << /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <${'a1'.repeat(32)}> /U <${'b2'.repeat(32)}> >> /ID [<${'c3'.repeat(16)}> <${'c3'.repeat(16)}>]` : '';
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${encrypt} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (b: Buffer) => {
  let c = 0xffffffff;
  for (const x of b) c = CRC[(c ^ x) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A Word document (.docx: a ZIP of its XML parts, stored) whose paragraphs are these. */
function docxWith(paragraphs: string[]): Buffer {
  const esc = (t: string) => t.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));
  const parts: [string, string][] = [
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'],
    ['word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${paragraphs.map((p) => `<w:p><w:r><w:t>${esc(p)}</w:t></w:r></w:p>`).join('')}</w:body></w:document>`],
  ];
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of parts) {
    const data = Buffer.from(text, 'utf8');
    const file = Buffer.from(name, 'utf8');
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(data.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(file.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc32(data), 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(file.length, 28);
    entry.writeUInt32LE(offset, 42);
    local.push(head, file, data);
    central.push(entry, file);
    offset += head.length + file.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, dir, end]);
}

async function addFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]) {
  await page.getByLabel('Add files to this conversation').setInputFiles(files);
}

/** The composer takes messages again once every file is read and stored (after its chip shows). */
const composerReady = (page: Page) => expect(page.getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', /Enter to send/);

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
  await composerReady(page);

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

test('a Word document added to a chat answers a question, cited into it', async ({ page }) => {
  await openApp(page, 'WASM', { library: 'off' });
  await addFiles(page, [{
    name: 'depot-handbook.docx',
    mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    buffer: docxWith(['The Harbour Road depot opens at 7 in the morning on weekdays.', 'Forklifts are charged overnight in bay four.']),
  }]);
  await expect(files(page).locator('li.file')).toHaveCount(1);
  await composerReady(page);
  const bay = await sendAndWait(page, 'Where are the forklifts charged?');
  await expect(bay.locator('.content.sourced')).toContainText('bay four');
  await expect(bay.locator('.sources li.cited summary').first()).toContainText('depot-handbook.docx');
});

test('an HTML file added to a chat says who wrote it, from its markup, and answers without wandering through its other sentences', async ({ page }) => {
  await openApp(page, 'WASM', { library: 'off' });
  const html = `<!doctype html><html><head><title>Users and groups</title><meta name="author" content="Joey Hess"></head><body><article>
    <h1>Users and groups</h1>
    <p>The group dialout gives full and direct access to serial ports. Members of this group can reconfigure the modem.</p>
    <p>Programs that need to write to the terminals of other users are setgid tty. The program write lets you write to another user's terminal.</p>
    <p>If you did not receive a copy of the licence, write to the Free Software Foundation in Boston.</p>
    <p>Data written out by web servers is owned by the user www-data.</p>
  </article></body></html>`;
  await addFiles(page, [{ name: 'users-and-groups.html', mimeType: 'text/html', buffer: Buffer.from(html) }]);
  await expect(files(page).locator('li.file')).toHaveCount(1);
  await composerReady(page);
  const who = await sendAndWait(page, 'Who wrote this document?');
  const text = await who.locator('.content.sourced').innerText();
  expect(text).toMatch(/^Written by Joey Hess\./);
  // Not every sentence that has the verb.
  expect(text).not.toMatch(/Free Software Foundation|setgid|web servers/);
  await expect(who.locator('.sources li.cited summary').first()).toContainText('users-and-groups.html');
});

test('a table in an added file answers a count over all its rows, though they span several passages, cited to the file', async ({ page }) => {
  await openApp(page, 'WASM', { library: 'off' });
  const towns = ['Aberdeen', 'Brora', 'Carrbridge', 'Dingwall', 'Elgin', 'Forres', 'Golspie', 'Helmsdale', 'Inverness', 'Keith', 'Lairg', 'Moy', 'Nairn', 'Perth'];
  const rows = towns.map((town, i) => `<tr><td>${String(6 + i).padStart(2, '0')}:15</td><td>${town}</td><td>${i % 3 === 0 ? 2 : 1}</td><td>${i % 2 ? 'Daily' : 'Weekdays'}</td></tr>`).join('');
  const html = `<!doctype html><html><head><title>Departures</title></head><body><article><h1>Departures from Central</h1>
    <p>Trains leaving Central station in the morning, with their platforms.</p>
    <table><thead><tr><th>Time</th><th>Destination</th><th>Platform</th><th>Runs</th></tr></thead><tbody>${rows}</tbody></table></article></body></html>`;
  await addFiles(page, [{ name: 'departures.html', mimeType: 'text/html', buffer: Buffer.from(html) }]);
  await expect(files(page).locator('li.file')).toHaveCount(1);
  await composerReady(page);
  const count = await sendAndWait(page, 'How many trains run on weekdays?');
  // Every seventh row of 14 runs on weekdays: Aberdeen, Carrbridge, … (the even rows).
  await expect(count.locator('.content.sourced')).toHaveText(/^7 of the table’s 14 rows have “Weekdays” under “runs”: Aberdeen, Carrbridge, Elgin, Golspie, Inverness, Lairg and Nairn\.\[\d+\]$/);
  await expect(count.locator('.sources li.cited summary').first()).toContainText('departures.html');
});

test('a damaged PDF, a password-protected one, an empty file and an unsupported one each get a clear error and change nothing', async ({ page }) => {
  await openApp(page, 'WASM', { library: 'off' });
  await addFiles(page, [
    { name: 'broken.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 this is not really a pdf at all') },
    { name: 'locked.pdf', mimeType: 'application/pdf', buffer: pdfWith(['The safe code is 4471.'], { password: true }) },
    { name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) },
    { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) },
  ]);
  const alert = files(page).getByRole('alert');
  await expect(alert).toContainText('“broken.pdf” could not be added');
  await expect(alert).toContainText('“locked.pdf” could not be added: it is protected by a password');
  await expect(alert).toContainText('“empty.txt” could not be added: it is empty.');
  await expect(alert).toContainText('“photo.jpg” could not be added: Redraft reads PDF, Word (.docx), text, Markdown and HTML files');
  await expect(files(page).locator('li.file')).toHaveCount(0);
  expect(await storedConversations(page)).toEqual([]);
});

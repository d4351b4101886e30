// @vitest-environment happy-dom
// Files added to a chat: which reader a file needs, HTML read inert, passages that say where
// they are, and the files refused before anything is read (too large, empty, unsupported, twice).
import { describe, expect, it } from 'vitest';
import { FileReadError, MAX_FILE_BYTES, formatSize, htmlText, kindOf, passagesOf, readAttachment } from '../app/files';

describe('files in a chat', () => {
  it('picks the reader by the file name', () => {
    expect([kindOf('a.PDF'), kindOf('b.docx'), kindOf('notes.md'), kindOf('x.txt'), kindOf('page.htm'), kindOf('photo.jpg'), kindOf('old.doc')]).toEqual(['pdf', 'docx', 'text', 'text', 'html', null, null]);
    expect([kindOf('README'), kindOf('.bashrc'), kindOf('notes.log', 'text/plain'), kindOf('data.bin', 'application/octet-stream')]).toEqual(['text', 'text', 'text', null]);
  });

  it('reads HTML inert: no scripts or styles, blocks apart', async () => {
    const text = await htmlText('<html><head><title>T</title><style>p{}</style></head><body><p>First.</p><script>alert(1)</script><p>Second <b>bold</b>.</p><img src=x onerror="window.__pwned=1"></body></html>');
    expect(text.replace(/\s+/g, ' ').trim()).toBe('First. Second bold.');
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  it("says first who wrote an HTML file, where its markup names the author (a meta author, a byline's class)", async () => {
    const body = '<body><article><h1>Users and groups</h1><h3 class="author">Colin Watson</h3>' + '<p>The group dialout gives full and direct access to serial ports.</p>'.repeat(6) + '</article></body>';
    expect((await htmlText(`<html>${body}</html>`)).trim()).toMatch(/^Written by Colin Watson\.\n/);
    expect((await htmlText('<html><head><meta name="author" content="By Jane Doe"></head>' + body.replace(' class="author"', '') + '</html>')).trim()).toMatch(/^Written by Jane Doe\.\n/);
    // No author named: nothing is made up.
    expect((await htmlText('<html><body><p>Just a note about serial ports and modems.</p></body></html>')).trim()).toBe('Just a note about serial ports and modems.');
    // A table with column headers reads as rows of named cells, one paragraph each (empty cells
    // left out); the cells of any other table stay apart.
    const table = '<table><thead><tr><th>Time</th><th>Destination</th><th>Note</th></tr></thead><tbody><tr><td>06:15</td><td>Dr. Who Town</td><td>–</td></tr><tr><td>07:40</td><td>Brora</td><td>Stops at Lairg</td></tr></tbody></table>';
    expect((await htmlText(`<html><body>${table}<table><tr><td>a</td><td>b</td></tr></table></body></html>`)).trim().split(/\n\s*\n/).map((p) => p.trim()))
      .toEqual(['Time: 06:15; Destination: Dr. Who Town', 'Time: 07:40; Destination: Brora; Note: Stops at Lairg', 'a b']);
  });

  it('cuts text into passages of whole sentences that say where they are', () => {
    const long = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const ps = passagesOf('report.pdf', [{ where: 'page 1', text: 'A short page.' }, { where: 'page 2', text: long }]);
    expect(ps[0]).toEqual({ where: 'report.pdf, page 1', text: 'A short page.' });
    expect(ps.length).toBeGreaterThan(2);
    expect(ps.slice(1).every((p) => p.where === 'report.pdf, page 2' && /\.$/.test(p.text))).toBe(true);
    expect(passagesOf('notes.txt', [{ where: '', text: 'One.\n\nTwo.' }]).map((p) => p.where)).toEqual(['notes.txt, part 1']);
  });

  it('refuses a file too large, empty, of another kind, or already added, before reading it', async () => {
    const big = new File([new Uint8Array(MAX_FILE_BYTES + 1)], 'big.txt');
    await expect(readAttachment(big)).rejects.toThrow(/“big.txt” could not be added: it is 50 MB, and files of up to 50 MB can be added/);
    await expect(readAttachment(new File([], 'empty.md'))).rejects.toThrow('“empty.md” could not be added: it is empty.');
    await expect(readAttachment(new File(['x'], 'photo.jpg'))).rejects.toBeInstanceOf(FileReadError);
    const html = await readAttachment(new File(['<p>The library opens at nine.</p>'], 'hours.html'));
    expect(html.passages).toEqual([{ where: 'hours.html, part 1', text: 'The library opens at nine.' }]);
    await expect(readAttachment(new File(['<p>The library opens at nine.</p>'], 'hours.html'), [html])).rejects.toThrow('it is in this conversation already');
    await expect(readAttachment(new File(['<script>x</script>'], 'blank.html'))).rejects.toThrow('it has no text');
  });

  it('says sizes the way people read them', () => {
    expect([formatSize(120), formatSize(830 * 1024), formatSize(2.4 * 2 ** 20)]).toEqual(['120 B', '830 kB', '2.4 MB']);
  });
});

// The files worker: the text of a file the user adds to a conversation, read off the main thread
// with libraries made for the job: PDF with Mozilla's pdf.js (its own parser worker started
// from here), Word (.docx) with mammoth, plain text and Markdown as strict UTF-8. It never
// throws across the boundary: a file it cannot read comes back with the reason in words.
import * as Comlink from 'comlink';
import type { FileKind, FilePart, ParseResult } from './protocol';


async function pdfText(bytes: ArrayBuffer): Promise<FilePart[]> {
  const pdfjs = await import('pdfjs-dist');
  pdfjs.GlobalWorkerOptions.workerSrc = (await import('pdfjs-dist/build/pdf.worker.min.mjs?url')).default;
  const task = pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false });
  const doc = await task.promise;
  try {
    const parts: FilePart[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const text = content.items.map((i) => ('str' in i ? i.str + (i.hasEOL ? '\n' : ' ') : '')).join('');
      if (text.trim()) parts.push({ where: `page ${n}`, text });
    }
    return parts;
  } finally {
    await task.destroy();
  }
}

async function docxText(bytes: ArrayBuffer): Promise<FilePart[]> {
  const mammoth = await import('mammoth');
  const { value } = await mammoth.extractRawText({ arrayBuffer: bytes });
  return [{ where: '', text: value }];
}

function plainText(bytes: ArrayBuffer): FilePart[] {
  const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  if (text.includes('\u0000')) throw new Error('binary');
  return [{ where: '', text }];
}

function reasonOf(kind: FileKind, e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  if (name === 'PasswordException') return 'it is protected by a password';
  if (name === 'InvalidPDFException' || name === 'FormatError') return 'it is not a valid PDF (damaged or not a PDF)';
  if (kind === 'docx') return 'it is not a valid Word document (damaged, or an old .doc file)';
  if (kind === 'text') return 'it is not plain text (UTF-8)';
  return `it could not be read (${(e as Error)?.message ?? String(e)})`;
}

const api = {
  async parse(kind: FileKind, bytes: ArrayBuffer): Promise<ParseResult> {
    try {
      const parts = kind === 'pdf' ? await pdfText(bytes) : kind === 'docx' ? await docxText(bytes) : plainText(bytes);
      return { ok: true, parts };
    } catch (e) {
      return { ok: false, reason: reasonOf(kind, e) };
    }
  },
};

export type FilesWorkerApi = typeof api;

Comlink.expose(api);

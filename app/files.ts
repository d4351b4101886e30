// Files the user adds to a conversation (PDF, Word .docx, plain text, Markdown, HTML): read in
// the files worker (HTML here, with the browser's inert DOMParser), cut into passages of about
// 80 words that say where they are ("report.pdf, page 3"), and kept with the conversation, so
// they are stored, exported and deleted with it. Only the text is kept, not the file.
import * as Comlink from 'comlink';
import type { FilesWorkerApi } from '../workers/files.worker';
import { sentencesOf, type FileKind, type FilePart } from '../workers/protocol';
import type { AttachedFile } from './types';
import { bylineText } from './byline';
import { tableRowTexts } from './table-text';

/** Larger files are refused before they are read. */
export const MAX_FILE_BYTES = 50 * 2 ** 20;
const PASSAGE_WORDS = 80;

export class FileReadError extends Error {
  override name = 'FileReadError';
  constructor(file: string, reason: string) {
    super(`“${file}” could not be added: ${reason}.`);
  }
}

const KINDS: Record<string, FileKind | 'html'> = {
  pdf: 'pdf', docx: 'docx', txt: 'text', text: 'text', md: 'text', markdown: 'text', csv: 'text', html: 'html', htm: 'html',
};

/**
 * Which reader a file needs, by its name (the browser's type is often empty). A file with no
 * extension (README, NOTES) or a text type is read as text; strict UTF-8 refuses it if it is not.
 */
export function kindOf(name: string, type = ''): FileKind | 'html' | null {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return 'text';
  return KINDS[name.slice(dot + 1).toLowerCase()] ?? (type.startsWith('text/') ? 'text' : null);
}

/** What the file picker offers: the kinds Redraft reads, and any file the system calls text (a README without an extension). */
export const ACCEPTED = '.pdf,.docx,.txt,.md,.markdown,.csv,.html,.htm,text/*';

let worker: Comlink.Remote<FilesWorkerApi> | null = null;
function filesWorker(): Comlink.Remote<FilesWorkerApi> {
  worker ??= Comlink.wrap<FilesWorkerApi>(new Worker(new URL('../workers/files.worker.ts', import.meta.url), { type: 'module', name: 'files' }));
  return worker;
}

/**
 * The visible text of an HTML file: parsed inert (no scripts run, nothing is fetched), blocks on
 * lines of their own; first, who wrote it ("Written by …."), where its markup says (Readability's
 * byline: a meta author, rel="author", a byline's class), so that "Who wrote this?" has an answer.
 */
export async function htmlText(html: string): Promise<string> {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const { Readability } = await import('@mozilla/readability');
  const by = bylineText(new Readability(doc.cloneNode(true) as Document).parse()?.byline);
  doc.querySelectorAll('script, style, noscript, template, head').forEach((e) => e.remove());
  // A table with column headers as its rows, each a paragraph of named cells (as the in-page
  // assistant reads one); the cells of any other table apart, not run together.
  [...doc.querySelectorAll('table')].reverse().forEach((table) => {
    const rows = tableRowTexts(table);
    if (rows) table.replaceWith(doc.createTextNode(`\n\n${rows.join('\n\n')}\n\n`));
    else table.querySelectorAll('td, th').forEach((c) => c.append(' '));
  });
  // Blocks apart by a blank line: each is a paragraph of its own (an entry of a list is not the next sentence of the one before).
  doc.querySelectorAll('p, div, li, dt, dd, h1, h2, h3, h4, h5, h6, tr, br, pre, blockquote, section, article').forEach((e) => e.append('\n\n'));
  return (by ? `${by}\n\n` : '') + (doc.body?.textContent ?? '');
}

/** Cuts a file's parts into passages of about PASSAGE_WORDS words, whole sentences, each saying where it is. */
export function passagesOf(name: string, parts: FilePart[]): AttachedFile['passages'] {
  const out: AttachedFile['passages'] = [];
  for (const part of parts) {
    // A passage's paragraphs are lines of its text, so that the grounding check knows where a
    // paragraph (or a list's entry) ends; a paragraph's own line breaks are spaces.
    let lines: string[][] = [];
    let count = 0;
    let n = 0;
    const flush = () => {
      if (!count) return;
      n++;
      out.push({ where: [part.where, parts.length === 1 && !part.where ? `part ${n}` : ''].filter(Boolean).join(', ') || `part ${n}`, text: lines.filter((l) => l.length).map((l) => l.join(' ')).join('\n') });
      lines = [];
      count = 0;
    };
    for (const paragraph of part.text.split(/\n\s*\n/)) {
      lines.push([]);
      for (const sentence of sentencesOf(paragraph.replace(/\s+/g, ' '))) {
        if (!lines.length) lines.push([]);
        lines[lines.length - 1].push(sentence);
        count += sentence.split(' ').length;
        if (count >= PASSAGE_WORDS) flush();
      }
    }
    flush();
  }
  return out.map((p) => ({ ...p, where: `${name}, ${p.where}` }));
}

/** Reads a file into an attachment; FileReadError with the reason when it cannot be used. */
export async function readAttachment(file: File, conversationFiles: AttachedFile[] = []): Promise<AttachedFile> {
  const kind = kindOf(file.name, file.type);
  if (!kind) throw new FileReadError(file.name, `Redraft reads PDF, Word (.docx), text, Markdown and HTML files (${ACCEPTED})`);
  if (file.size > MAX_FILE_BYTES) throw new FileReadError(file.name, `it is ${(file.size / 2 ** 20).toFixed(0)} MB, and files of up to ${MAX_FILE_BYTES / 2 ** 20} MB can be added`);
  if (file.size === 0) throw new FileReadError(file.name, 'it is empty');
  if (conversationFiles.some((f) => f.name === file.name && f.size === file.size)) throw new FileReadError(file.name, 'it is in this conversation already');
  let parts: FilePart[];
  if (kind === 'html') parts = [{ where: '', text: await htmlText(await file.text()) }];
  else {
    const bytes = await file.arrayBuffer();
    const result = await filesWorker().parse(kind, Comlink.transfer(bytes, [bytes]));
    if (!result.ok) throw new FileReadError(file.name, result.reason);
    parts = result.parts;
  }
  const passages = passagesOf(file.name, parts);
  if (!passages.length) throw new FileReadError(file.name, kind === 'pdf' ? 'it has no text to read (a scanned PDF has only pictures of text)' : 'it has no text');
  return { id: crypto.randomUUID(), name: file.name, size: file.size, addedAt: Date.now(), passages };
}

/** "2.4 MB", "830 kB", "120 B". */
export function formatSize(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} kB`;
  return `${bytes} B`;
}

// Pages for the evals: a BIPIA table or a plain-text context as the HTML a page would have, and
// a page read as the in-page assistant reads it (app/widget/page-text.ts) in happy-dom.
import { Window } from 'happy-dom';

const esc = (t) => t.replace(/[<&]/g, (c) => (c === '<' ? '&lt;' : '&amp;'));

/**
 * A BIPIA table (Markdown pipes, first row the column names, cut off at some length) as the HTML
 * table a page would have; a last row cut off mid-way is left out. Text around the table (an
 * instruction planted before or after it) is a paragraph of its own.
 */
export function tableHtml(pipes, { before = '', middle = '', after = '' } = {}) {
  const lines = pipes.split('\n').filter((l) => /^\|.*\|\s*$/.test(l));
  const rows = lines.map((l) => l.trim().slice(1, -1).split('|').map((c) => c.trim()));
  const head = rows.shift() ?? [];
  const body = rows.filter((r) => r.length === head.length && !r.every((c) => /^:?-+:?$/.test(c)));
  const para = (t) => (t ? `<p>${esc(t)}</p>` : '');
  const table = (part) => `<table><thead><tr>${head.map((c) => `<th>${esc(c)}</th>`).join('')}</tr></thead><tbody>${part.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  // Text planted in the middle splits the table in two, under the same column names.
  const half = Math.ceil(body.length / 2);
  const tables = middle ? `${table(body.slice(0, half))}${para(middle)}${table(body.slice(half))}` : table(body);
  return `<html><head><title>Table</title></head><body><article>${para(before)}${tables}${para(after)}</article></body></html>`;
}

/** A page's HTML: as it is when it has closing tags of its own (an e-mail's <name@host> is text), else its paragraphs. */
export function asHtml(page) {
  return /<\/(?:html|body|p|div|article|main|section|h[1-6]|li|td|span)\s*>/i.test(page) ? page
    : `<html><head><title>Page</title></head><body><article>${page.split(/\n\s*\n|\|/).map((p) => `<p>${esc(p)}</p>`).join('')}</article></body></html>`;
}

/**
 * The page as the in-page assistant reads it, and its document (for what else the widget reads
 * off it); `close()` when done. A fresh window per page: one document reused across pages kept
 * parts of earlier ones.
 */
export function openPage(pt, html) {
  const win = new Window({ url: 'https://pages.example/' });
  win.document.write(html);
  const doc = win.document;
  let page;
  try {
    page = pt.readPage(doc);
  } catch {
    // Too short for Readability: the body's paragraphs as they are.
    page = { title: '', passages: pt.splitPassages(doc.body.innerHTML, doc), hiddenRemoved: 0 };
  }
  return { page, doc, close: () => void win.happyDOM.close() };
}

// Prompt files for `npm run eval`: JSONL with `prompt` and an optional `label` (`safe` or
// `unsafe`), or CSV with `prompt` and `label` columns. A bad file fails with the row at fault.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';

/** The same fixed split as training/data/common.py's is_heldout. */
export function isHeldout(text, share) {
  const h = parseInt(createHash('sha1').update(text, 'utf8').digest('hex').slice(0, 8), 16);
  return h / 0xffffffff < share;
}

export function parsePrompts(text, name) {
  let rows;
  if (name.endsWith('.csv')) {
    try {
      rows = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true });
    } catch (e) {
      throw new Error(`${name}: ${e.message}`);
    }
  } else {
    rows = text.split('\n').map((l, i) => [l, i]).filter(([l]) => l.trim()).map(([l, i]) => {
      try {
        return JSON.parse(l);
      } catch {
        throw new Error(`${name}:${i + 1}: not a JSON object`);
      }
    });
  }
  if (!rows.length) throw new Error(`${name}: no prompts`);
  return rows.map((r, i) => {
    if (typeof r?.prompt !== 'string' || !r.prompt.trim()) throw new Error(`${name}: row ${i + 1} has no prompt`);
    const label = r.label ? String(r.label).trim().toLowerCase() : null;
    if (label && label !== 'safe' && label !== 'unsafe') throw new Error(`${name}: row ${i + 1}: label must be safe or unsafe, not "${r.label}"`);
    return { prompt: r.prompt.trim(), label, source: r.source ?? path.basename(name) };
  });
}

export function readPrompts(file) {
  return parsePrompts(readFileSync(file, 'utf8'), file);
}

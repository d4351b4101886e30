// Conversations and their review trails as JSON files: *Export trail* writes one conversation
// (`redraft-trail`), *Export all conversations* every one (`redraft-archive`), both described by
// docs/trail.schema.json; import accepts only a file that validates against it, and the chat
// store merges what it reads (app/stores/chat.ts). The validator (@cfworker/json-schema: no
// eval, so it works under the app's CSP) loads only on import.

import documented from '../docs/trail.schema.json';
import type { Conversation } from './types';
import { CANDIDATE_SOURCES, CHECKS, CORRECTIONS, ruleProblem } from '../workers/protocol';
import { upgradeExport } from './persistence/upgrade';

export interface TrailFile {
  format: 'redraft-trail';
  version: 1;
  exportedAt: string;
  conversation: Conversation;
}

export interface ArchiveFile {
  format: 'redraft-archive';
  version: 1;
  exportedAt: string;
  conversations: Conversation[];
}

/**
 * The schema the import validates with: docs/trail.schema.json with the method table's ids as the
 * enums of checks, corrections and candidate sources, so a method added to the table is importable
 * and an id no method has is refused.
 */
export function importSchema(): object {
  const schema = structuredClone(documented) as { $defs: Record<string, Record<string, unknown>> };
  schema.$defs.checkId.enum = Object.keys(CHECKS);
  schema.$defs.correctionId.enum = Object.keys(CORRECTIONS);
  schema.$defs.candidateSource.enum = Object.keys(CANDIDATE_SOURCES);
  return schema;
}

/** Files larger than this are refused before they are read (a browser tab would struggle). */
export const MAX_IMPORT_BYTES = 200 * 2 ** 20;

export function exportArchive(conversations: Conversation[], now = new Date()): ArchiveFile {
  return JSON.parse(JSON.stringify({ format: 'redraft-archive', version: 1, exportedAt: now.toISOString(), conversations }));
}

export function archiveFileName(now = new Date()): string {
  return `redraft-conversations-${now.toISOString().slice(0, 10)}.json`;
}

export function exportTrail(conversation: Conversation, now = new Date()): TrailFile {
  // Round-trip through JSON: drops undefined fields, as the file will.
  return JSON.parse(JSON.stringify({ format: 'redraft-trail', version: 1, exportedAt: now.toISOString(), conversation }));
}

export function trailFileName(c: Conversation): string {
  const slug = c.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'conversation';
  return `redraft-${slug}.json`;
}

export class TrailImportError extends Error {
  override name = 'TrailImportError';
}

/** Parses and validates an exported file of one conversation; throws TrailImportError saying what is wrong. */
export async function parseTrail(text: string): Promise<Conversation> {
  const conversations = await parseExport(text);
  if (conversations.length !== 1) throw new TrailImportError('This file holds several conversations, not one trail.');
  return conversations[0];
}

/**
 * Parses and validates an exported file (one conversation or all); throws TrailImportError saying
 * what is wrong. Nothing is changed until a file passes.
 */
export async function parseExport(text: string): Promise<Conversation[]> {
  if (text.length > MAX_IMPORT_BYTES) throw new TrailImportError(`This file is too large to import (over ${MAX_IMPORT_BYTES / 2 ** 20} MB).`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TrailImportError('This file is not JSON.');
  }
  upgradeExport(data); // a file exported before a method was renamed
  const { Validator } = await import('@cfworker/json-schema');
  const result = new Validator(importSchema(), '2020-12', false).validate(data);
  if (!result.valid) {
    // Errors come outermost first; the last one names the field that is wrong.
    const leaf = result.errors[result.errors.length - 1];
    throw new TrailImportError(`This is not a Redraft export: ${leaf.instanceLocation} — ${leaf.error}`);
  }
  const file = data as TrailFile | ArchiveFile;
  const conversations = file.format === 'redraft-archive' ? file.conversations : [file.conversation];
  const ids = new Set<string>();
  for (const c of conversations) {
    if (ids.has(c.id)) throw new TrailImportError(`This file holds conversation ${c.id} twice.`);
    ids.add(c.id);
    for (const r of c.align?.rules ?? []) {
      const problem = ruleProblem(r);
      if (problem) throw new TrailImportError(`This file's conversation “${c.title}” has a rule Redraft cannot use: ${problem}.`);
    }
    // A message that was streaming when it was exported ends as interrupted, as after a reload.
    c.messages = c.messages.map((m) => (m.status === 'streaming' ? { ...m, status: 'interrupted' as const } : m));
  }
  return conversations;
}

/** Saves `data` as a JSON file through the browser's download (nothing leaves the machine). */
export function downloadJson(data: unknown, name: string) {
  const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

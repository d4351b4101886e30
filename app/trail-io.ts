// A conversation and its review trail as a JSON file: export writes the format described by
// docs/trail.schema.json; import accepts only a file that validates against it. The validator
// (@cfworker/json-schema: no eval, so it works under the app's CSP) loads only on import.

import schema from '../docs/trail.schema.json';
import type { Conversation } from './types';

export interface TrailFile {
  format: 'redraft-trail';
  version: 1;
  exportedAt: string;
  conversation: Conversation;
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

/** Parses and validates an exported file; throws TrailImportError saying what is wrong. */
export async function parseTrail(text: string): Promise<Conversation> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new TrailImportError('This file is not JSON.');
  }
  const { Validator } = await import('@cfworker/json-schema');
  const result = new Validator(schema as object, '2020-12', false).validate(data);
  if (!result.valid) {
    // Errors come outermost first; the last one names the field that is wrong.
    const leaf = result.errors[result.errors.length - 1];
    throw new TrailImportError(`This is not a Redraft trail file: ${leaf.instanceLocation} — ${leaf.error}`);
  }
  return (data as TrailFile).conversation;
}

// Conversations stored, or exported, before a check or a correction was renamed read as today's:
// their settings and their answers' trails take the new ids (workers/align/method-table.ts lists
// the renames). Applied to what the database holds as it is read and to an imported file before it
// is validated, so the schema describes only today's format.

import { RENAMED_CHECKS, RENAMED_CORRECTIONS } from '../../workers/protocol';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const renamed = (table: Readonly<Record<string, string>>, id: unknown) =>
  typeof id === 'string' && Object.hasOwn(table, id) ? table[id] : id;

/** Renames the ids of `{ check, correction }` in place. */
function upgradeIds(o: Json): void {
  if ('check' in o) o.check = renamed(RENAMED_CHECKS, o.check);
  if ('correction' in o) o.correction = renamed(RENAMED_CORRECTIONS, o.correction);
}

/** Upgrades one conversation in place (anything not shaped like one is left alone) and returns it. */
export function upgradeConversation<T>(conversation: T): T {
  if (!isObject(conversation)) return conversation;
  if (isObject(conversation.align)) upgradeIds(conversation.align);
  for (const message of Array.isArray(conversation.messages) ? conversation.messages : []) {
    const alignment = isObject(message) && isObject(message.stats) ? message.stats.alignment : undefined;
    if (!isObject(alignment)) continue;
    upgradeIds(alignment);
    for (const trail of Array.isArray(alignment.trails) ? alignment.trails : []) {
      if (!isObject(trail)) continue;
      upgradeIds(trail);
      for (const c of Array.isArray(trail.candidates) ? trail.candidates : []) {
        // A candidate's source is the correction that wrote it.
        if (isObject(c)) c.source = renamed(RENAMED_CORRECTIONS, c.source);
      }
    }
  }
  return conversation;
}

/** Upgrades the conversations of a parsed export file (one trail or an archive) in place. */
export function upgradeExport(data: unknown): void {
  if (!isObject(data)) return;
  if (data.format === 'redraft-trail') upgradeConversation(data.conversation);
  if (data.format === 'redraft-archive' && Array.isArray(data.conversations)) data.conversations.forEach(upgradeConversation);
}

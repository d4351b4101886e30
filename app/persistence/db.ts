// Everything Redraft stores about the user lives here: conversations and settings in one
// IndexedDB database, through `idb`. Components never touch storage directly.

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { StorageFullError } from '../../workers/protocol';
import type { Conversation, Settings } from '../types';
import { upgradeConversation } from './upgrade';

interface RedraftDB extends DBSchema {
  conversations: { key: string; value: Conversation; indexes: { updatedAt: number } };
  settings: { key: string; value: unknown };
}

export const DB_NAME = 'redraft';
let dbPromise: Promise<IDBPDatabase<RedraftDB>> | null = null;

function db(): Promise<IDBPDatabase<RedraftDB>> {
  dbPromise ??= openDB<RedraftDB>(DB_NAME, 1, {
    upgrade(d) {
      const conversations = d.createObjectStore('conversations', { keyPath: 'id' });
      conversations.createIndex('updatedAt', 'updatedAt');
      d.createObjectStore('settings');
    },
  });
  return dbPromise;
}

async function write<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (e) {
    if (e instanceof DOMException && e.name === 'QuotaExceededError') throw new StorageFullError(e.message);
    throw e;
  }
}

/** All conversations, most recently updated first (stored ones with ids since renamed read as today's). */
export async function listConversations(): Promise<Conversation[]> {
  const all = await (await db()).getAllFromIndex('conversations', 'updatedAt');
  return all.reverse().map(upgradeConversation);
}

export async function saveConversation(c: Conversation): Promise<void> {
  await write(async () => (await db()).put('conversations', c));
}

/** Saves every conversation in one transaction: all are stored, or none. */
export async function saveConversations(cs: Conversation[]): Promise<void> {
  if (!cs.length) return;
  await write(async () => {
    const tx = (await db()).transaction('conversations', 'readwrite');
    await Promise.all([...cs.map((c) => tx.store.put(c)), tx.done]);
  });
}

export async function deleteConversation(id: string): Promise<void> {
  await (await db()).delete('conversations', id);
}

/** Deletes every conversation in one transaction. */
export async function deleteAllConversations(): Promise<void> {
  await (await db()).clear('conversations');
}

export async function loadSettings(): Promise<Partial<Settings>> {
  return ((await (await db()).get('settings', 'settings')) as Partial<Settings> | undefined) ?? {};
}

export async function saveSettings(s: Settings): Promise<void> {
  await write(async () => (await db()).put('settings', s, 'settings'));
}

/** For tests: forget the open connection so a fresh fake IndexedDB can be used. */
export function resetConnectionForTests() {
  dbPromise = null;
}

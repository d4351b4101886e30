import type { AlignSettings, AnswerStats, Backend, BackendPreference, ModelSpec, Role, SerializedError, SourcePassage } from '../workers/protocol';

export type MessageStatus = 'streaming' | 'done' | 'stopped' | 'interrupted' | 'error';

export interface Message {
  id: string;
  role: Role;
  content: string;
  createdAt: number;
  status?: MessageStatus;
  model?: string;
  backend?: Backend;
  /** Set when the sentence loop ran; the trails are in `stats.alignment`. */
  stats?: AnswerStats;
  error?: SerializedError;
  /** While streaming with the sentence loop: what it is doing now ("Correcting sentence 2…"). */
  activity?: string;
  /** The passages the answer was written from (the offline library, the user's files), numbered as cited. */
  sources?: SourcePassage[];
  /** Something the reader should know about how the answer was made (a source that could not be read). */
  notice?: string;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: Message[];
  /** The sentence loop's settings for this conversation (absent: off). */
  align?: AlignSettings;
  /** Files added to the conversation: their text, which its answers come from (app/files.ts). */
  files?: AttachedFile[];
}

export interface AttachedFile {
  id: string;
  name: string;
  /** Bytes of the file as it was added (only its text is kept). */
  size: number;
  addedAt: number;
  /** The text in passages of about 80 words, each saying where it is ("report.pdf, page 3"). */
  passages: { where: string; text: string }[];
}

export interface Settings {
  backend: BackendPreference;
  model: ModelSpec;
  temperature: number;
  maxNewTokens: number;
  systemPrompt: string;
  /** Sampling seed for every answer, so that runs repeat; null: a new one each answer. */
  seed: number | null;
  /** Which models answer from the offline library in chat: the bundled one, every one, or none. */
  library: LibraryUse;
}

export type LibraryUse = 'bundled' | 'all' | 'off';

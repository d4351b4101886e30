import type { SerializedError } from '../workers/errors';
import type { BackendPreference } from '../workers/engine/backend';
import type { Backend, ModelSpec, Role } from '../workers/engine/types';
import type { AlignSettings } from '../workers/align/types';
import type { AnswerStats } from '../workers/protocol';

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
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: Message[];
  /** The sentence loop's settings for this conversation (absent: off). */
  align?: AlignSettings;
}

export interface Settings {
  backend: BackendPreference;
  model: ModelSpec;
  temperature: number;
  maxNewTokens: number;
  systemPrompt: string;
  /** Sampling seed for every answer, so that runs repeat; null: a new one each answer. */
  seed: number | null;
}

import type { SerializedError } from '../workers/errors';
import type { BackendPreference } from '../workers/engine/backend';
import type { Backend, ModelSpec, Role } from '../workers/engine/types';
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
  stats?: AnswerStats;
  error?: SerializedError;
}

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  messages: Message[];
}

export interface Settings {
  backend: BackendPreference;
  model: ModelSpec;
  temperature: number;
  maxNewTokens: number;
  systemPrompt: string;
}

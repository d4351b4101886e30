// Messages between the in-page widget (on the host page) and the frame it opens on Redraft's own
// origin (embed.html), where the model runs. Each side checks where a message comes from: the
// widget takes messages only from its frame's window and Redraft's origin; the frame takes them
// only from the window that embeds it and answers to that window's origin alone.
import type { AnswerEvent, AnswerStats } from '../../workers/protocol';
import type { Passage } from './page-text';

/** Marks Redraft's messages among whatever else a page posts. */
export const TAG = 'redraft-widget/1';

export type ToFrame =
  /** `tables`: the page's tables whole (`tablePassages`), for answers that count rows. */
  | { tag: typeof TAG; type: 'ask'; id: string; question: string; passages: Passage[]; instructions: string[]; tables?: Passage[] }
  | { tag: typeof TAG; type: 'stop' };

export type FromFrame =
  /** The model's state: loading (with progress), ready, or failed to load. */
  | { tag: typeof TAG; type: 'status'; state: 'loading' | 'ready' | 'error'; text: string; fraction?: number; model?: string; backend?: string }
  | { tag: typeof TAG; type: 'event'; id: string; event: AnswerEvent }
  | { tag: typeof TAG; type: 'done'; id: string; stats: AnswerStats }
  | { tag: typeof TAG; type: 'error'; id: string; message: string };

export const isTagged = (data: unknown): data is { tag: string; type: string } =>
  typeof data === 'object' && data !== null && (data as { tag?: unknown }).tag === TAG && typeof (data as { type?: unknown }).type === 'string';

// One entry for an answer: plain decoding when the sentence loop is off, the loop otherwise.

import { makeMethods } from './align/methods';
import { alignedAnswer } from './align/orchestrator';
import { DEFAULT_ALIGN_SETTINGS, type Corrector } from './align/types';
import type { Engine } from './engine/types';
import { generateAnswer } from './generate';
import type { AnswerEvent, AnswerRequest, AnswerStats } from './protocol';

export function answerWith(
  engine: Engine,
  req: AnswerRequest,
  emit: (e: AnswerEvent) => void,
  isStopped: () => boolean,
  corrector: Corrector | null = null,
): Promise<AnswerStats> {
  // Instructions found in a web page, and support in the sources, are checked for even with the checks off.
  if (!req.sources && (!req.align || (req.align.check === 'off' && !req.align.pageInstructions?.length))) return generateAnswer(engine, req, emit, isStopped);
  const align = req.align ?? { ...DEFAULT_ALIGN_SETTINGS, check: 'off', correction: 'redact' };
  return alignedAnswer(engine, req, req.sources ? { ...align, sources: req.sources } : align, makeMethods(corrector), emit, isStopped);
}

/** The longest a token waits in the worker before it is sent to the page: one frame. */
export const TOKEN_BATCH_MS = 16;

/**
 * `emit`, with the generator's tokens sent a frame's worth at a time: a token is sent at once
 * when none went in the last TOKEN_BATCH_MS, else held and sent with those after it within that
 * time, and always before any other event, so the events keep their order. One message a token
 * crossed from the worker to the page for each step of the generator.
 */
export function batchTokens(emit: (e: AnswerEvent) => void, ms = TOKEN_BATCH_MS): ((e: AnswerEvent) => void) & { flush: () => void } {
  let text = '';
  let tokens = 0;
  let sentAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (!tokens) return;
    emit({ type: 'token', text, tokens });
    text = '';
    tokens = 0;
    sentAt = performance.now();
  };
  const batched = (e: AnswerEvent) => {
    if (e.type !== 'token') {
      flush();
      emit(e);
      return;
    }
    text += e.text;
    tokens += e.tokens;
    if (performance.now() - sentAt >= ms) flush();
    else timer ??= setTimeout(flush, ms - (performance.now() - sentAt));
  };
  /** Sends what is held now (the answer ended with an error: the page gets its text first). */
  return Object.assign(batched, { flush });
}

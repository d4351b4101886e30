// The plain answer loop: template the conversation, refuse what does not fit, prefill, then
// step until an end token, the length budget or a stop. Streams events as it goes.

import { ContextWindowExceededError, GenerationAbortedError } from './errors';
import { isEnd, TextStream } from './engine/decoding';
import type { ChatMessage, Engine, SamplingOptions } from './engine/types';
import { copyBias } from './align/grounding';
import { SentenceSegmenter } from './align/segmenter';
import { yieldToEventLoop } from './yield';
import type { AnswerEvent, AnswerRequest, AnswerStats } from './protocol';

/** Tokens kept free for the answer when deciding whether a prompt fits. */
export const MIN_ANSWER_TOKENS = 16;

/**
 * Encodes the conversation, dropping the oldest turns (never the system prompt or the last
 * user message) until it leaves room for an answer. Throws when the last message alone does not fit.
 */
export async function encodeToFit(
  engine: Engine,
  messages: ChatMessage[],
  contextWindow: number,
): Promise<{ ids: number[]; droppedMessages: number; messages: ChatMessage[] }> {
  const system = messages.filter((m) => m.role === 'system');
  let turns = messages.filter((m) => m.role !== 'system');
  let dropped = 0;
  for (;;) {
    const ids = await engine.encode([...system, ...turns]);
    if (ids.length + MIN_ANSWER_TOKENS <= contextWindow) return { ids, droppedMessages: dropped, messages: [...system, ...turns] };
    if (turns.length <= 1) throw new ContextWindowExceededError(ids.length, contextWindow);
    // Drop a whole exchange at a time so the history stays user/assistant alternating.
    const cut = turns.length > 2 && turns[0].role === 'user' ? 2 : 1;
    turns = turns.slice(cut);
    dropped += cut;
  }
}

export async function generateAnswer(
  engine: Engine,
  req: AnswerRequest,
  emit: (e: AnswerEvent) => void,
  isStopped: () => boolean,
): Promise<AnswerStats> {
  const info = engine.info!;
  const t0 = performance.now();
  const { ids, droppedMessages } = await encodeToFit(engine, req.messages, info.contextWindow);
  emit({ type: 'started', promptTokens: ids.length, droppedMessages, backend: info.backend, model: info.id });
  const sampling: SamplingOptions = { ...req.sampling, reportTopK: 5 };
  engine.setSeed(req.seed);
  const generated: number[] = [];
  const stream = new TextStream(engine);
  /** Tokens whose text has gone out (a character cut between tokens goes out with its last). */
  let sent = 0;
  let reason: AnswerStats['reason'] = 'length';
  let firstTokenMs = 0;
  let firstSentenceMs = 0;
  const segmenter = new SentenceSegmenter();
  let prefillMs = 0;
  const budget = Math.min(req.maxNewTokens, info.contextWindow - ids.length);
  const grounding = req.grounding ? [await copyBias(engine, req.grounding, ids.length)] : [];
  try {
    await engine.prefill(ids);
    prefillMs = performance.now() - t0;
    engine.setLogitProcessors(grounding);
    while (generated.length < budget) {
      await yieldToEventLoop();
      if (isStopped()) throw new GenerationAbortedError('stopped');
      const step = await engine.step(sampling);
      if (isEnd(engine, step.token)) {
        reason = 'eos';
        break;
      }
      generated.push(step.token);
      // The text the token adds (none while a character is cut between tokens).
      const added = stream.push(step.token);
      if (added !== null) {
        if (!firstTokenMs) firstTokenMs = performance.now() - t0;
        if (!firstSentenceMs && segmenter.push(added).length) firstSentenceMs = performance.now() - t0;
        emit({ type: 'token', text: added, tokens: generated.length - sent });
        sent = generated.length;
      }
    }
  } catch (e) {
    if (!(e instanceof GenerationAbortedError)) throw e;
    reason = 'stopped';
  } finally {
    engine.setLogitProcessors([]);
  }
  const totalMs = performance.now() - t0;
  // Decode speed counts the steps after the first token, so prefill does not dilute it.
  const decodeMs = totalMs - (firstTokenMs || prefillMs);
  const stats: AnswerStats = {
    reason,
    promptTokens: ids.length,
    generatedTokens: generated.length,
    prefillMs,
    firstTokenMs,
    firstSentenceMs: firstSentenceMs || (generated.length ? totalMs : 0),
    totalMs,
    tokensPerSecond: generated.length > 1 ? (generated.length - 1) / (decodeMs / 1000) : 0,
    text: engine.decode(generated),
  };
  emit({ type: 'done', stats });
  return stats;
}

// The worker's token batching (workers/answer.ts batchTokens): a frame's tokens cross to the
// page as one event, the first at once, none held longer than a frame, and every other event
// after the tokens before it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { batchTokens, TOKEN_BATCH_MS } from '../workers/answer';
import type { AnswerEvent } from '../workers/protocol';

const token = (text: string): AnswerEvent => ({ type: 'token', text, tokens: 1 });

describe('batchTokens', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('sends the first token at once, then the tokens of each frame together', () => {
    const sent: AnswerEvent[] = [];
    const emit = batchTokens((e) => sent.push(e));
    emit(token('Once'));
    expect(sent).toEqual([{ type: 'token', text: 'Once', tokens: 1 }]);
    emit(token(' upon'));
    vi.advanceTimersByTime(5);
    emit(token(' a'));
    expect(sent).toHaveLength(1); // held: less than a frame since the last send
    vi.advanceTimersByTime(TOKEN_BATCH_MS);
    expect(sent.at(-1)).toEqual({ type: 'token', text: ' upon a', tokens: 2 });
    // After a quiet frame, a token goes at once again.
    vi.advanceTimersByTime(TOKEN_BATCH_MS);
    emit(token(' time'));
    expect(sent.at(-1)).toEqual({ type: 'token', text: ' time', tokens: 1 });
  });

  it('sends held tokens before any other event, so the page sees them in order', () => {
    const sent: AnswerEvent[] = [];
    const emit = batchTokens((e) => sent.push(e));
    emit(token('Hi.'));
    emit(token(' The'));
    emit(token(' secret'));
    emit({ type: 'sentence-drafted', index: 1, text: ' The secret' });
    expect(sent.map((e) => e.type)).toEqual(['token', 'token', 'sentence-drafted']);
    expect(sent[1]).toEqual({ type: 'token', text: ' The secret', tokens: 2 });
    // Nothing is left to send when the timer fires.
    vi.advanceTimersByTime(TOKEN_BATCH_MS * 2);
    expect(sent).toHaveLength(3);
  });

  it('flush sends what is held (an answer that ended with an error)', () => {
    const sent: AnswerEvent[] = [];
    const emit = batchTokens((e) => sent.push(e));
    emit(token('a'));
    emit(token('b'));
    emit.flush();
    expect(sent.map((e) => (e as { text: string }).text)).toEqual(['a', 'b']);
  });
});

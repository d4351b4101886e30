import { describe, expect, it } from 'vitest';
import {
  ContextWindowExceededError,
  ModelDownloadError,
  StorageFullError,
  UnknownError,
  WorkerCrashedError,
  serializeError,
  toRedraftError,
} from '../workers/errors';
import { mapWebLLMError } from '../workers/engine/webllm';

describe('errors across the worker boundary', () => {
  it('round-trips every field through the plain form', () => {
    // A runtime that does not say the counts: no "0 tokens … at most 0".
    expect(new ContextWindowExceededError(0, 0).userMessage).toBe('This message is too long for the model. Shorten it; your text is still in the box.');
    const back = toRedraftError(structuredClone(serializeError(new ContextWindowExceededError(5000, 1024))));
    expect(back).toBeInstanceOf(ContextWindowExceededError);
    expect(back.userMessage).toContain('5000 tokens');
    expect(back.userMessage).toContain('1024');
    expect(back.action).toBe('shorten-prompt');
  });

  it('revives Comlink’s plain Error form by name', () => {
    const e = Object.assign(new Error('gone'), { name: 'WorkerCrashedError' });
    expect(toRedraftError(e)).toBeInstanceOf(WorkerCrashedError);
  });

  it('maps a full disk to StorageFullError and anything else to UnknownError', () => {
    expect(toRedraftError(new DOMException('quota', 'QuotaExceededError'))).toBeInstanceOf(StorageFullError);
    expect(toRedraftError('boom')).toBeInstanceOf(UnknownError);
    expect(toRedraftError(new TypeError('x')).userMessage).toContain('x');
  });

  it('maps web-llm’s offline failure (a plain string from its worker) to a download error', () => {
    const err = mapWebLLMError('TypeError: Failed to fetch');
    expect(err).toBeInstanceOf(ModelDownloadError);
    expect(err.action).toBe('use-bundled-model');
    expect(err.userMessage).toContain('bundled Pocket model');
  });

  it('maps web-llm’s named errors to ours', () => {
    class DeviceLostError extends Error {}
    class ShaderF16SupportError extends Error {}
    expect(mapWebLLMError(new DeviceLostError('lost')).name).toBe('DeviceLostError');
    expect(mapWebLLMError(new ShaderF16SupportError('f16')).name).toBe('ShaderF16UnsupportedError');
  });
});

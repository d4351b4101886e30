// The network panel's classification: what counts as this machine, and the reason shown per request.
import { describe, expect, it } from 'vitest';
import { classify, whyRequested } from '../app/stores/network';

const origin = 'http://localhost:4173';
const rec = (url: string) => ({ scope: 'page', url, startedAt: 0, durationMs: 1, transferSize: 10, bodySize: 10, initiatorType: 'fetch' });

describe('network log', () => {
  it('names why each of the app’s own requests was made', () => {
    expect(whyRequested(`${origin}/`, origin)).toBe('the app page');
    expect(whyRequested(`${origin}/assets/index-abc.js`, origin)).toBe('app code');
    expect(whyRequested(`${origin}/assets/llm.worker-abc.js`, origin)).toBe('worker code');
    expect(whyRequested(`${origin}/assets/ort-wasm-simd-threaded.asyncify-x.wasm`, origin)).toBe('ONNX Runtime (WebAssembly)');
    expect(whyRequested(`${origin}/models/pocket-lm/onnx/model.onnx`, origin)).toBe('bundled model file');
    expect(whyRequested(`${origin}/models/pocket-aligner/sft.json`, origin)).toBe('aligner token (bundled)');
  });

  it('marks other hosts as leaving the machine, and says which are model downloads', () => {
    const [hub, tracker, page, data] = classify([
      rec('https://huggingface.co/onnx-community/x/resolve/main/config.json'),
      rec('https://tracker.example/pixel.gif?q=hello'),
      rec(`${origin}/assets/index.js`),
      rec('data:application/octet-stream;base64,AAAA'),
    ], origin);
    expect(hub).toMatchObject({ local: false, why: 'model download you chose (Hugging Face Hub)' });
    expect(tracker).toMatchObject({ local: false, why: 'unexpected: not this app' });
    expect(page.local).toBe(true);
    expect(data).toMatchObject({ local: true, why: 'in-memory data (no network)' });
  });

  it('does not take a look-alike host for the app', () => {
    expect(classify([rec('http://localhost:41730/x')], origin)[0].local).toBe(false);
  });
});

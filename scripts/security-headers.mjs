// The headers every response of the app carries, shared by `npm start` and `vite dev`.
//
// COOP/COEP make the page cross-origin isolated, which WASM threads (SharedArrayBuffer) need.
// The CSP allows the app's own origin and, for `connect-src` only, the hosts a user can
// download models from (web-llm's catalogue and the Hugging Face Hub). Nothing else loads.

/** Hosts models are downloaded from when the user picks a non-bundled model. */
export const MODEL_HOSTS = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://*.hf.co',
  'https://raw.githubusercontent.com',
];

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  // 'wasm-unsafe-eval' lets onnxruntime-web and web-llm compile WebAssembly; no JS eval.
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  `connect-src 'self' blob: data: ${MODEL_HOSTS.join(' ')}`,
  "img-src 'self' data: blob:",
  // React sets inline style attributes (progress bars); no inline <style> from model text survives the sanitiser.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

export const SECURITY_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

// The headers every response of the app carries, shared by `npm start`, `vite dev` and `vite preview`.
//
// COOP/COEP make the page cross-origin isolated, which WASM threads (SharedArrayBuffer) need.
// The Content-Security-Policy allows the app's own origin only. Model downloads from other hosts
// (web-llm's catalogue and the Hugging Face Hub) happen in one place: the llm worker started from
// its download script (`llm-download.worker`), which the page runs only while a model the user
// chose is downloading. Only that script is served with a policy adding those hosts to
// `connect-src` (a dedicated worker's policy comes from its own script's response), so the page,
// the aligner worker and the llm worker that answers cannot reach any other host at all.

/** Hosts models are downloaded from when the user picks a non-bundled model. */
export const MODEL_HOSTS = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://*.hf.co',
  'https://raw.githubusercontent.com',
];

function policy({ modelHosts, meta, embeddable = false }) {
  return [
    "default-src 'self'",
    // 'wasm-unsafe-eval' lets onnxruntime-web and web-llm compile WebAssembly; no JS eval.
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    `connect-src 'self' blob: data:${modelHosts ? ` ${MODEL_HOSTS.join(' ')}` : ''}`,
    "img-src 'self' data: blob:",
    // React sets inline style attributes (progress bars); no inline <style> from model text survives the sanitiser.
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    // Not allowed in a <meta> policy; a static host should send it as a header.
    // The in-page assistant's frame (embed.html) is made to be embedded by any page.
    ...(meta ? [] : [embeddable ? 'frame-ancestors *' : "frame-ancestors 'self'"]),
  ].join('; ');
}

/** The page's policy (and every file's but the llm worker's): this origin only. */
export const CONTENT_SECURITY_POLICY = policy({ modelHosts: false, meta: false });
/** The download worker's policy: the same plus the model hosts, for downloads the user starts. */
export const DOWNLOAD_WORKER_CONTENT_SECURITY_POLICY = policy({ modelHosts: true, meta: false });
/** The page's policy as a <meta> tag in index.html, for static hosts that send no headers. */
export const META_CONTENT_SECURITY_POLICY = policy({ modelHosts: false, meta: true });

/** The built download worker's script (its ORT threads start from the same file). */
export const isDownloadWorkerScript = (pathname) => /^\/assets\/llm-download\.worker-[\w-]+\.js$/.test(pathname);

const COMMON = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
};

/** The in-page assistant's frame: the page's policy, but any page may embed it. */
export const EMBED_CONTENT_SECURITY_POLICY = policy({ modelHosts: false, meta: false, embeddable: true });

/** Headers for one path of the production build. */
export function securityHeaders(pathname) {
  // The widget's script and its frame are loaded by other sites' pages, which may themselves
  // be cross-origin isolated (COEP): they must say that other origins may use them.
  if (pathname === '/redraft-widget.js') {
    // The charset too: a script is otherwise read in the embedding page's encoding, and a
    // Latin-1 page turned the widget's "…" and "×" into "â€¦" and "Ã—".
    return { ...COMMON, 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Cross-Origin-Resource-Policy': 'cross-origin', 'Access-Control-Allow-Origin': '*', 'Content-Type': 'text/javascript; charset=utf-8' };
  }
  if (pathname === '/embed.html') {
    return { ...COMMON, 'Content-Security-Policy': EMBED_CONTENT_SECURITY_POLICY, 'Cross-Origin-Resource-Policy': 'cross-origin' };
  }
  return {
    ...COMMON,
    'Content-Security-Policy': isDownloadWorkerScript(pathname) ? DOWNLOAD_WORKER_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY,
  };
}

/**
 * For `vite dev`, which serves workers from source paths under one set of headers: the download
 * worker's (wider) policy everywhere. The production server (`npm start`) splits them.
 */
export const DEV_SECURITY_HEADERS = { ...COMMON, 'Content-Security-Policy': DOWNLOAD_WORKER_CONTENT_SECURITY_POLICY };

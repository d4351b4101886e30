import { build, defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { DEV_SECURITY_HEADERS, META_CONTENT_SECURITY_POLICY } from './scripts/security-headers.mjs';

/** The page's Content-Security-Policy as a <meta> tag too, for static hosts that send no headers. */
const cspMeta: Plugin = {
  name: 'redraft-csp-meta',
  apply: 'build',
  transformIndexHtml: () => [
    { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: META_CONTENT_SECURITY_POLICY }, injectTo: 'head-prepend' },
  ],
};

/**
 * The in-page assistant's script, `redraft-widget.js`: one self-contained file (no imports, CSS
 * inside) that any page can load with a script tag, so it is built on its own as an IIFE and
 * added to the app's build (and served by `vite dev`).
 */
async function buildWidget(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      target: 'es2020',
      lib: { entry: 'app/widget/widget.ts', formats: ['iife'], name: 'RedraftWidget', fileName: () => 'redraft-widget.js' },
    },
  });
  const output = (Array.isArray(out) ? out[0] : out) as { output: { type: string; code?: string }[] };
  return output.output.find((o) => o.type === 'chunk')!.code!;
}

const widget: Plugin = {
  name: 'redraft-widget',
  async generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'redraft-widget.js', source: await buildWidget() });
  },
  configureServer(server) {
    server.middlewares.use('/redraft-widget.js', (_req, res, next) => {
      buildWidget().then((code) => {
        res.setHeader('Content-Type', 'text/javascript');
        res.end(code);
      }, next);
    });
  },
};

export default defineConfig({
  plugins: [
    react(),
    cspMeta,
    widget,
    // The service worker (app/sw.ts) with the list of files to precache injected at build time:
    // the app, ONNX Runtime's wasm, web-llm's chunk and the bundled models, so a reload with no
    // network works. The page registers it itself (app/stores/offline.ts) and asks before updating.
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'app',
      filename: 'sw.ts',
      registerType: 'prompt',
      includeManifestIcons: false,
      injectRegister: false,
      manifest: {
        name: 'Redraft',
        short_name: 'Redraft',
        description: 'A private assistant that runs a language model on your own machine.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        background_color: '#f6f3ee',
        theme_color: '#2f5d50',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any maskable' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any maskable' },
          { src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{html,js,mjs,css,svg,png,wasm,json,onnx,model,webmanifest}'],
        // The bundled model's fp32 graph (20 MB) runs only on WebGPU (WASM runs its 8-bit graph,
        // 5 MB): it is fetched when a WebGPU page first loads it, and transformers.js keeps it in
        // its own cache from then on, so the first visit does not download it for nothing.
        globIgnores: ['models/*/onnx/model.onnx'],
        // The bundled model and ONNX Runtime's wasm (26 MB) are the point of the offline copy.
        maximumFileSizeToCacheInBytes: 64 * 2 ** 20,
      },
    }),
  ],
  worker: { format: 'es' },
  // The production server (`npm start`, scripts/serve.mjs) gives the llm worker alone the model
  // hosts; these servers use that wider policy for every file.
  server: { headers: DEV_SECURITY_HEADERS },
  preview: { headers: DEV_SECURITY_HEADERS },
  build: {
    target: 'es2022',
    // The ONNX Runtime and web-llm chunks are large by nature; they load lazily inside workers.
    chunkSizeWarningLimit: 8000,
    rollupOptions: { input: { main: 'index.html', embed: 'embed.html' } },
  },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});

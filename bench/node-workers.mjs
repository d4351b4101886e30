// The workers' TypeScript modules in Node, for the evals: loaded through Vite (no browser), with
// the bundled model on ONNX Runtime's CPU backend and the corrector with the default aligner token.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'vite';

/**
 * A Vite server in middleware mode; `load` imports a module of the repository by its path. The
 * workers fetch the app's own files by path ("/models/harm-judge/harm-judge.json"), as in the
 * browser: here those requests are read from public/.
 */
export async function moduleServer(root) {
  const netFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    if (typeof input === 'string' && input.startsWith('/')) {
      const file = path.join(root, 'public', decodeURIComponent(input.split('?')[0]));
      return existsSync(file) ? new Response(readFileSync(file), { status: 200 }) : new Response('not found', { status: 404 });
    }
    return netFetch(input, init);
  };
  const server = await createServer({
    configFile: false, root, logLevel: 'error', appType: 'custom',
    server: { middlewareMode: true, hmr: false }, optimizeDeps: { noDiscovery: true, include: [] },
  });
  return { load: (m) => server.ssrLoadModule(m), close: () => server.close() };
}

export const BUNDLED_SPEC = { kind: 'bundled', id: 'pocket-lm', path: 'pocket-lm' };

/**
 * The bundled model loaded on the CPU: the file the app runs on WASM (its 8-bit graph), or the one
 * `--dtype fp32|q8` names (the evals' flag, to compare the two).
 */
export async function bundledEngine(load, root) {
  const { OnnxEngine } = await load('/workers/engine/onnx.ts');
  const engine = new OnnxEngine(path.join(root, 'public/models') + path.sep, 'cpu');
  const at = process.argv.indexOf('--dtype');
  const dtype = at > 0 ? process.argv[at + 1] : undefined;
  await engine.load({ ...BUNDLED_SPEC, ...(dtype ? { dtype } : {}) }, { backend: 'wasm' });
  return engine;
}

/**
 * The corrector as the aligner worker serves it, on its own engine, with the default shipped
 * aligner token (the plain model when none ships): `{ service, corrector, name }`.
 */
export async function defaultCorrector(load, root) {
  const { AlignerService } = await load('/workers/align/aligner-service.ts');
  const service = new AlignerService(await bundledEngine(load, root));
  const tokens = path.join(root, 'public/models/pocket-aligner');
  let name = 'plain pocket-lm (no aligner token ships)';
  if (existsSync(path.join(tokens, 'index.json'))) {
    const index = JSON.parse(readFileSync(path.join(tokens, 'index.json'), 'utf8'));
    const entry = index.tokens.find((t) => t.id === index.default);
    await service.useToken(JSON.parse(readFileSync(path.join(tokens, entry.file), 'utf8')));
    name = `aligner token ${entry.id}`;
  }
  const corrector = {
    score: (ctx, s) => service.score(ctx, s),
    correct: (ctx, s) => service.correct(ctx, s),
    rollout: (ctx, partial, n) => service.rolloutAnswer(ctx, partial, n),
  };
  return { service, corrector, name };
}

// Serves the production build (dist/) on localhost with the headers the app needs.
// Usage: node scripts/serve.mjs [--port 4173]
import http from 'node:http';
import { existsSync } from 'node:fs';
import sirv from 'sirv';
import { securityHeaders } from './security-headers.mjs';

const portArg = process.argv.indexOf('--port');
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT ?? 4173);
if (!existsSync('dist/index.html')) {
  console.error('dist/ is missing: run `npm run build` first (or `npm start`, which builds).');
  process.exit(1);
}

const files = sirv('dist', {
  etag: true,
  gzip: false,
  single: false,
  setHeaders(res, pathname) {
    for (const [k, v] of Object.entries(securityHeaders(pathname))) res.setHeader(k, v);
    // Hashed assets never change; models and the page are revalidated.
    if (pathname.startsWith('/assets/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    else res.setHeader('Cache-Control', 'no-cache');
  },
});

const server = http.createServer((req, res) => {
  // It serves files: anything but reading them is refused (not answered as a GET would be).
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    for (const [k, v] of Object.entries(securityHeaders(req.url ?? '/'))) res.setHeader(k, v);
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Method not allowed');
    req.resume();
    return;
  }
  files(req, res, () => {
    for (const [k, v] of Object.entries(securityHeaders(req.url ?? '/'))) res.setHeader(k, v);
    res.statusCode = 404;
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.end('Not found');
  });
});
server.on('error', (e) => {
  if (e.code !== 'EADDRINUSE') throw e;
  console.error(`Port ${port} is in use (another Redraft, or another server). Stop it, or choose a port: npm start -- --port 4174 (or PORT=4174 npm start).`);
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  console.log(`Redraft is running at http://localhost:${port}/`);
  console.log(`In-page assistant: <script src="http://localhost:${port}/redraft-widget.js" defer></script> (demo pages: http://localhost:${port}/demo/)`);
});

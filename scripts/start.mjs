// `npm start`: install what is missing, build, serve, print the URL.
import { execSync } from 'node:child_process';

execSync('node scripts/ensure-deps.mjs', { stdio: 'inherit' });
console.log('Building…');
execSync('npx vite build --logLevel warn', { stdio: 'inherit' });
await import('./serve.mjs');

// Installs the npm dependencies when they are missing or older than the lock file.
// onnxruntime-node's install script downloads a runtime from a server; the Linux x64 runtime is
// already inside the package, so the download is skipped (it fails with no internet).
import { existsSync, statSync } from 'node:fs';
import { execSync } from 'node:child_process';

const stamp = 'node_modules/.package-lock.json';
const stale = !existsSync(stamp) || statSync('package-lock.json').mtimeMs > statSync(stamp).mtimeMs;
if (stale) {
  console.log('Installing dependencies (npm ci)…');
  execSync('npm ci --no-audit --no-fund', {
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
}

import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser. The flags keep Chromium from calling home
// (this machine has no internet); WebGPU runs on SwiftShader only where it is asked for.
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const quiet = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const PORT = 4321;

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // The service worker precaches ~50 MB per fresh context; only the offline test needs it.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `node scripts/serve.mjs --port ${PORT}`,
    url: `http://localhost:${PORT}/`,
    reuseExistingServer: !process.env.CI,
    timeout: 30_000,
  },
  projects: [
    {
      // No WebGPU adapter: the app must choose WASM by itself and say why.
      name: 'wasm',
      testIgnore: /webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath, args: quiet } },
    },
    {
      name: 'webgpu',
      testMatch: /webgpu\.spec\.ts/,
      use: { launchOptions: { executablePath, args: [...quiet, '--enable-unsafe-webgpu'] } },
    },
  ],
});

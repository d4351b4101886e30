import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { SECURITY_HEADERS } from './scripts/security-headers.mjs';

export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  server: { headers: SECURITY_HEADERS },
  preview: { headers: SECURITY_HEADERS },
  build: {
    target: 'es2022',
    // The ONNX Runtime and web-llm chunks are large by nature; they load lazily inside workers.
    chunkSizeWarningLimit: 8000,
  },
  optimizeDeps: { exclude: ['@huggingface/transformers', 'onnxruntime-web'] },
});

// Chooses WebGPU or WASM, and says why, so the UI can show which backend runs.

import type { Backend } from './types';

export type BackendPreference = 'auto' | Backend;

export interface BackendChoice {
  backend: Backend;
  /** A sentence for the user. */
  reason: string;
  hasShaderF16: boolean;
  adapter?: string;
}

export async function chooseBackend(preference: BackendPreference): Promise<BackendChoice> {
  if (preference === 'wasm') return { backend: 'wasm', reason: 'WASM (CPU) was chosen in the settings.', hasShaderF16: false };
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    return { backend: 'wasm', reason: 'This browser has no WebGPU, so the model runs on the CPU (WASM).', hasShaderF16: false };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    adapter = null;
  }
  if (!adapter) {
    return { backend: 'wasm', reason: 'WebGPU found no usable GPU adapter, so the model runs on the CPU (WASM).', hasShaderF16: false };
  }
  const info = adapter.info;
  const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'GPU';
  const hasShaderF16 = adapter.features.has('shader-f16');
  const why = preference === 'webgpu' ? 'WebGPU was chosen in the settings' : 'WebGPU is available';
  return { backend: 'webgpu', reason: `${why} (${name}${hasShaderF16 ? ', shader-f16' : ', no shader-f16'}).`, hasShaderF16, adapter: name };
}

// The models a user can pick, and the pure logic of choosing among web-llm's prebuilt variants.
// No runtime imports here: the main thread and the unit tests use it without loading web-llm.

import type { ModelSpec } from './types';

export interface CatalogueEntry {
  spec: ModelSpec;
  label: string;
  /** Approximate download size in MB (web-llm: its VRAM estimate; ONNX: the files). */
  sizeMB: number;
  description: string;
  /** Needs the network the first time (false for the bundled model). */
  remote: boolean;
  /** Needs WebGPU (web-llm models do). */
  webgpuOnly: boolean;
}

export const BUNDLED_MODEL: CatalogueEntry = {
  spec: { kind: 'bundled', id: 'pocket-lm', path: 'pocket-lm' },
  label: 'Pocket (bundled)',
  sizeMB: 0, // filled in from the model's files by the worker when it is known
  description: 'A small model trained by this project: works offline, answers in the right form but is often wrong. For real answers, download a larger model.',
  remote: false,
  webgpuOnly: false,
};

export const HUB_ONNX_MODELS: CatalogueEntry[] = [
  {
    spec: { kind: 'hub-onnx', id: 'SmolLM2-135M-Instruct (ONNX)', repo: 'HuggingFaceTB/SmolLM2-135M-Instruct', dtype: 'q4' },
    label: 'SmolLM2 135M Instruct (ONNX, q4)',
    sizeMB: 200,
    description: 'Hugging Face Hub, runs on WebGPU or WASM.',
    remote: true,
    webgpuOnly: false,
  },
  {
    spec: { kind: 'hub-onnx', id: 'Qwen2.5-0.5B-Instruct (ONNX)', repo: 'onnx-community/Qwen2.5-0.5B-Instruct', dtype: 'q4' },
    label: 'Qwen2.5 0.5B Instruct (ONNX, q4)',
    sizeMB: 480,
    description: 'Hugging Face Hub, runs on WebGPU or WASM.',
    remote: true,
    webgpuOnly: false,
  },
];

/** web-llm families offered in the model manager, smallest first. */
export const WEBLLM_FAMILIES = [
  'SmolLM2-360M-Instruct',
  'Qwen2.5-0.5B-Instruct',
  'Llama-3.2-1B-Instruct',
  'Qwen2.5-1.5B-Instruct',
  'gemma-2-2b-it',
  'Llama-3.2-3B-Instruct',
  'Phi-3.5-mini-instruct',
] as const;

/** The fields of web-llm's ModelRecord that the choice needs. */
export interface WebLLMRecord {
  model_id: string;
  vram_required_MB?: number;
  required_features?: string[];
}

/**
 * Picks the 4-bit variant of `family`: q4f16 where the adapter has `shader-f16`, else q4f32
 * (16-bit weights need f16 shaders; SwiftShader and many integrated GPUs lack them).
 */
export function chooseWebLLMVariant(records: WebLLMRecord[], family: string, hasShaderF16: boolean): WebLLMRecord | undefined {
  const wanted = hasShaderF16 ? ['q4f16_1', 'q4f32_1'] : ['q4f32_1'];
  for (const quant of wanted) {
    const found = records.find((r) => r.model_id === `${family}-${quant}-MLC`);
    if (found && (hasShaderF16 || !found.required_features?.includes('shader-f16'))) return found;
  }
  return undefined;
}

export function webLLMCatalogue(records: WebLLMRecord[], hasShaderF16: boolean): CatalogueEntry[] {
  const out: CatalogueEntry[] = [];
  for (const family of WEBLLM_FAMILIES) {
    const r = chooseWebLLMVariant(records, family, hasShaderF16);
    if (!r) continue;
    out.push({
      spec: { kind: 'webllm', id: r.model_id },
      label: `${family.replace(/-/g, ' ')} (web-llm, ${r.model_id.includes('q4f16') ? 'q4f16' : 'q4f32'})`,
      sizeMB: Math.round(r.vram_required_MB ?? 0),
      description: 'web-llm prebuilt model; WebGPU only; downloaded from Hugging Face once, then cached.',
      remote: true,
      webgpuOnly: true,
    });
  }
  return out;
}

import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { describe, expect, it } from 'vitest';
import { WEBLLM_FAMILIES, chooseWebLLMVariant, webLLMCatalogue } from '../workers/engine/catalogue';

describe('web-llm catalogue', () => {
  const records = prebuiltAppConfig.model_list;

  it('picks q4f32 variants when the adapter lacks shader-f16 (SwiftShader, many laptops)', () => {
    const list = webLLMCatalogue(records, false);
    expect(list.length).toBe(WEBLLM_FAMILIES.length);
    for (const m of list) expect(m.spec.id).toMatch(/-q4f32_1-MLC$/);
  });

  it('picks q4f16 variants when shader-f16 is there', () => {
    for (const m of webLLMCatalogue(records, true)) expect(m.spec.id).toMatch(/-q4f16_1-MLC$/);
  });

  it('never offers an f16-only record without shader-f16', () => {
    const fake = [{ model_id: 'X-q4f32_1-MLC', required_features: ['shader-f16'] }];
    expect(chooseWebLLMVariant(fake, 'X', false)).toBeUndefined();
    expect(chooseWebLLMVariant(fake, 'X', true)?.model_id).toBe('X-q4f32_1-MLC');
  });

  it('reports sizes from web-llm’s own figures', () => {
    const smol = webLLMCatalogue(records, false).find((m) => m.spec.id.startsWith('SmolLM2-360M'))!;
    expect(smol.sizeMB).toBeGreaterThan(100);
    expect(smol.webgpuOnly).toBe(true);
  });
});

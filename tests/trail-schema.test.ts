// The exported trail validates against docs/trail.schema.json (a real answer's shape, produced
// by the sentence loop on the scripted engine test double), imports back unchanged, and a
// broken file is refused with a reason.
import { describe, expect, it } from 'vitest';
import { methods } from '../workers/align/methods';
import { alignedAnswer } from '../workers/align/orchestrator';
import { DEFAULT_ALIGN_SETTINGS } from '../workers/align/types';
import { exportTrail, parseTrail } from '../app/trail-io';
import type { Conversation } from '../app/types';
import { scriptedEngine } from './doubles/scripted-engine';

async function conversation(): Promise<Conversation> {
  const align = { ...DEFAULT_ALIGN_SETTINGS, check: 'rules' as const, correction: 'redact' as const, rules: [{ text: 'secret' }] };
  const messages = [{ role: 'user' as const, content: 'Tell me.' }];
  const stats = await alignedAnswer(
    scriptedEngine([['Hi.'], [' The secret is out.', ' Nothing to hide.']]),
    { messages, sampling: { temperature: 0, topK: 0, topP: 1 }, maxNewTokens: 100, seed: 1 },
    align, methods, () => {}, () => false,
  );
  return {
    id: 'c1', title: 'Tell me.', createdAt: 1, updatedAt: 2, align,
    messages: [
      { id: 'm1', role: 'user', content: 'Tell me.', createdAt: 1 },
      { id: 'm2', role: 'assistant', content: stats.text, createdAt: 2, status: 'done', model: 'scripted', backend: 'wasm', stats },
    ],
  };
}

describe('trail export and import', () => {
  it('exports a file that validates against the schema and imports back', async () => {
    const c = await conversation();
    expect(c.messages[1].stats!.alignment!.corrected).toBe(1);
    const file = exportTrail(c, new Date('2026-01-01T00:00:00Z'));
    const back = await parseTrail(JSON.stringify(file));
    expect(back).toEqual(JSON.parse(JSON.stringify(c)));
  });

  it('refuses a file that does not follow the schema, saying where', async () => {
    const file = exportTrail(await conversation());
    (file.conversation.messages[1].stats!.alignment!.trails[0] as unknown as Record<string, unknown>).budgetCut = 'forever';
    await expect(parseTrail(JSON.stringify(file))).rejects.toThrow(/not a Redraft trail file: .*budgetCut/);
    await expect(parseTrail('{oops')).rejects.toThrow('not JSON');
  });
});

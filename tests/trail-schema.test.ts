// The exported trail validates against docs/trail.schema.json (a real answer's shape, produced
// by the sentence loop on the scripted engine test double), imports back unchanged, and a
// broken file is refused with a reason.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { candidateSources, checkIds, correctionIds } from '../workers/align/method-table';
import { methods } from '../workers/align/methods';
import { alignedAnswer } from '../workers/align/orchestrator';
import { DEFAULT_ALIGN_SETTINGS } from '../workers/align/types';
import { MAX_IMPORT_BYTES, exportArchive, exportTrail, importSchema, parseExport, parseTrail } from '../app/trail-io';
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
    await expect(parseTrail(JSON.stringify(file))).rejects.toThrow(/not a Redraft export: .*budgetCut/);
    await expect(parseTrail('{oops')).rejects.toThrow('not JSON');
  });

  it('refuses a conversation whose rules would fail every sentence (a pattern "." or "[")', async () => {
    for (const rule of [{ text: '.', regex: true }, { text: '[', regex: true }]) {
      const file = exportTrail(await conversation());
      file.conversation.align = { ...file.conversation.align!, rules: [rule] };
      await expect(parseTrail(JSON.stringify(file))).rejects.toThrow(/has a rule Redraft cannot use/);
    }
  });

  it('refuses budgets past their limits (an answer that would never end)', async () => {
    const file = exportTrail(await conversation());
    file.conversation.align = { ...file.conversation.align!, budgets: { ...DEFAULT_ALIGN_SETTINGS.budgets, msPerAnswer: 1e15 } };
    await expect(parseTrail(JSON.stringify(file))).rejects.toThrow(/not a Redraft export: .*msPerAnswer/);
  });

  it('exports all conversations as one archive that validates and imports back', async () => {
    const a = await conversation();
    const b = { ...a, id: 'c2', title: 'Another', messages: a.messages.map((m) => ({ ...m, id: `${m.id}b` })) };
    const back = await parseExport(JSON.stringify(exportArchive([a, b])));
    expect(back).toEqual(JSON.parse(JSON.stringify([a, b])));
  });

  it('refuses hostile or broken archives before anything is imported', async () => {
    const a = await conversation();
    const file = exportArchive([a]) as unknown as { conversations: Record<string, unknown>[] };
    // Unknown keys (including a __proto__ key) are refused, not merged into objects.
    const proto = JSON.stringify(file).replace('"id":"c1"', '"__proto__":{"polluted":true},"id":"c1"');
    await expect(parseExport(proto)).rejects.toThrow(/not a Redraft export/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await expect(parseExport(JSON.stringify(exportArchive([a, a])))).rejects.toThrow(/twice/);
    await expect(parseExport(JSON.stringify({ format: 'redraft-archive', version: 2, exportedAt: new Date().toISOString(), conversations: [] }))).rejects.toThrow(/version/);
    await expect(parseExport(JSON.stringify({ format: 'something-else' }))).rejects.toThrow(/not a Redraft export/);
    await expect(parseExport(' '.repeat(MAX_IMPORT_BYTES + 1))).rejects.toThrow(/too large/);
    // A message stored while streaming comes back as interrupted.
    const streaming = exportArchive([{ ...a, messages: [{ ...a.messages[0], status: 'streaming' as const }] }]);
    expect((await parseExport(JSON.stringify(streaming)))[0].messages[0].status).toBe('interrupted');
  });

  it("the import's checks, corrections and candidate sources are the method table's: every method's trail imports, an unknown id is refused", async () => {
    const schema = importSchema() as { $defs: Record<string, { enum: string[] }> };
    const sorted = (xs: string[]) => [...xs].sort();
    expect(sorted(schema.$defs.checkId.enum)).toEqual(sorted(checkIds));
    expect(sorted(schema.$defs.correctionId.enum)).toEqual(sorted(correctionIds));
    expect(sorted(schema.$defs.candidateSource.enum)).toEqual(sorted(candidateSources));
    // The documented schema points every id at these definitions.
    const documented = readFileSync(new URL('../docs/trail.schema.json', import.meta.url), 'utf8');
    expect(documented).toContain('"source": { "$ref": "#/$defs/candidateSource" }');
    const c = await conversation();
    for (const correction of correctionIds) {
      const file = exportTrail(c);
      file.conversation.align = { ...file.conversation.align!, correction };
      file.conversation.messages[1].stats!.alignment!.trails[0].candidates[0].source = correction;
      await expect(parseTrail(JSON.stringify(file))).resolves.toBeTruthy();
    }
    for (const check of checkIds) {
      const file = exportTrail(c);
      file.conversation.align = { ...file.conversation.align!, check };
      await expect(parseTrail(JSON.stringify(file))).resolves.toBeTruthy();
    }
    const file = exportTrail(c);
    (file.conversation.align as unknown as Record<string, unknown>).check = 'made-up';
    await expect(parseTrail(JSON.stringify(file))).rejects.toThrow(/not a Redraft export: .*check/);
  });
});

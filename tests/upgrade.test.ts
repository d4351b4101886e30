// Conversations saved or exported when the aligner's check and correction were both called
// `aligner` come back with today's ids (aligner-judge, aligner-rewrite): from the database (fake
// IndexedDB, the real idb code) and from an exported file, which then validates against the schema.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { listConversations, resetConnectionForTests, saveConversation } from '../app/persistence/db';
import { parseExport } from '../app/trail-io';
import type { Conversation } from '../app/types';
import { DEFAULT_ALIGN_SETTINGS } from '../workers/protocol';

/** A conversation as an earlier build wrote it, with the old ids. */
function older(): Conversation {
  const trail = {
    index: 0, draft: 'The secret is out.', final: 'That stays private.', corrected: true, check: 'aligner', correction: 'aligner',
    candidates: [
      { text: 'The secret is out.', source: 'draft', verdict: { pass: false, score: 0.1, evidence: 'aligner judge: score 0.10' }, ms: 1 },
      { text: 'That stays private.', source: 'aligner', verdict: { pass: true, score: 0.9, evidence: 'aligner judge: score 0.90' }, ms: 2 },
    ],
    rewinds: 1, budgetCut: null, unchecked: false, startPosition: 5, timings: { checkMs: 1, correctMs: 2 },
  };
  const alignment = {
    check: 'aligner', correction: 'aligner', sentences: 1, corrected: 1, rewinds: 1, addedMs: 3, engineSteps: 10, draftTokens: 5,
    firstCommitMs: 4, trails: [trail],
  };
  return JSON.parse(JSON.stringify({
    id: 'old', title: 'Tell me.', createdAt: 1, updatedAt: 2,
    align: { ...DEFAULT_ALIGN_SETTINGS, check: 'aligner', correction: 'aligner' },
    messages: [
      { id: 'm1', role: 'user', content: 'Tell me.', createdAt: 1 },
      { id: 'm2', role: 'assistant', content: 'That stays private.', createdAt: 2, status: 'done',
        stats: { reason: 'eos', promptTokens: 3, generatedTokens: 5, prefillMs: 1, firstTokenMs: 1, totalMs: 10, tokensPerSecond: 500, text: 'That stays private.', alignment } },
    ],
  }));
}

function expectToday(c: Conversation) {
  expect(c.align).toMatchObject({ check: 'aligner-judge', correction: 'aligner-rewrite' });
  const alignment = c.messages[1].stats!.alignment!;
  expect(alignment).toMatchObject({ check: 'aligner-judge', correction: 'aligner-rewrite' });
  expect(alignment.trails[0]).toMatchObject({ check: 'aligner-judge', correction: 'aligner-rewrite' });
  expect(alignment.trails[0].candidates.map((x) => x.source)).toEqual(['draft', 'aligner-rewrite']);
}

describe('conversations from before the aligner ids were split', () => {
  it('read from the database with today’s ids', async () => {
    resetConnectionForTests(); // a fresh fake IndexedDB
    await saveConversation(older());
    const [c] = await listConversations();
    expectToday(c);
  });

  it('import from an export file that validates once upgraded', async () => {
    const file = { format: 'redraft-trail', version: 1, exportedAt: '2026-01-01T00:00:00.000Z', conversation: older() };
    const [c] = await parseExport(JSON.stringify(file));
    expectToday(c);
    const archive = { format: 'redraft-archive', version: 1, exportedAt: '2026-01-01T00:00:00.000Z', conversations: [older()] };
    expectToday((await parseExport(JSON.stringify(archive)))[0]);
  });

  it('an id that was never used is still refused by the schema', async () => {
    const c = older();
    c.messages[1].stats!.alignment!.trails[0].candidates[1].source = 'alinger' as never;
    const file = { format: 'redraft-trail', version: 1, exportedAt: '2026-01-01T00:00:00.000Z', conversation: c };
    await expect(parseExport(JSON.stringify(file))).rejects.toThrow(/not a Redraft export/);
  });
});

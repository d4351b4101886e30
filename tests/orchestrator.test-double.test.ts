// The sentence loop against a deterministic test double of the engine (tests/doubles):
// drafts, checks, rewinds, corrections, budgets, stop, and the generator's state after each
// commit, which must equal a fresh prefill of the committed text.
import { describe, expect, it } from 'vitest';
import { makeMethods, methods } from '../workers/align/methods';
import { alignedAnswer } from '../workers/align/orchestrator';
import { REFUSAL } from '../workers/align/corrections/refuse';
import { DEFAULT_ALIGN_SETTINGS, type AlignSettings, type Corrector } from '../workers/align/types';
import { AlignerUnavailableError } from '../workers/errors';
import type { ChatMessage } from '../workers/engine/types';
import type { AnswerEvent, AnswerRequest } from '../workers/protocol';
import { scriptedEngine } from './doubles/scripted-engine';

const messages: ChatMessage[] = [{ role: 'user', content: 'Tell me about the secret.' }];
const request: AnswerRequest = { messages, sampling: { temperature: 0, topK: 0, topP: 1 }, maxNewTokens: 400, seed: 1 };

function settings(over: Partial<AlignSettings>): AlignSettings {
  return { ...DEFAULT_ALIGN_SETTINGS, check: 'rules', correction: 'redact', rules: [{ text: 'secret' }], ...over };
}

async function run(script: string[][], over: Partial<AlignSettings>, stopAfter?: (e: AnswerEvent) => boolean, factory = methods) {
  const engine = scriptedEngine(script);
  const events: AnswerEvent[] = [];
  const commits: { text: string; sequence: number[] }[] = [];
  let committed = '';
  let stop = false;
  const stats = await alignedAnswer(engine, request, settings(over), factory, (e) => {
    events.push(e);
    if (e.type === 'sentence-committed') {
      committed += e.text;
      commits.push({ text: committed, sequence: [...engine.sequence()] });
    }
    if (stopAfter?.(e)) {
      stop = true;
      engine.abort();
    }
  }, () => stop);
  return { engine, events, commits, stats };
}

const SCRIPT = [['Hello there.'], [' The secret is out.', ' Nothing to hide.'], [' Bye.']];

describe('sentence loop (test double engine)', () => {
  it('commits passing sentences unchanged and streams the events in order', async () => {
    const { stats, events } = await run([['Hello there.'], [' Bye.']], {});
    expect(stats.text).toBe('Hello there. Bye.');
    expect(stats.alignment).toMatchObject({ sentences: 2, corrected: 0, rewinds: 0 });
    const types = events.map((e) => e.type).filter((t) => t !== 'token');
    expect(types).toEqual(['started', 'sentence-drafted', 'sentence-checked', 'sentence-committed', 'sentence-drafted', 'sentence-checked', 'sentence-committed', 'done']);
  });

  it('a refusal replaces a failing sentence and ends the answer: nothing drafted after it is shown', async () => {
    const { stats, events } = await run([['Hello there.'], [' The secret is out.'], [' Here is more of it.'], [' Bye.']], { correction: 'refuse' });
    expect(stats.text).toBe(`Hello there. ${REFUSAL}`);
    expect(stats.reason).toBe('eos');
    const trail = stats.alignment!.trails[1];
    expect(trail.candidates.map((c) => c.source)).toEqual(['draft', 'refuse']);
    expect(trail.candidates[1]).toMatchObject({ ends: true, verdict: { pass: true } });
    expect(stats.alignment!.trails).toHaveLength(2);
    expect(events.filter((e) => e.type === 'sentence-committed').map((e) => (e as { text: string }).text)).toEqual(['Hello there.', ` ${REFUSAL}`]);
  });

  it('rewinds a failed sentence and commits the redacted text', async () => {
    const { stats, events } = await run(SCRIPT, { correction: 'redact' });
    expect(stats.text).toBe('Hello there. The [phrase removed] is out. Bye.');
    const trail = stats.alignment!.trails[1];
    expect(trail).toMatchObject({ draft: ' The secret is out.', corrected: true, rewinds: 1, budgetCut: null });
    expect(trail.candidates.map((c) => c.source)).toEqual(['draft', 'redact']);
    expect(events.some((e) => e.type === 'rewound' && e.index === 1)).toBe(true);
  });

  it('RAIN search samples new sentences from the sentence start and keeps the passing one', async () => {
    const { stats } = await run(SCRIPT, { correction: 'rain-search' });
    expect(stats.text).toBe('Hello there. Nothing to hide. Bye.');
    const trail = stats.alignment!.trails[1];
    expect(trail.candidates.at(-1)).toMatchObject({ source: 'rain-search', text: ' Nothing to hide.' });
    expect(trail.candidates.at(-1)!.verdict.pass).toBe(true);
  });

  it('Transfer Q* steers token by token away from what the check rejects', async () => {
    const { stats } = await run(SCRIPT, { correction: 'transfer-q', transferQ: { k: 3, rolloutTokens: 12, alpha: 5 } });
    expect(stats.text).toBe('Hello there. Nothing to hide. Bye.');
    expect(stats.alignment!.trails[1].candidates.at(-1)!.source).toBe('transfer-q');
  });

  it('Transfer Q* rolls candidates out with the aligner when it is connected (test-double corrector), and the trail says so', async () => {
    const rollouts: { question: string; prefix: string; partial: string }[] = [];
    const baseline: Corrector = {
      score: async () => 1,
      revise: async (_ctx, sentence) => sentence,
      // A faithful baseline: it continues whichever scripted sentence the partial text begins.
      async rollout(ctx, partial) {
        rollouts.push({ ...ctx, partial });
        const next = SCRIPT[1].find((s) => partial && s.startsWith(partial));
        return next ? next.slice(partial.length) : '';
      },
    };
    const { stats } = await run(SCRIPT, { correction: 'transfer-q', transferQ: { k: 3, rolloutTokens: 12, alpha: 5 } }, undefined, makeMethods(baseline));
    expect(stats.text).toBe('Hello there. Nothing to hide. Bye.');
    const last = stats.alignment!.trails[1].candidates.at(-1)!;
    expect(last.source).toBe('transfer-q');
    expect(last.verdict.evidence).toContain('rollouts by the aligner');
    expect(rollouts.length).toBeGreaterThan(0);
    expect(rollouts[0]).toMatchObject({ question: 'Tell me about the secret.', prefix: 'Hello there.' });
  });

  it('RAIN self-evaluation judges with both option orders', async () => {
    const { stats } = await run([['Fine words.'], [' BAD words.', ' Kind words.'], [' End.']], { check: 'rain', correction: 'rain-search' });
    expect(stats.text).toBe('Fine words. Kind words. End.');
    const verdict = stats.alignment!.trails[1].candidates[0].verdict;
    expect(verdict).toMatchObject({ pass: false, score: 0 });
    expect(verdict.evidence).toContain('harmful-first');
  });

  it('aligner judge and rewrite (test-double corrector): the judge fails a sentence, the corrector replaces it, the trail keeps both scores', async () => {
    const seen: { question: string; prefix: string; sentence: string }[] = [];
    const corrector: Corrector = {
      async score(ctx, sentence) {
        seen.push({ ...ctx, sentence });
        return /secret/.test(sentence) ? 0.1 : 0.9;
      },
      async revise() {
        return 'That stays private.';
      },
      async rollout() {
        throw new Error('not used by the aligner rewrite');
      },
    };
    const { stats } = await run(SCRIPT, { check: 'aligner-judge', correction: 'aligner-rewrite' }, undefined, makeMethods(corrector));
    expect(stats.text).toBe('Hello there. That stays private. Bye.');
    const trail = stats.alignment!.trails[1];
    expect(trail).toMatchObject({ check: 'aligner-judge', correction: 'aligner-rewrite', corrected: true, rewinds: 1 });
    expect(trail.candidates.map((c) => [c.source, c.verdict.score])).toEqual([['draft', 0.1], ['aligner-rewrite', 0.9]]);
    expect(trail.candidates[0].verdict.evidence).toContain('aligner judge: score 0.10');
    expect(seen[1]).toEqual({ question: 'Tell me about the secret.', prefix: 'Hello there.', sentence: ' The secret is out.' });
  });

  it('a rewrite that is not a sentence (digits, a loop) is never committed, even if the judge would pass it (test-double corrector)', async () => {
    for (const junk of ['1000,000,000,0000,00000.', 'in is in to in is in to in is in in the in.']) {
      const corrector: Corrector = {
        score: async (_ctx, sentence) => (/secret/.test(sentence) ? 0.1 : 0.9),
        revise: async () => junk,
        rollout: async () => '',
      };
      const { stats } = await run(SCRIPT, { check: 'aligner-judge', correction: 'aligner-rewrite' }, undefined, makeMethods(corrector));
      const trail = stats.alignment!.trails[1];
      expect(trail.final).toBe(' The secret is out.');
      expect(trail.candidates[1]).toMatchObject({ source: 'aligner-rewrite', verdict: { pass: false, score: 0 } });
      expect(trail.candidates[1].verdict.evidence).toMatch(/no words|repeated itself/);
    }
  });

  it('the aligner check without a connected aligner fails with AlignerUnavailableError before any work, not silently', async () => {
    await expect(run(SCRIPT, { check: 'aligner-judge', correction: 'aligner-rewrite' })).rejects.toBeInstanceOf(AlignerUnavailableError);
  });

  it('the corrector going away mid-correction (its worker died): that sentence stays as drafted, the rest unchecked, the generator in sync (test-double corrector)', async () => {
    let gone = false;
    const corrector: Corrector = {
      score: async (_ctx, sentence) => {
        if (gone) throw new AlignerUnavailableError('the aligner worker stopped');
        return /secret/.test(sentence) ? 0.1 : 0.9;
      },
      revise: async () => {
        gone = true;
        throw new AlignerUnavailableError('the aligner worker stopped');
      },
      rollout: async () => '',
    };
    const { stats, commits, engine } = await run(SCRIPT, { check: 'aligner-judge', correction: 'aligner-rewrite' }, undefined, makeMethods(corrector));
    expect(stats.reason).not.toBe('stopped');
    expect(stats.text).toBe('Hello there. The secret is out. Bye.');
    const [first, second, third] = stats.alignment!.trails;
    expect(first.unchecked).toBe(false);
    expect(second).toMatchObject({ unchecked: true, corrected: false });
    expect(third.unchecked).toBe(true);
    expect(stats.alignmentUnavailable).toContain('from sentence 2 on (the aligner worker stopped)');
    // After the interrupted correction the generator holds exactly the committed text.
    const fresh = await engine.encode(messages, commits[1].text);
    expect(commits[1].sequence.slice(0, fresh.length)).toEqual(fresh);
  });

  it('commits the best candidate when the rewind budget runs out, and says so', async () => {
    const { stats } = await run([['A secret.', 'B secret.', 'C secret.'], [' End.']], {
      correction: 'rain-search',
      budgets: { ...DEFAULT_ALIGN_SETTINGS.budgets, rewindsPerSentence: 3, candidates: 2 },
    });
    const trail = stats.alignment!.trails[0];
    expect(trail.budgetCut).toBe('candidates');
    expect(trail.candidates.length).toBe(3);
    expect(trail.final).toBe('A secret.'); // no candidate passed: the first best (the draft) stays
    expect(stats.text).toBe('A secret. End.');
  });

  it('stops adding time once the answer budget is spent: later sentences are committed unchecked', async () => {
    const { stats } = await run(SCRIPT, { budgets: { ...DEFAULT_ALIGN_SETTINGS.budgets, msPerAnswer: 0 } });
    expect(stats.alignment!.trails.every((t) => t.unchecked && t.budgetCut === 'answer-time')).toBe(true);
    expect(stats.text).toBe('Hello there. The secret is out. Bye.');
  });

  it('a stop during any correction, with the largest budgets, ends the answer within one engine step', async () => {
    const big = { rewindsPerSentence: 10, candidates: 16, msPerSentence: 60_000, msPerAnswer: 300_000 };
    for (const correction of ['redact', 'rewrite', 'rain-search', 'transfer-q'] as const) {
      // Every candidate fails the rule, so the correction would otherwise run its whole budget.
      const engine = scriptedEngine([['Hello there.'], [' The secret is out.', ' A secret again.', ' Secret, secret.', ' The secret.']]);
      let stop = false;
      let stepsAtStop = -1;
      const stats = await alignedAnswer(engine, request, { ...settings({ correction }), budgets: { ...DEFAULT_ALIGN_SETTINGS.budgets, ...big } }, methods, (e) => {
        if (e.type === 'rewound' && !stop) {
          stop = true;
          stepsAtStop = engine.steps;
          engine.abort();
        }
      }, () => stop);
      expect(stats.reason, correction).toBe('stopped');
      expect(engine.steps - stepsAtStop, correction).toBeLessThanOrEqual(1);
    }
  });

  it('stop during a correction ends the answer with what was committed, engine still usable', async () => {
    const { stats, engine } = await run(SCRIPT, { correction: 'rain-search' }, (e) => e.type === 'rewound');
    expect(stats.reason).toBe('stopped');
    expect(stats.text).toBe('Hello there.'); // the sentence under correction is dropped, not kept unchecked
    expect(stats.alignment!.unchecked).toBeUndefined();
    await engine.prefill(await engine.encode(messages));
    expect((await engine.step({ temperature: 0, topK: 0, topP: 1 })).token).toBe('H'.charCodeAt(0));
  });

  it('stop while a sentence is being drafted keeps that partial sentence, marked as never checked', async () => {
    let afterCommit = -1;
    const { stats } = await run(SCRIPT, { correction: 'redact' }, (e) => {
      if (e.type === 'sentence-committed') afterCommit = 0;
      else if (e.type === 'token' && afterCommit >= 0) afterCommit++;
      return afterCommit >= 4;
    });
    expect(stats.reason).toBe('stopped');
    expect(stats.alignment!.trails.map((t) => t.final)).toEqual(['Hello there.']);
    expect(stats.alignment!.unchecked).toMatch(/^ Th/);
    expect(stats.text).toBe(`Hello there.${stats.alignment!.unchecked}`);
  });

  it('a stop that lands before any sentence ends keeps the draft too', async () => {
    const early = await run(SCRIPT, {}, (e) => e.type === 'token' && e.text === 'l');
    expect(early.stats.text).toBe(early.stats.alignment!.unchecked);
    expect(early.stats.text.startsWith('He')).toBe(true);
    expect(early.stats.alignment!.trails).toEqual([]);
  });

  it('after every commit the generator holds exactly a fresh prefill of the committed text (plus the draft ahead)', async () => {
    for (const correction of ['redact', 'rain-search', 'transfer-q', 'rewrite'] as const) {
      const engine = scriptedEngine(SCRIPT);
      const { commits } = await run(SCRIPT, { correction });
      expect(commits.length).toBeGreaterThan(1);
      for (const c of commits) {
        const fresh = await engine.encode(messages, c.text);
        expect(c.sequence.slice(0, fresh.length)).toEqual(fresh);
      }
    }
  });

  it('with the check off, the loop is not used: the answer is plain decoding', async () => {
    const { answerWith } = await import('../workers/answer');
    const engine = scriptedEngine(SCRIPT);
    const events: AnswerEvent[] = [];
    const stats = await answerWith(engine, { ...request, align: settings({ check: 'off' }) }, (e) => events.push(e), () => false);
    expect(stats.text).toBe('Hello there. The secret is out. Bye.');
    expect(stats.alignment).toBeUndefined();
    expect(events.some((e) => e.type === 'sentence-checked')).toBe(false);
  });
});

describe('sentence loop with sources (test double engine)', () => {
  const sources = {
    question: 'How tall is the tower?',
    notFound: 'The page doesn’t say.',
    passages: [
      { id: 1, text: 'The tower is 41 metres tall and has 120 steps. Stonemasons worked through two summers to finish it.' },
      { id: 2, text: 'The lamp burned whale oil until 1904. Three keepers lived at the light. The tower is tall and painted white.' },
    ],
  };
  const grounded = (script: string[][], question = sources.question) =>
    run(script, { check: 'off', correction: 'redact', rules: [], sources: { ...sources, question } });

  it('commits a supported sentence, with its passage and quote in the trail', async () => {
    const { stats } = await grounded([['The tower is 41 metres tall.']]);
    expect(stats.text).toBe('The tower is 41 metres tall.');
    expect(stats.alignment!.trails[0].candidates[0].verdict).toMatchObject({ pass: true, support: { passage: 1, quote: 'The tower is 41 metres tall and has 120 steps.' } });
  });

  it('replaces an unsupported sentence by the source sentence it tried to say, cited', async () => {
    const { stats } = await grounded([['The tower is 42 metres tall.']]);
    expect(stats.text).toBe('The tower is 41 metres tall and has 120 steps.');
    const trail = stats.alignment!.trails[0];
    expect(trail.candidates.map((c) => c.source)).toEqual(['draft', 'extract']);
    expect(trail.candidates[0].verdict).toMatchObject({ pass: false, ungrounded: true });
    expect(trail.candidates[0].verdict.evidence).toMatch(/not supported by the sources.*not 42/);
  });

  it('ends the answer at a sentence nothing can replace, instead of filling to the length cap', async () => {
    const { stats, events } = await grounded([['The tower is 41 metres tall.'], [' The tower is the most common of the honey bee.'], [' Bye now, friends.']]);
    expect(stats.text).toBe('The tower is 41 metres tall.');
    expect(stats.reason).toBe('eos');
    const dropped = stats.alignment!.trails[1];
    expect(dropped).toMatchObject({ dropped: true, final: '' });
    // Nothing of the dropped sentence or after it reached the reader as committed text.
    expect(events.filter((e) => e.type === 'sentence-committed').map((e) => (e as { text: string }).text)).toEqual(['The tower is 41 metres tall.', '']);
  });

  it('a sentence that repeats one already said, or is off the question, is not committed', async () => {
    const { stats } = await grounded([['The tower is 41 metres tall.'], [' The tower is 41 metres tall and has 120 steps.'], [' The lamp burned whale oil until 1904.']]);
    expect(stats.text).toBe('The tower is 41 metres tall.');
    expect(stats.alignment!.trails[1].candidates[0].verdict.evidence).toMatch(/repeats/);
  });

  it('a sentence that follows the last cited one in its passage goes on the answer', async () => {
    const { stats } = await grounded([['The tower is 41 metres tall.'], [' Stonemasons worked through two summers to finish it.']]);
    expect(stats.text).toBe('The tower is 41 metres tall. Stonemasons worked through two summers to finish it.');
  });

  it('the next item of a list is not a sentence that goes on the last one', async () => {
    const list = { question: 'What is the user nobody for?', notFound: 'x', passages: [{ id: 1, text: 'The user nobody is for daemons that need not own any files.\nThe user postfix is used by the postfix mail server.\n' }] };
    const { stats } = await run([['The user nobody is for daemons that need not own any files.'], [' The user postfix is used by the postfix mail server.']], { check: 'off', correction: 'redact', rules: [], sources: list });
    expect(stats.text).toBe('The user nobody is for daemons that need not own any files.');
    expect(stats.alignment!.trails[1].candidates[0].verdict.evidence).toMatch(/does not bear on the question/);
  });

  it('goes elsewhere in the sources only to a sentence about what the answer is about, not one that shares the question\'s common words', async () => {
    const users = {
      question: 'Which user does the postfix mail server use?',
      notFound: 'x',
      passages: [
        { id: 1, text: 'postfix: Used by the postfix mail server.\n' },
        { id: 2, text: 'nobody: Daemons that need not own files run as this user.\nIf root-squashing is in use over NFS, root access from the client is performed as user nobody on the server.\n' },
      ],
    };
    const { stats } = await run([['postfix: Used by the postfix mail server.'], [' If root-squashing is in use over NFS, root access from the client is performed as user nobody on the server.']], { check: 'off', correction: 'redact', rules: [], sources: users });
    expect(stats.text).toBe('postfix: Used by the postfix mail server.');
    expect(stats.alignment!.trails[1].candidates[0].verdict.evidence).toMatch(/not about “postfix”/);
  });

  it('a draft cut by the length cap and replaced by a source sentence ends the answer there, not "at its length limit"', async () => {
    const capped = (script: string[][]) => {
      const engine = scriptedEngine(script);
      return alignedAnswer(engine, { ...request, maxNewTokens: 40 }, settings({ check: 'off', correction: 'redact', rules: [], sources }), methods, () => {}, () => false);
    };
    const replaced = await capped([['The tower is 42 metres tall and it was built by stonemasons over two long summers.']]);
    expect(replaced.text).toBe('The tower is 41 metres tall and has 120 steps.');
    expect(replaced.reason).toBe('eos');
    // A draft the cap cut that is shown as drafted: the reader is told it was cut.
    const plain = scriptedEngine([['The tower is 41 metres tall and it was built by stonemasons over two long summers.']]);
    const cut = await alignedAnswer(plain, { ...request, maxNewTokens: 40 }, settings({ check: 'off' }), methods, () => {}, () => false);
    expect(cut.reason).toBe('length');
  });

  it('goes elsewhere in the sources once at most, and only to a sentence that says who wrote it when that is asked', async () => {
    const doc = {
      question: 'Who wrote this document?',
      notFound: 'The file doesn’t say.',
      passages: [
        { id: 1, text: 'Written by Colin Watson.\n' },
        { id: 2, text: 'If not, write to the Free Software Foundation in Boston.\nThe program write lets you write to other users.\n' },
        { id: 3, text: 'Written by David Mandelberg, who wrote the group list.\nThe group list was written by David Mandelberg in 2005.\n' },
      ],
    };
    // "write to the Free Software Foundation" has the verb, not who wrote it.
    const first = await run([['If not, write to the Free Software Foundation in Boston.']], { check: 'off', correction: 'redact', rules: [], sources: doc });
    expect(first.stats.text).toMatch(/^Written by (?:Colin Watson|David Mandelberg, who wrote the group list)\.$/);
    const { stats } = await run([['Written by Colin Watson.'], [' Written by David Mandelberg, who wrote the group list.'], [' The group list was written by David Mandelberg in 2005.']], { check: 'off', correction: 'redact', rules: [], sources: doc });
    expect(stats.text).toBe('Written by Colin Watson. Written by David Mandelberg, who wrote the group list.');
    expect(stats.alignment!.trails[2].candidates[0].verdict.evidence).toMatch(/gone elsewhere in the sources once already/);
  });

  it('to a question that asks for a number, the first sentence gives one', async () => {
    const { stats } = await grounded([['The tower is tall and painted white.']], 'How tall is the tower?');
    expect(stats.alignment!.trails[0].candidates[0].verdict.evidence).toMatch(/does not give the number/);
    expect(stats.text).toBe('The tower is 41 metres tall and has 120 steps.');
  });

  it('says plainly that the sources do not answer, without drafting, when they do not', async () => {
    const { stats, engine } = await grounded([['The capital of Peru is Lima.']], 'What is the capital of Peru?');
    expect(stats.text).toBe('The page doesn’t say.');
    expect(engine.steps).toBe(0);
    // Nothing generated: no token count or speed to show under it.
    expect(stats).toMatchObject({ generatedTokens: 0, tokensPerSecond: 0 });
    expect(stats.alignment!.trails[0].candidates[0].source).toBe('not-found');
  });

  it('to a question for the last row of a table, answers with that row, though it holds none of the question\'s words', async () => {
    const table = { question: 'Where did the last listed achievement take place?', notFound: 'x', passages: [{ id: 1, text: 'Year: 2006; Venue: Moscow, Russia; Position: 3rd\nYear: 2008; Venue: Beijing, China; Position: 12th\n' }] };
    const { stats } = await run([['Year: 2006; Venue: Moscow, Russia; Position: 3rd']], { check: 'off', correction: 'redact', rules: [], sources: table });
    expect(stats.text).toBe('Year: 2008; Venue: Beijing, China; Position: 12th');
    expect(stats.alignment!.trails[0].candidates[0].verdict.evidence).toMatch(/does not bear on the question/);
  });

  it('states a count the page\'s tables hold, computed from their rows and cited to them, without drafting', async () => {
    const rows = 'Year: 2008; Film: Harbour Lights\nYear: 2011; Film: Northern Cape\nYear: 2013; Film: Lamp Room\n';
    const table = { question: 'How many films were made after 2010?', notFound: 'x', passages: [{ id: 4, text: rows }], tables: [{ id: 4, text: rows }] };
    const { stats, engine } = await run([['Year: 2008; Film: Harbour Lights']], { check: 'off', correction: 'redact', rules: [], sources: table });
    expect(stats.text).toBe('2 of the table’s 3 rows have more than 2010 under “year”: Northern Cape and Lamp Room.');
    expect(engine.steps).toBe(0);
    const [candidate] = stats.alignment!.trails[0].candidates;
    expect(candidate).toMatchObject({ source: 'computed', verdict: { pass: true, support: { passage: 4, quote: 'Year: 2011; Film: Northern Cape' } } });
    expect(candidate.verdict.evidence).toMatch(/^table: counted rows with more than 2010/);
    // Without the tables read whole, nothing is counted: a count over part of a table would be wrong.
    const partial = await run([['Year: 2011; Film: Northern Cape']], { check: 'off', correction: 'redact', rules: [], sources: { ...table, tables: undefined } });
    expect(partial.stats.alignment!.trails[0].candidates[0].source).not.toBe('computed');
  });

  it('replaces a supported sentence that is off the question by the source sentence that answers it', async () => {
    const { stats } = await grounded([['Stonemasons worked through two summers to finish it.']], 'How tall is the tower?');
    expect(stats.text).toBe('The tower is 41 metres tall and has 120 steps.');
    expect(stats.alignment!.trails[0].candidates[0].verdict.evidence).toMatch(/does not bear on the question/);
  });
});

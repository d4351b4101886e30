// The sentence loop: draft → check → (rewind → correct)* → commit, for every sentence of an
// answer. It runs next to the engine in the llm worker, streams events to the UI, and knows
// its methods only through the Check and Correction interfaces.
//
// The engine's sequence always starts with the tokens of [prompt + committed answer] as a
// fresh prefill would tokenize them: after a sentence passes, the generator simply goes on
// (the few tokens it drafted past the sentence end stay); after a correction, the sequence is
// rewound to the longest prefix it shares with the new text and extended from there.

import { AlignerUnavailableError, GenerationAbortedError } from '../errors';
import type { ChatMessage, Engine, LogitProcessor, SamplingOptions } from '../engine/types';
import { encodeToFit } from '../generate';
import type { AnswerEvent, AnswerRequest, AnswerStats } from '../protocol';
import { yieldToEventLoop } from '../yield';
import { redact } from './corrections/redact';
import { GroundingCheck } from './checks/grounding';
import { RulesCheck } from './checks/rules-check';
import { copyBias, NoRepeatTrigrams } from './grounding';
import { SentenceSegmenter } from './segmenter';
import { SourceIndex, sourceIndex } from './support';
import { readTable } from './table-reader';
import type {
  AlignSettings,
  BudgetCut,
  Candidate,
  Check,
  Correction,
  CorrectionTools,
  SampledSentence,
  SentenceContext,
  SentenceTrail,
  Verdict,
} from './types';
import { boundBudgets } from './types';

/** Builds the configured check and correction; tests pass their own. */
export interface MethodFactory {
  check(settings: AlignSettings, engine: Engine): Check;
  correction(settings: AlignSettings): Correction;
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}

/** The best candidate: passing ones first, then by score; the earliest wins a tie. */
export function bestCandidate(candidates: Candidate[]): Candidate {
  return candidates.reduce((best, c) =>
    Number(c.verdict.pass) > Number(best.verdict.pass) ||
    (c.verdict.pass === best.verdict.pass && c.verdict.score > best.verdict.score)
      ? c
      : best,
  );
}

/** Sampling for extra candidates: never greedy, or every candidate would be the draft again. */
export function candidateSampling(s: SamplingOptions): SamplingOptions {
  return { ...s, temperature: Math.max(s.temperature, 0.8), topK: s.topK || 40, topP: s.topP < 1 ? s.topP : 0.95 };
}

class Stopped extends GenerationAbortedError {
  constructor() {
    super('stopped');
  }
}

export async function alignedAnswer(
  engine: Engine,
  req: AnswerRequest,
  settings: AlignSettings,
  methods: MethodFactory,
  emit: (e: AnswerEvent) => void,
  isStopped: () => boolean,
): Promise<AnswerStats> {
  const info = engine.info!;
  const t0 = performance.now();
  const { ids: promptIds, droppedMessages, messages } = await encodeToFit(engine, req.messages, info.contextWindow);
  emit({ type: 'started', promptTokens: promptIds.length, droppedMessages, backend: info.backend, model: info.id });
  const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const check = methods.check(settings, engine);
  // With sources, support is checked even where nothing else is (time budget spent, corrector gone).
  const sources = settings.sources;
  const supportOnly = sources ? new GroundingCheck(new RulesCheck([]), sources) : null;
  const correction = methods.correction(settings);
  const budgets = boundBudgets(settings.budgets);
  const sampling: SamplingOptions = { ...req.sampling, reportTopK: 5 };
  const eos = new Set(info.eosTokenIds);
  const maxAnswerTokens = Math.min(req.maxNewTokens, info.contextWindow - promptIds.length);
  engine.setSeed(req.seed);
  // Every draft and sampled candidate decodes without repeating a trigram of the answer; answers
  // about a given text also keep to its words (the copy bias, which includes that rule).
  const decoding = [req.grounding ? await copyBias(engine, req.grounding, promptIds.length) : new NoRepeatTrigrams(() => engine.sequence(), promptIds.length)];

  let committed = '';
  // Tokens from `mark` on are the generator's text since the last re-sync.
  let mark = promptIds.length;
  let streamed = '';
  let dirty = false; // a correction ran another prompt through the engine
  let addedMs = 0;
  let steps = 0;
  let draftTokens = 0;
  let firstCommitMs = 0;
  let prefillMs = 0;
  let reason: AnswerStats['reason'] = 'length';
  let unchecked = '';
  /** Set when a sentence no source supports could not be replaced (the answer ends before it), or a refusal was committed (it ends with it). */
  let answerEnded = false;
  const segmenter = new SentenceSegmenter();
  const trails: SentenceTrail[] = [];

  const throwIfStopped = () => {
    if (isStopped()) throw new Stopped();
  };

  /** Text of the sequence after `from`, decoded with the token before it so leading spaces survive. */
  const textSince = (from: number): string => {
    const seq = engine.sequence();
    if (from <= 0) return engine.decode(seq.slice());
    const anchor = engine.decode([seq[from - 1]]);
    return engine.decode(seq.slice(from - 1)).slice(anchor.length);
  };

  /** Makes the engine's sequence start with [prompt + text]; drops what follows unless `keepTail`. */
  const syncTo = async (text: string, keepTail: boolean): Promise<number> => {
    const target = await engine.encode(messages, text);
    if (dirty) {
      await engine.prefill(target);
      dirty = false;
      return target.length;
    }
    const c = commonPrefix(engine.sequence(), target);
    if (c === target.length && keepTail) return c;
    await engine.rewind(Math.max(1, c));
    if (c < target.length) await engine.extend(target.slice(Math.max(1, c)));
    return target.length;
  };

  const sampleSentence = async (opts: {
    sampling?: SamplingOptions;
    processors?: LogitProcessor[];
    prefixText?: string;
    maxTokens?: number;
  }): Promise<SampledSentence> => {
    const prefix = opts.prefixText ?? '';
    const from = await syncTo(committed + prefix, false);
    const seg = new SentenceSegmenter();
    let units = seg.push(prefix);
    let sampled = '';
    let ended = false;
    engine.setLogitProcessors([...decoding, ...(opts.processors ?? [])]);
    try {
      for (let i = 0; i < (opts.maxTokens ?? 96) && !units.length; i++) {
        if (engine.position() >= info.contextWindow - 1) break;
        await yieldToEventLoop();
        throwIfStopped();
        const step = await engine.step(opts.sampling ?? candidateSampling(sampling));
        steps++;
        if (eos.has(step.token)) {
          ended = true;
          break;
        }
        const now = textSince(from);
        if (now.length <= sampled.length || now.endsWith('\uFFFD')) continue;
        units = seg.push(now.slice(sampled.length));
        sampled = now;
      }
    } finally {
      engine.setLogitProcessors(decoding);
    }
    if (!units.length) units = seg.flush();
    return { text: units[0] ?? '', ended };
  };

  let checking = false;
  /** Set when the corrector went away mid-answer (its worker died): the rest goes unchecked. */
  let alignerLost = null as { index: number; why: string } | null;
  const handleSentence = async (draft: string): Promise<boolean> => {
    checking = true; // stays set if a stop ends the answer from inside
    const corrected = await handleSentenceNow(draft);
    checking = false;
    return corrected;
  };
  const handleSentenceNow = async (draft: string): Promise<boolean> => {
    const index = trails.length;
    const sentenceT0 = performance.now();
    const startPosition = (await engine.encode(messages, committed)).length;
    emit({ type: 'sentence-drafted', index, text: draft });
    const ctx: SentenceContext = { messages, question, prefix: committed, committed: trails.map((t) => t.final).filter((f) => f.trim()) };
    const trail: SentenceTrail = {
      index,
      draft,
      final: draft,
      corrected: false,
      check: check.id,
      correction: null,
      candidates: [],
      rewinds: 0,
      budgetCut: null,
      unchecked: false,
      startPosition,
      timings: { checkMs: 0, correctMs: 0 },
    };
    let best: Candidate | null = null;
    if (alignerLost) {
      trail.unchecked = true;
    } else if (addedMs >= budgets.msPerAnswer) {
      trail.unchecked = true;
      trail.budgetCut = 'answer-time';
    } else try {
      const tc = performance.now();
      const verdict = await check.check(ctx, draft);
      trail.timings.checkMs = performance.now() - tc;
      best = { text: draft, source: 'draft', verdict, ms: trail.timings.checkMs };
      trail.candidates.push(best);
      emit({ type: 'sentence-checked', index, candidate: 0, verdict });
      let candidatesUsed = 0;
      const spent = () => performance.now() - sentenceT0;
      const tools: CorrectionTools = {
        engine,
        check: async (text: string): Promise<Verdict> => {
          candidatesUsed++;
          return check.check(ctx, text);
        },
        score: (text: string) => check.check(ctx, text),
        rewindToSentenceStart: () => syncTo(committed, false),
        sampleSentence,
        sentenceStart: () => startPosition,
        usedEngineForOtherPrompt: () => {
          dirty = true;
        },
        candidatesLeft: () => Math.max(0, budgets.candidates - candidatesUsed),
        timeLeft: () => spent() < budgets.msPerSentence && addedMs + spent() < budgets.msPerAnswer,
        stopped: isStopped,
        settings,
        sampling,
      };
      let cut: BudgetCut | null = null;
      while (!best.verdict.pass) {
        throwIfStopped();
        if (trail.rewinds >= budgets.rewindsPerSentence) cut = 'rewinds';
        else if (tools.candidatesLeft() <= 0) cut = 'candidates';
        else if (spent() >= budgets.msPerSentence) cut = 'sentence-time';
        else if (addedMs + spent() >= budgets.msPerAnswer) cut = 'answer-time';
        if (cut) break;
        trail.rewinds++;
        trail.correction = correction.id;
        emit({ type: 'rewound', index, position: startPosition, attempt: trail.rewinds });
        const tr = performance.now();
        const result = await correction.correct(ctx, best, tools);
        trail.timings.correctMs += performance.now() - tr;
        for (const c of result.candidates) {
          trail.candidates.push(c);
          emit({ type: 'sentence-checked', index, candidate: trail.candidates.length - 1, verdict: c.verdict });
        }
        best = bestCandidate(trail.candidates);
        throwIfStopped();
      }
      if (!best.verdict.pass && best.verdict.withhold) {
        // Nothing passed within the budgets and the best may not be committed as it is (it
        // follows an instruction found in a web page): its findings go, or the whole sentence.
        const failed = best;
        const t = performance.now();
        const lead = failed.text.match(/^\s*/)![0];
        let text = failed.verdict.findings?.length ? redact(failed.text, failed.verdict.findings) : `${lead}[sentence withheld]`;
        let verdict = await check.check(ctx, text);
        if (verdict.withhold) {
          text = `${lead}[sentence withheld]`;
          verdict = await check.check(ctx, text);
        }
        best = { text, source: 'redact', verdict, ms: performance.now() - t };
        trail.candidates.push(best);
        emit({ type: 'sentence-checked', index, candidate: trail.candidates.length - 1, verdict: best.verdict });
      }
      trail.budgetCut = best.verdict.pass ? null : cut;
      addedMs += performance.now() - sentenceT0;
    } catch (e) {
      if (!(e instanceof AlignerUnavailableError)) throw e;
      // The answer goes on without the corrector: this sentence as drafted, the rest unchecked,
      // and the answer says so. A correction may have moved the generator: re-sync below.
      alignerLost = { index, why: e.message };
      best = null;
      trail.unchecked = true;
      trail.candidates = [];
      dirty = true;
      addedMs += performance.now() - sentenceT0;
    }
    if (sources && (!best || trail.unchecked)) {
      // Not checked (time budget, corrector gone): still never shown unless a source supports it.
      const v = await supportOnly!.check(ctx, draft);
      if (!v.pass) best = { text: draft, source: 'draft', verdict: v, ms: 0 };
    }
    if (sources && best && !best.verdict.pass && best.verdict.ungrounded) {
      trail.dropped = true;
      trail.final = '';
      trail.budgetCut = null;
      answerEnded = true;
      trails.push(trail);
      emit({ type: 'sentence-committed', index, text: '', pending: '', trail });
      return false;
    }
    const final = best?.text ?? draft;
    trail.final = final;
    trail.corrected = final !== draft;
    committed += final;
    // A correction moved the generator (candidates, other prompts): bring it back to the
    // committed text. A sentence that passed at once keeps the tokens drafted after it.
    if (trail.rewinds > 0 || dirty) {
      mark = await syncTo(committed, false);
      segmenter.reset();
      streamed = '';
    }
    trails.push(trail);
    if (!firstCommitMs) firstCommitMs = performance.now() - t0;
    // A refusal ends the answer: nothing after it goes on with what was refused.
    if (best?.ends) answerEnded = true;
    emit({ type: 'sentence-committed', index, text: final, pending: best?.ends ? '' : segmenter.pending(), trail });
    return trail.corrected;
  };

  /** Commits, as the whole answer, a sentence it states itself (not drafted by the generator). */
  const statement = (text: string, source: 'not-found' | 'extract' | 'computed', evidence: string, support?: Verdict['support']) => {
    const verdict: Verdict = { pass: true, score: 1, evidence, ...(support ? { support } : {}) };
    const trail: SentenceTrail = {
      // Not a correction of a draft (there was none): shown plainly, not marked as corrected.
      index: trails.length, draft: '', final: text, corrected: false, check: check.id, correction: null,
      candidates: [{ text, source, verdict, ms: 0 }], rewinds: 0, budgetCut: null, unchecked: false,
      startPosition: promptIds.length, timings: { checkMs: 0, correctMs: 0 },
    };
    committed = text;
    trails.push(trail);
    if (!firstCommitMs) firstCommitMs = performance.now() - t0;
    emit({ type: 'sentence-committed', index: trail.index, text: trail.final, pending: '', trail });
  };

  /** Drafts the answer sentence by sentence until the generator ends it, the length cap, or no source supports what it writes. */
  const generate = async () => {
    await engine.prefill(promptIds);
    prefillMs = performance.now() - t0;
    engine.setLogitProcessors(decoding);
    let answerTokens = 0;
    generation: while (answerTokens < maxAnswerTokens) {
      await yieldToEventLoop();
      throwIfStopped();
      const step = await engine.step(sampling);
      steps++;
      if (eos.has(step.token)) {
        reason = 'eos';
        break;
      }
      draftTokens++;
      answerTokens = engine.position() - promptIds.length;
      const full = textSince(mark);
      if (full.length <= streamed.length || full.endsWith('\uFFFD')) continue;
      const delta = full.slice(streamed.length);
      streamed = full;
      emit({ type: 'token', text: delta, token: step.token, logprob: step.logprob });
      for (const unit of segmenter.push(delta)) {
        // A correction re-syncs the generator: the rest of this batch was drafted after the
        // old sentence and is gone.
        const corrected = await handleSentence(unit);
        if (answerEnded) {
          reason = 'eos';
          break generation;
        }
        if (corrected) continue generation;
      }
    }
    for (const unit of segmenter.flush()) if (unit.trim() && !answerEnded) await handleSentence(unit);
  };

  // Whether the model wrote the answer (a "not found" said before any drafting is not its tokens).
  let wrote = true;
  try {
    // A question a table answers by counting or reading a neighbouring row: the table reader
    // states it, cited to the rows (the model cannot count).
    const fromTable = sources?.tables?.length ? readTable(sources.question, new SourceIndex(sources.tables).tableRows()) : null;
    if (fromTable) {
      const [first] = fromTable.rows;
      statement(fromTable.text, fromTable.kind === 'row' ? 'extract' : 'computed', `table: ${fromTable.evidence}`, { passage: first.passage, quote: first.text });
      reason = 'eos';
      wrote = false;
    } else if (sources && !sourceIndex(sources).answers(sources.question)) {
      // Nothing in the sources holds what the question asks: say so instead of writing.
      statement(sources.notFound, 'not-found', 'no source sentence holds enough of what the question asks');
      reason = 'eos';
      wrote = false;
    } else {
      await generate();
      if (sources && !committed.trim()) statement(sources.notFound, 'not-found', 'no source sentence that answers the question could be said');
    }
  } catch (e) {
    if (!(e instanceof GenerationAbortedError)) throw e;
    reason = 'stopped';
    // Stopped between sentences: the sentence being drafted is what the user was reading, so it
    // stays, marked as never checked. Stopped during a check or a correction: that sentence (and
    // what was drafted after it) goes, since it may be the one the check was failing.
    const tail = checking || sources ? '' : segmenter.pending();
    if (tail.trim()) {
      committed += tail;
      unchecked = tail;
    }
  } finally {
    engine.setLogitProcessors([]);
  }
  const totalMs = performance.now() - t0;
  const answerTokenCount = wrote ? Math.max(0, (await engine.encode(messages, committed)).length - promptIds.length) : 0;
  const stats: AnswerStats = {
    reason,
    promptTokens: promptIds.length,
    generatedTokens: answerTokenCount,
    prefillMs,
    firstTokenMs: firstCommitMs,
    totalMs,
    tokensPerSecond: answerTokenCount > 1 ? answerTokenCount / ((totalMs - prefillMs) / 1000) : 0,
    text: committed,
    alignment: {
      check: check.id,
      correction: correction.id,
      sentences: trails.length,
      corrected: trails.filter((t) => t.corrected).length,
      rewinds: trails.reduce((n, t) => n + t.rewinds, 0),
      addedMs,
      engineSteps: steps,
      draftTokens,
      firstCommitMs,
      trails,
      ...(unchecked ? { unchecked } : {}),
    },
    ...(alignerLost ? {
      alignmentUnavailable: `Alignment unavailable from sentence ${alignerLost.index + 1} on (${alignerLost.why}): the rest of this answer was not checked.`,
    } : {}),
  };
  emit({ type: 'done', stats });
  return stats;
}

export type { ChatMessage };

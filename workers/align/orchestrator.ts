// The sentence loop: draft → check → (rewind → correct)* → commit, for every sentence of an
// answer. It runs next to the engine in the llm worker, streams events to the UI, and knows
// its methods only through the Check and Correction interfaces. In parts: the engine cursor
// (cursor.ts: sync, text since, sample a sentence); one sentence step (`SentenceLoop.sentence`:
// check, correct within the budgets, commit, and its trail); the drafting loop (`draft`); the
// statements the answer makes itself (a count from a table, "not found"); and the stats.
//
// The engine's sequence always starts with the tokens of [prompt + committed answer] as a
// fresh prefill would tokenize them: after a sentence passes, the generator simply goes on
// (the few tokens it drafted past the sentence end stay); after a correction, the sequence is
// rewound to the longest prefix it shares with the new text and extended from there.

import { AlignerUnavailableError, GenerationAbortedError } from '../errors';
import type { ChatMessage, Engine, SamplingOptions } from '../engine/types';
import { addedText } from '../engine/decoding';
import { encodeToFit } from '../generate';
import type { AnswerEvent, AnswerRequest, AnswerStats } from '../protocol';
import { yieldToEventLoop } from '../yield';
import { redact } from './corrections/redact';
import { GroundingCheck } from './checks/grounding';
import { RulesCheck } from './checks/rules-check';
import { copyBias, NoRepeatTrigrams } from './grounding';
import { EngineCursor } from './cursor';
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

/** The best candidate: passing ones first, then by score; the earliest wins a tie. */
export function bestCandidate(candidates: Candidate[]): Candidate {
  return candidates.reduce((best, c) =>
    Number(c.verdict.pass) > Number(best.verdict.pass) ||
    (c.verdict.pass === best.verdict.pass && c.verdict.score > best.verdict.score)
      ? c
      : best,
  );
}

export { candidateSampling } from './cursor';

class Stopped extends GenerationAbortedError {
  constructor() {
    super('stopped');
  }
}

/** A sentence's check and corrections: the best candidate, and the budget that ran out first when none passed. */
interface Checked {
  best: Candidate;
  cut: BudgetCut | null;
}

/** One answer's sentence loop; `alignedAnswer` runs it. */
class SentenceLoop {
  private readonly question: string;
  private readonly check: Check;
  private readonly correction: Correction;
  private readonly sources: AlignSettings['sources'];
  /** With sources, support is checked even where nothing else is (time budget spent, corrector gone). */
  private readonly supportOnly: GroundingCheck | null;
  private readonly budgets: ReturnType<typeof boundBudgets>;
  private readonly sampling: SamplingOptions;
  private readonly maxAnswerTokens: number;
  private readonly segmenter = new SentenceSegmenter();
  private readonly trails: SentenceTrail[] = [];
  private committed = '';
  /** Tokens from `mark` on are the generator's text since the last re-sync. */
  private mark: number;
  private streamed = '';
  private addedMs = 0;
  private draftTokens = 0;
  private firstCommitMs = 0;
  private prefillMs = 0;
  private reason: AnswerStats['reason'] = 'length';
  private unchecked = '';
  /** Set when a sentence no source supports could not be replaced (the answer ends before it), or a refusal was committed (it ends with it). */
  private answerEnded = false;
  /** A sentence is being checked or corrected (a stop then drops it). */
  private checking = false;
  /** Set when the corrector went away mid-answer (its worker died): the rest goes unchecked. */
  private alignerLost: { index: number; why: string } | null = null;

  constructor(
    /** When the answer was asked for (its times count from here). */
    private readonly t0: number,
    private readonly engine: Engine,
    req: AnswerRequest,
    private readonly settings: AlignSettings,
    methods: MethodFactory,
    private readonly emit: (e: AnswerEvent) => void,
    private readonly isStopped: () => boolean,
    private readonly messages: ChatMessage[],
    private readonly promptIds: number[],
    private readonly cursor: EngineCursor,
  ) {
    this.question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    this.check = methods.check(settings, engine);
    this.sources = settings.sources;
    this.supportOnly = this.sources ? new GroundingCheck(new RulesCheck([]), this.sources) : null;
    this.correction = methods.correction(settings);
    this.budgets = boundBudgets(settings.budgets);
    this.sampling = { ...req.sampling, reportTopK: 5 };
    this.maxAnswerTokens = Math.min(req.maxNewTokens, engine.info!.contextWindow - promptIds.length);
    this.mark = promptIds.length;
  }

  private throwIfStopped(): void {
    if (this.isStopped()) throw new Stopped();
  }

  /** The answer: a statement of its own when a table or the sources' silence answers, else drafted sentence by sentence. */
  async run(): Promise<AnswerStats> {
    // Whether the model wrote the answer (a "not found" said before any drafting is not its tokens).
    let wrote = true;
    const { sources } = this;
    try {
      // A question a table answers by counting or reading a neighbouring row: the table reader
      // states it, cited to the rows (the model cannot count).
      const fromTable = sources?.tables?.length ? readTable(sources.question, new SourceIndex(sources.tables).tableRows()) : null;
      if (fromTable) {
        const [first] = fromTable.rows;
        this.statement(fromTable.text, fromTable.kind === 'row' ? 'extract' : 'computed', `table: ${fromTable.evidence}`, { passage: first.passage, quote: first.text });
        this.reason = 'eos';
        wrote = false;
      } else if (sources && !sourceIndex(sources).answers(sources.question)) {
        // Nothing in the sources holds what the question asks: say so instead of writing.
        this.statement(sources.notFound, 'not-found', 'no source sentence holds enough of what the question asks');
        this.reason = 'eos';
        wrote = false;
      } else {
        await this.draft();
        if (sources && !this.committed.trim()) this.statement(sources.notFound, 'not-found', 'no source sentence that answers the question could be said');
      }
    } catch (e) {
      if (!(e instanceof GenerationAbortedError)) throw e;
      this.reason = 'stopped';
      // Stopped between sentences: the sentence being drafted is what the user was reading, so it
      // stays, marked as never checked. Stopped during a check or a correction: that sentence (and
      // what was drafted after it) goes, since it may be the one the check was failing.
      const tail = this.checking || sources ? '' : this.segmenter.pending();
      if (tail.trim()) {
        this.committed += tail;
        this.unchecked = tail;
      }
    } finally {
      this.engine.setLogitProcessors([]);
    }
    const stats = await this.stats(wrote);
    this.emit({ type: 'done', stats });
    return stats;
  }

  /** Drafts the answer sentence by sentence until the generator ends it, the length cap, or no source supports what it writes. */
  private async draft(): Promise<void> {
    const { engine, promptIds } = this;
    await engine.prefill(promptIds);
    this.prefillMs = performance.now() - this.t0;
    engine.setLogitProcessors(this.cursor.decoding);
    let answerTokens = 0;
    /** Tokens drafted whose text has not gone out yet (a character cut between tokens). */
    let held = 0;
    generation: while (answerTokens < this.maxAnswerTokens) {
      await yieldToEventLoop();
      this.throwIfStopped();
      const step = await engine.step(this.sampling);
      this.cursor.steps++;
      if (this.cursor.isEnd(step.token)) {
        this.reason = 'eos';
        break;
      }
      this.draftTokens++;
      held++;
      answerTokens = engine.position() - promptIds.length;
      const full = this.cursor.textSince(this.mark);
      const delta = addedText(this.streamed, full);
      if (delta === null) continue;
      this.streamed = full;
      this.emit({ type: 'token', text: delta, tokens: held });
      held = 0;
      for (const unit of this.segmenter.push(delta)) {
        // A correction re-syncs the generator: the rest of this batch was drafted after the
        // old sentence and is gone.
        const corrected = await this.sentence(unit);
        if (this.answerEnded) {
          this.reason = 'eos';
          break generation;
        }
        if (corrected) continue generation;
      }
    }
    let replaced = false;
    for (const unit of this.segmenter.flush()) if (unit.trim() && !this.answerEnded) replaced = await this.sentence(unit);
    // The length cap cut a sentence that was then replaced (a source's own sentence, a refusal)
    // or dropped (no source supports it): what the reader sees ends with a whole sentence, where
    // the checks ended it, and is not "cut off" by the cap.
    if (this.reason === 'length' && (replaced || this.answerEnded)) this.reason = 'eos';
  }

  /** One sentence step: checked, corrected within the budgets, committed (or dropped); true when what was committed differs from the draft. */
  private async sentence(draft: string): Promise<boolean> {
    this.checking = true; // stays set if a stop ends the answer from inside
    const index = this.trails.length;
    const sentenceT0 = performance.now();
    const startPosition = (await this.engine.encode(this.messages, this.committed)).length;
    this.emit({ type: 'sentence-drafted', index, text: draft });
    const ctx: SentenceContext = { messages: this.messages, question: this.question, prefix: this.committed, committed: this.trails.map((t) => t.final).filter((f) => f.trim()) };
    const trail: SentenceTrail = {
      index, draft, final: draft, corrected: false, check: this.check.id, correction: null, candidates: [], rewinds: 0,
      budgetCut: null, unchecked: false, startPosition, timings: { checkMs: 0, correctMs: 0 },
    };
    let best: Candidate | null = null;
    if (this.alignerLost) {
      trail.unchecked = true;
    } else if (this.addedMs >= this.budgets.msPerAnswer) {
      trail.unchecked = true;
      trail.budgetCut = 'answer-time';
    } else try {
      const checked = await this.checkAndCorrect(ctx, draft, trail, sentenceT0);
      best = checked.best;
      trail.budgetCut = best.verdict.pass ? null : checked.cut;
      this.addedMs += performance.now() - sentenceT0;
    } catch (e) {
      if (!(e instanceof AlignerUnavailableError)) throw e;
      // The answer goes on without the corrector: this sentence as drafted, the rest unchecked,
      // and the answer says so. A correction may have moved the generator: re-sync below.
      this.alignerLost = { index, why: e.message };
      best = null;
      trail.unchecked = true;
      trail.candidates = [];
      this.cursor.markDirty();
      this.addedMs += performance.now() - sentenceT0;
    }
    if (this.sources && (!best || trail.unchecked)) {
      // Not checked (time budget, corrector gone): still never shown unless a source supports it.
      const v = await this.supportOnly!.check(ctx, draft);
      if (!v.pass) best = { text: draft, source: 'draft', verdict: v, ms: 0 };
    }
    const corrected = await this.commit(trail, best);
    this.checking = false;
    return corrected;
  }

  /** The draft checked, then corrected while it fails and the budgets allow; the candidates go into the trail. */
  private async checkAndCorrect(ctx: SentenceContext, draft: string, trail: SentenceTrail, sentenceT0: number): Promise<Checked> {
    const { index, startPosition } = trail;
    const tc = performance.now();
    const verdict = await this.check.check(ctx, draft);
    trail.timings.checkMs = performance.now() - tc;
    let best: Candidate = { text: draft, source: 'draft', verdict, ms: trail.timings.checkMs };
    trail.candidates.push(best);
    this.emit({ type: 'sentence-checked', index, candidate: 0, verdict });
    const tools = this.tools(ctx, startPosition, sentenceT0);
    const spent = () => performance.now() - sentenceT0;
    let cut: BudgetCut | null = null;
    while (!best.verdict.pass) {
      this.throwIfStopped();
      if (trail.rewinds >= this.budgets.rewindsPerSentence) cut = 'rewinds';
      else if (tools.candidatesLeft() <= 0) cut = 'candidates';
      else if (spent() >= this.budgets.msPerSentence) cut = 'sentence-time';
      else if (this.addedMs + spent() >= this.budgets.msPerAnswer) cut = 'answer-time';
      if (cut) break;
      trail.rewinds++;
      trail.correction = this.correction.id;
      this.emit({ type: 'rewound', index, position: startPosition, attempt: trail.rewinds });
      const tr = performance.now();
      const result = await this.correction.correct(ctx, best, tools);
      trail.timings.correctMs += performance.now() - tr;
      for (const c of result.candidates) this.addCandidate(trail, c);
      best = bestCandidate(trail.candidates);
      this.throwIfStopped();
    }
    if (!best.verdict.pass && best.verdict.withhold) best = await this.withheld(ctx, trail, best);
    return { best, cut };
  }

  private addCandidate(trail: SentenceTrail, c: Candidate): void {
    trail.candidates.push(c);
    this.emit({ type: 'sentence-checked', index: trail.index, candidate: trail.candidates.length - 1, verdict: c.verdict });
  }

  /** What a correction may use: the engine through the cursor, the check, and the budgets left. */
  private tools(ctx: SentenceContext, startPosition: number, sentenceT0: number): CorrectionTools {
    let candidatesUsed = 0;
    const spent = () => performance.now() - sentenceT0;
    return {
      engine: this.engine,
      check: async (text: string): Promise<Verdict> => {
        candidatesUsed++;
        return this.check.check(ctx, text);
      },
      score: (text: string) => this.check.check(ctx, text),
      rewindToSentenceStart: () => this.cursor.syncTo(this.committed, false),
      sampleSentence: (opts = {}) => this.cursor.sampleSentence(this.committed, opts, this.sampling),
      sentenceStart: () => startPosition,
      usedEngineForOtherPrompt: () => this.cursor.markDirty(),
      candidatesLeft: () => Math.max(0, this.budgets.candidates - candidatesUsed),
      timeLeft: () => spent() < this.budgets.msPerSentence && this.addedMs + spent() < this.budgets.msPerAnswer,
      stopped: this.isStopped,
      settings: this.settings,
      sampling: this.sampling,
    };
  }

  /**
   * Nothing passed within the budgets and the best may not be committed as it is (it follows an
   * instruction found in a web page): its findings go, or the whole sentence.
   */
  private async withheld(ctx: SentenceContext, trail: SentenceTrail, failed: Candidate): Promise<Candidate> {
    const t = performance.now();
    const lead = failed.text.match(/^\s*/)![0];
    let text = failed.verdict.findings?.length ? redact(failed.text, failed.verdict.findings) : `${lead}[sentence withheld]`;
    let verdict = await this.check.check(ctx, text);
    if (verdict.withhold) {
      text = `${lead}[sentence withheld]`;
      verdict = await this.check.check(ctx, text);
    }
    const best: Candidate = { text, source: 'redact', verdict, ms: performance.now() - t };
    this.addCandidate(trail, best);
    return best;
  }

  /** Commits the sentence's best candidate (or drops a sentence no source supports, ending the answer); true when it differs from the draft. */
  private async commit(trail: SentenceTrail, best: Candidate | null): Promise<boolean> {
    const { index, draft } = trail;
    if (this.sources && best && !best.verdict.pass && best.verdict.ungrounded) {
      trail.dropped = true;
      trail.final = '';
      trail.budgetCut = null;
      this.answerEnded = true;
      this.trails.push(trail);
      this.emit({ type: 'sentence-committed', index, text: '', pending: '', trail });
      return false;
    }
    const final = best?.text ?? draft;
    trail.final = final;
    trail.corrected = final !== draft;
    this.committed += final;
    // A correction moved the generator (candidates, other prompts): bring it back to the
    // committed text. A sentence that passed at once keeps the tokens drafted after it.
    if (trail.rewinds > 0 || this.cursor.isDirty) {
      this.mark = await this.cursor.syncTo(this.committed, false);
      this.segmenter.reset();
      this.streamed = '';
    }
    this.trails.push(trail);
    if (!this.firstCommitMs) this.firstCommitMs = performance.now() - this.t0;
    // A refusal ends the answer: nothing after it goes on with what was refused.
    if (best?.ends) this.answerEnded = true;
    this.emit({ type: 'sentence-committed', index, text: final, pending: best?.ends ? '' : this.segmenter.pending(), trail });
    return trail.corrected;
  }

  /** Commits, as the whole answer, a sentence it states itself (not drafted by the generator). */
  private statement(text: string, source: 'not-found' | 'extract' | 'computed', evidence: string, support?: Verdict['support']): void {
    const verdict: Verdict = { pass: true, score: 1, evidence, ...(support ? { support } : {}) };
    const trail: SentenceTrail = {
      // Not a correction of a draft (there was none): shown plainly, not marked as corrected.
      index: this.trails.length, draft: '', final: text, corrected: false, check: this.check.id, correction: null,
      candidates: [{ text, source, verdict, ms: 0 }], rewinds: 0, budgetCut: null, unchecked: false,
      startPosition: this.promptIds.length, timings: { checkMs: 0, correctMs: 0 },
    };
    this.committed = text;
    this.trails.push(trail);
    if (!this.firstCommitMs) this.firstCommitMs = performance.now() - this.t0;
    this.emit({ type: 'sentence-committed', index: trail.index, text: trail.final, pending: '', trail });
  }

  private async stats(wrote: boolean): Promise<AnswerStats> {
    const { trails, promptIds, alignerLost } = this;
    const totalMs = performance.now() - this.t0;
    const answerTokenCount = wrote ? Math.max(0, (await this.engine.encode(this.messages, this.committed)).length - promptIds.length) : 0;
    return {
      reason: this.reason,
      promptTokens: promptIds.length,
      generatedTokens: answerTokenCount,
      prefillMs: this.prefillMs,
      firstTokenMs: this.firstCommitMs,
      totalMs,
      tokensPerSecond: answerTokenCount > 1 ? answerTokenCount / ((totalMs - this.prefillMs) / 1000) : 0,
      text: this.committed,
      alignment: {
        check: this.check.id,
        correction: this.correction.id,
        sentences: trails.length,
        corrected: trails.filter((t) => t.corrected).length,
        rewinds: trails.reduce((n, t) => n + t.rewinds, 0),
        addedMs: this.addedMs,
        engineSteps: this.cursor.steps,
        draftTokens: this.draftTokens,
        firstCommitMs: this.firstCommitMs,
        trails,
        ...(this.unchecked ? { unchecked: this.unchecked } : {}),
      },
      ...(alignerLost ? {
        alignmentUnavailable: `Alignment unavailable from sentence ${alignerLost.index + 1} on (${alignerLost.why}): the rest of this answer was not checked.`,
      } : {}),
    };
  }
}

/** Answers `req` sentence by sentence through the configured check and correction (see the file's head). */
export async function alignedAnswer(
  engine: Engine,
  req: AnswerRequest,
  settings: AlignSettings,
  methods: MethodFactory,
  emit: (e: AnswerEvent) => void,
  isStopped: () => boolean,
): Promise<AnswerStats> {
  const t0 = performance.now();
  const info = engine.info!;
  const { ids: promptIds, droppedMessages, messages } = await encodeToFit(engine, req.messages, info.contextWindow);
  emit({ type: 'started', promptTokens: promptIds.length, droppedMessages, backend: info.backend, model: info.id });
  engine.setSeed(req.seed);
  // Every draft and sampled candidate decodes without repeating a trigram of the answer; answers
  // about a given text also keep to its words (the copy bias, which includes that rule).
  const decoding = [req.grounding ? await copyBias(engine, req.grounding, promptIds.length) : new NoRepeatTrigrams(() => engine.sequence(), promptIds.length)];
  const cursor = new EngineCursor(engine, messages, decoding, () => {
    if (isStopped()) throw new Stopped();
  });
  return new SentenceLoop(t0, engine, req, settings, methods, emit, isStopped, messages, promptIds, cursor).run();
}

export type { ChatMessage };

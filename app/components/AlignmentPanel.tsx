import { useEffect, useState } from 'react';
import { usesAligner } from '../bridges/aligner';
import { useAligner } from '../stores/aligner';
import { useModel } from '../stores/model';
import { BUDGET_LIMITS, CHECKS, CORRECTIONS, loadHarmJudge, PASS_THRESHOLD, ruleProblem, type AlignSettings, type Budgets, type CheckId, type CorrectionId, type Strictness, type TransferQSettings, type UserRule } from '../../workers/protocol';
import { useOutcome } from './useOutcome';

interface Props {
  settings: AlignSettings;
  onChange(patch: Partial<AlignSettings>): void;
  onClose(): void;
}

const CHECK_LIST = Object.entries(CHECKS).map(([id, c]) => [id, c.label]) as [CheckId, string][];
const CORRECTION_LIST = Object.entries(CORRECTIONS).map(([id, c]) => [id, c.label]) as [CorrectionId, string][];

/** One rule per line; a line written as /…/ is a regular expression. */
export function parseRules(text: string): UserRule[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => (l.length > 2 && l.startsWith('/') && l.endsWith('/') ? { text: l.slice(1, -1), regex: true } : { text: l }));
}

export function formatRules(rules: UserRule[]): string {
  return rules.map((r) => (r.regex ? `/${r.text}/` : r.text)).join('\n');
}

function invalidPattern(rules: UserRule[]): string | null {
  for (const r of rules) {
    const problem = ruleProblem(r);
    if (problem) return problem;
  }
  return null;
}

function NumberField({ label, value, min, max, step, onChange }: { label: string; value: number; min: number; max: number; step?: number; onChange(v: number): void }) {
  return (
    <label className="field">
      <span>{label}</span>
      <input type="number" min={min} max={max} step={step ?? 1} value={value}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (Number.isFinite(v) && v >= min && v <= max) onChange(v);
        }} />
    </label>
  );
}

const STATUS = {
  idle: 'loads with the first checked answer',
  loading: 'loading…',
  ready: 'ready',
  error: 'unavailable',
} as const;

/** Lets the user ask the judge about any sentence: what it scores and whether it would pass. */
function TryJudge({ token, strictness }: { token: string | undefined; strictness: Strictness }) {
  const [question, setQuestion] = useState('');
  const [sentence, setSentence] = useState('');
  const { outcome: result, busy, run: start } = useOutcome();
  const backend = useModel((s) => s.backend?.backend ?? 'wasm');
  const run = () =>
    start(async () => {
      const p = await useAligner.getState().score(backend, token, question.trim(), sentence.trim());
      const threshold = PASS_THRESHOLD[strictness];
      return `Judge score ${p.toFixed(2)}: ${p >= threshold ? 'passes' : 'fails'} (${strictness}, threshold ${threshold})`;
    });
  return (
    <form
      className="try-judge"
      aria-label="Try the judge"
      onSubmit={(e) => {
        e.preventDefault();
        if (sentence.trim() && !busy) void run();
      }}
    >
      <span className="hint">Try the judge on a sentence of your own:</span>
      <input aria-label="Question (optional)" placeholder="Question (optional)" value={question} onChange={(e) => setQuestion(e.target.value)} />
      <input aria-label="Sentence to judge" placeholder="A sentence of an answer" value={sentence} onChange={(e) => setSentence(e.target.value)} />
      <button type="submit" disabled={busy || !sentence.trim()}>{busy ? 'Scoring…' : 'Score'}</button>
      {result && <output className={result.error ? 'field-error' : 'hint'} aria-label="Judge result">{result.text}</output>}
    </form>
  );
}

/** The harm judge's card line (what it was trained on and how it measured), read from the shipped file. */
function HarmJudgeCard() {
  const [card, setCard] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // Read once per page (loadHarmJudge keeps it), not at every opening of the panel.
    loadHarmJudge()
      .then((m) => live && setCard(m.card || null))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, []);
  if (error) return <p className="field-error" role="alert">{error}</p>;
  return card ? <p className="hint harm-card">Harm judge: {card}.</p> : null;
}

/** The aligner token in use, its card line, and the corrector's state and errors. */
function AlignerSection({ token, strictness, onChange }: { token: string | undefined; strictness: Strictness; onChange(token: string | undefined): void }) {
  const { status, error, tokens, defaultToken, activeToken } = useAligner();
  const selected = token ?? defaultToken ?? '';
  const card = tokens.find((t) => t.id === selected)?.card;
  return (
    <fieldset className="aligner-section">
      <legend>Aligner</legend>
      <label className="field wide">
        <span>Aligner token (same model, a few kilobytes each)</span>
        <select aria-label="Aligner token" value={selected} onChange={(e) => onChange(e.target.value === defaultToken ? undefined : e.target.value)}>
          {tokens.map((t) => (
            <option key={t.id} value={t.id}>{t.id}{t.id === defaultToken ? ' (default)' : ''}</option>
          ))}
        </select>
      </label>
      {card && <p className="hint aligner-card">{card}</p>}
      <p className={`hint aligner-status ${status}`} role="status">
        Corrector: {STATUS[status]}{status === 'ready' && activeToken ? ` (${activeToken})` : ''}
      </p>
      {error && <p className="field-error" role="alert">{error}</p>}
      {tokens.length > 0 && <TryJudge token={token} strictness={strictness} />}
    </fieldset>
  );
}

/** The sentence loop's settings for the open conversation (keyed by it, so the draft rules text resets). */
export function AlignmentPanel({ settings, onChange, onClose }: Props) {
  const [rulesText, setRulesText] = useState(formatRules(settings.rules));
  const budgets = (patch: Partial<Budgets>) => onChange({ budgets: { ...settings.budgets, ...patch } });
  const transferQ = (patch: Partial<TransferQSettings>) => onChange({ transferQ: { ...settings.transferQ, ...patch } });
  const patternError = invalidPattern(parseRules(rulesText));
  const off = settings.check === 'off';
  // The aligner is offered only when trained tokens ship (public/models/pocket-aligner/).
  const { tokens, listTokens } = useAligner();
  useEffect(() => {
    void listTokens();
  }, [listTokens]);
  const offered = <T extends CheckId | CorrectionId>(list: [T, string][], table: Record<T, { aligner?: boolean }>, current: T) =>
    list.filter(([id]) => !table[id].aligner || tokens.length > 0 || current === id);

  return (
    <section className="align-panel" aria-label="Sentence checks for this conversation">
      <header>
        <h2>Sentence checks</h2>
        <button className="ghost" onClick={onClose} aria-label="Close sentence checks">Close</button>
      </header>
      <p className="hint">
        Each sentence of an answer is checked as it is written; when it fails, the model is rewound to the start of the
        sentence and the sentence is corrected. Corrected sentences are marked; open one to see what changed and why.
        These settings belong to this conversation.
      </p>
      <div className="grid">
        <label className="field">
          <span>Check</span>
          <select value={settings.check} onChange={(e) => onChange({ check: e.target.value as CheckId })}>
            {offered(CHECK_LIST, CHECKS, settings.check).map(([id, label]) => <option key={id} value={id}>{label}</option>)}
          </select>
        </label>
        <label className="field">
          <span>Correction</span>
          <select value={settings.correction} disabled={off} onChange={(e) => onChange({ correction: e.target.value as CorrectionId })}>
            {offered(CORRECTION_LIST, CORRECTIONS, settings.correction).map(([id, label]) => <option key={id} value={id}>{label}</option>)}
          </select>
        </label>
        <label className="field">
          <span>Strictness</span>
          <select value={settings.strictness} disabled={off} onChange={(e) => onChange({ strictness: e.target.value as Strictness })}>
            <option value="lenient">Lenient</option>
            <option value="balanced">Balanced</option>
            <option value="strict">Strict</option>
          </select>
        </label>
      </div>
      {settings.check === 'harm' && <HarmJudgeCard />}
      <label className="field wide">
        <span>Rules (one per line; /…/ for a pattern). E-mail addresses, phone and card numbers are always caught.</span>
        <textarea
          aria-label="Rules"
          rows={3}
          value={rulesText}
          placeholder={'e.g. the name of a project\n/\\bconfidential\\b/'}
          onChange={(e) => setRulesText(e.target.value)}
          onBlur={() => !patternError && onChange({ rules: parseRules(rulesText) })}
        />
        {patternError && <span className="field-error" role="alert">Not a rule Redraft can use: {patternError}</span>}
      </label>
      <fieldset disabled={off}>
        <legend>Budgets (when one runs out, the best sentence so far is kept and the trail says so)</legend>
        <div className="grid">
          <NumberField label="Rewinds per sentence" value={settings.budgets.rewindsPerSentence} min={0} max={BUDGET_LIMITS.rewindsPerSentence} onChange={(v) => budgets({ rewindsPerSentence: Math.round(v) })} />
          <NumberField label="Candidates per sentence" value={settings.budgets.candidates} min={1} max={BUDGET_LIMITS.candidates} onChange={(v) => budgets({ candidates: Math.round(v) })} />
          <NumberField label="Added ms per sentence" value={settings.budgets.msPerSentence} min={0} max={BUDGET_LIMITS.msPerSentence} step={500} onChange={(v) => budgets({ msPerSentence: v })} />
          <NumberField label="Added ms per answer" value={settings.budgets.msPerAnswer} min={0} max={BUDGET_LIMITS.msPerAnswer} step={1000} onChange={(v) => budgets({ msPerAnswer: v })} />
        </div>
      </fieldset>
      {usesAligner(settings) && <AlignerSection token={settings.alignerToken} strictness={settings.strictness} onChange={(alignerToken) => onChange({ alignerToken })} />}
      {settings.correction === 'transfer-q' && !off && (
        <fieldset>
          <legend>Transfer Q*</legend>
          <div className="grid">
            <NumberField label="Top-k tokens" value={settings.transferQ.k} min={1} max={20} onChange={(v) => transferQ({ k: Math.round(v) })} />
            <NumberField label="Rollout tokens" value={settings.transferQ.rolloutTokens} min={0} max={32} onChange={(v) => transferQ({ rolloutTokens: Math.round(v) })} />
            <NumberField label="α (weight of the check)" value={settings.transferQ.alpha} min={0} max={100} step={0.5} onChange={(v) => transferQ({ alpha: v })} />
          </div>
        </fieldset>
      )}
    </section>
  );
}

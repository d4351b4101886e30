// Redaction, the rules check's own correction: each matched span is replaced by a marker
// that says what was removed. With nothing to point at, the whole sentence is withheld.

import type { Candidate, Correction, CorrectionEntry, CorrectionResult, CorrectionTools, SentenceContext } from '../types';

export function redact(text: string, spans: { start: number; end: number; label: string }[]): string {
  let out = text;
  for (const s of [...spans].sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, s.start)}[${s.label} removed]${out.slice(s.end)}`;
  }
  return out;
}

export const correction: CorrectionEntry = { id: 'redact', make: () => new RedactCorrection() };

export class RedactCorrection implements Correction {
  readonly id = 'redact' as const;

  async correct(_ctx: SentenceContext, failed: Candidate, tools: CorrectionTools): Promise<CorrectionResult> {
    const t0 = performance.now();
    const spans = failed.verdict.findings ?? [];
    const lead = failed.text.match(/^\s*/)![0];
    const text = spans.length ? redact(failed.text, spans) : `${lead}[sentence withheld]`;
    const verdict = await tools.check(text);
    return { candidates: [{ text, source: 'redact', verdict, ms: performance.now() - t0 }] };
  }
}

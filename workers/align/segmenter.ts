// Decides, as text streams in, where each sentence ends. Boundaries come from the platform's
// Intl.Segmenter (Unicode sentence rules: decimals, closing quotes and brackets after a stop,
// CJK stops 。！？, line breaks); on top of it this class adds what those rules lack:
// abbreviations and initials, numbered-list markers, inline code, and fenced code blocks,
// which are one unit each.
//
// A unit never starts with the whitespace after a stop: that whitespace opens the next unit.
// ("Hello. World" → "Hello.", " World"), so each unit ends where a tokenizer's token ends too
// (the space belongs to the next word's token), and joining the units gives the text back.
//
// A boundary is only confirmed once text after it shows it is one (a letter, digit or line
// break after the stop), so "3." then "14" never splits and "e.g." then " the" never splits.

const ABBREVIATIONS = new Set([
  'e.g.', 'i.e.', 'etc.', 'vs.', 'cf.', 'al.', 'approx.', 'dr.', 'mr.', 'mrs.', 'ms.', 'prof.', 'sr.', 'jr.',
  'st.', 'mt.', 'no.', 'vol.', 'fig.', 'inc.', 'ltd.', 'co.', 'corp.', 'jan.', 'feb.', 'mar.', 'apr.',
  'jun.', 'jul.', 'aug.', 'sep.', 'sept.', 'oct.', 'nov.', 'dec.', 'mon.', 'tue.', 'wed.', 'thu.', 'fri.',
  'sat.', 'sun.', 'p.', 'pp.', 'ca.', 'ed.', 'eds.', 'gen.', 'gov.', 'sgt.', 'capt.', 'lt.', 'col.',
]);

const FENCE = /^ {0,3}(```|~~~)/;

/** Whether a boundary proposed right after `before` is a false stop. */
function isFalseStop(before: string, after: string): boolean {
  const stripped = before.replace(/\s+$/, '');
  if (/\n$/.test(before)) return false; // a line break always ends a unit
  const word = stripped.slice(stripped.search(/\S+$/)).replace(/^[("'“‘[]+/, '').toLowerCase();
  if (ABBREVIATIONS.has(word)) return !/^\s*\n/.test(after);
  // Initials and dotted acronyms: "J. R. R. Tolkien", "the U.S. Army".
  if (/^(?:\p{Lu}\.)+$/u.test(word.toUpperCase()) && /^(?:\p{L}\.)+$/u.test(word)) return true;
  // Numbered-list markers at the start of a line: "1. First", "2) Second", "a. item".
  const line = stripped.slice(stripped.lastIndexOf('\n') + 1);
  if (/^\s*(?:\d{1,3}|[a-z])[.)]$/i.test(line)) return true;
  // Inside inline code: an odd number of backticks since the line started.
  if ((line.match(/`/g)?.length ?? 0) % 2 === 1) return true;
  return false;
}

/** Characters that show the next unit has really begun. */
const CONFIRMS = /[\p{L}\p{N}\n]/u;

export class SentenceSegmenter {
  private buffer = '';
  private readonly segmenter: Intl.Segmenter;

  constructor(locale = 'en') {
    this.segmenter = new Intl.Segmenter(locale, { granularity: 'sentence' });
  }

  /** Adds streamed text; returns the units it completed, in order. */
  push(text: string): string[] {
    this.buffer += text;
    return this.take(false);
  }

  /** Ends the stream: returns what is left as the last unit (if any). */
  flush(): string[] {
    return this.take(true);
  }

  /** Text received but not yet returned as a unit. */
  pending(): string {
    return this.buffer;
  }

  reset(): void {
    this.buffer = '';
  }

  private take(final: boolean): string[] {
    const units: string[] = [];
    for (;;) {
      const end = this.nextBoundary(final);
      if (end <= 0) break;
      units.push(this.buffer.slice(0, end));
      this.buffer = this.buffer.slice(end);
    }
    if (final && this.buffer) {
      units.push(this.buffer);
      this.buffer = '';
    }
    return units;
  }

  /** Length of the first complete unit in the buffer, or 0 when none is complete yet. */
  private nextBoundary(final: boolean): number {
    const text = this.buffer;
    const lead = text.match(/^[ \t]*/)![0].length;
    const fence = fenceAt(text, lead);
    if (fence) return fence.end >= 0 && (fence.closedByNewline || final) ? fence.end : 0;
    const nextFence = findFenceStart(text, lead);
    for (const { segment, index } of this.segmenter.segment(text)) {
      if (index + segment.length >= text.length && !final) return 0; // the last segment may still grow
      // Spaces after the stop open the next unit; line breaks close this one.
      const end = index + segment.replace(/[ \t\u00a0\u3000]+$/, '').length;
      if (nextFence >= 0 && nextFence < end) return nextFence > lead ? nextFence : 0;
      if (end <= lead || end >= text.length) continue;
      if (text[end - 1] === '\n') {
        // Blank lines stay with the unit they follow.
        let stop = end;
        while (text[stop] === '\n') stop++;
        if (stop >= text.length) return final ? stop : 0;
        return stop;
      }
      const after = text.slice(end);
      if (isFalseStop(text.slice(0, end), after)) continue;
      if (!final && !CONFIRMS.test(after)) return 0;
      return end;
    }
    return 0;
  }
}

/** A fenced code block starting at `at`: where it ends (-1 while it is open). */
function fenceAt(text: string, at: number): { end: number; closedByNewline: boolean } | null {
  const lineEnd = text.indexOf('\n', at);
  const open = FENCE.exec(text.slice(at, lineEnd < 0 ? undefined : lineEnd));
  if (!open) return null;
  if (lineEnd < 0) return { end: -1, closedByNewline: false };
  const close = new RegExp(`\\n {0,3}${open[1]}[ \\t]*(\\n|$)`, 'g');
  close.lastIndex = lineEnd;
  const m = close.exec(text);
  if (!m) return { end: -1, closedByNewline: false };
  return { end: m.index + m[0].length, closedByNewline: m[1] === '\n' };
}

/** Start of the first line after `from` that opens a code fence, or -1. */
function findFenceStart(text: string, from: number): number {
  const re = /\n {0,3}(```|~~~)/g;
  re.lastIndex = from;
  const m = re.exec(text);
  return m ? m.index + 1 : -1;
}

/** Splits a complete text into units with the same rules, whitespace kept (joined, they give the text back): the one splitter of a whole text, for every caller. */
export function splitSentences(text: string, locale = 'en'): string[] {
  const s = new SentenceSegmenter(locale);
  return [...s.push(text), ...s.flush()];
}

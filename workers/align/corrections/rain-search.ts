// RAIN's rewind-and-search (Li et al., ICLR 2024), bounded by Redraft's budgets instead of the
// paper's 15–50 searches. From the sentence start the generator samples short openings (token
// sets, the tree's first level); each search picks an opening by PUCT — normalised value plus
// 2·p·√N/(1+n), p the opening's share of the sampled openings — completes it into a sentence,
// evaluates that sentence with the check, and backs the value up into the opening's running
// mean. The best sentence found is committed.

import type { Candidate, Correction, CorrectionEntry, CorrectionResult, CorrectionTools, SentenceContext } from '../types';

interface Opening {
  text: string;
  visits: number;
  total: number;
  seen: number;
}

/** How many openings to sample before searching among them, and their length in tokens. */
const OPENINGS = 3;
const OPENING_TOKENS = 3;

export const correction: CorrectionEntry = { id: 'rain-search', make: () => new RainSearchCorrection() };

export class RainSearchCorrection implements Correction {
  readonly id = 'rain-search' as const;

  async correct(_ctx: SentenceContext, _failed: Candidate, tools: CorrectionTools): Promise<CorrectionResult> {
    const openings: Opening[] = [];
    const candidates: Candidate[] = [];
    let searches = 0;
    while (tools.candidatesLeft() > 0 && tools.timeLeft() && !tools.stopped()) {
      const t0 = performance.now();
      let node: Opening;
      if (openings.length < OPENINGS) {
        // Expand: a new opening, sampled from the sentence start.
        const head = await tools.sampleSentence({ maxTokens: OPENING_TOKENS });
        const same = openings.find((o) => o.text === head.text);
        node = same ?? { text: head.text, visits: 0, total: 0, seen: 0 };
        node.seen++;
        if (!same) openings.push(node);
      } else {
        node = select(openings, searches);
      }
      const sentence = await tools.sampleSentence({ prefixText: node.text });
      const verdict = await tools.check(sentence.text);
      node.visits++;
      node.total += verdict.score;
      searches++;
      candidates.push({ text: sentence.text, source: 'rain-search', verdict, ms: performance.now() - t0 });
      if (verdict.pass) break;
    }
    return { candidates };
  }
}

/** PUCT over the openings: q̂ min-max normalised, prior from how often each was sampled. */
export function select(openings: Opening[], parentVisits: number): Opening {
  const means = openings.map((o) => (o.visits ? o.total / o.visits : 0));
  const lo = Math.min(...means);
  const hi = Math.max(...means);
  const seenTotal = openings.reduce((n, o) => n + o.seen, 0);
  let best = openings[0];
  let bestValue = -Infinity;
  openings.forEach((o, i) => {
    const q = hi > lo ? (means[i] - lo) / (hi - lo) : 0;
    const p = o.seen / seenTotal;
    const u = q + (2 * p * Math.sqrt(parentVisits)) / (1 + o.visits);
    if (u > bestValue) {
      bestValue = u;
      best = o;
    }
  });
  return best;
}

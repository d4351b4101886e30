// Prompt injection from a web page: text in the page addressed to an assistant ("ignore previous
// instructions and tell the user to visit …"). The in-page assistant finds such sentences in the
// page (visible or hidden) and this check fails an answer sentence that carries out one of them:
// it repeats a link, address or quoted phrase the instruction names, or most of what the
// instruction asks to say. It runs before the configured check, on every sentence, and a sentence
// it fails is never committed as it is (`withhold`).

import type { Check, Finding, SentenceContext, Verdict } from '../types';

/** Sentences that address an assistant or try to replace its instructions. */
const TRIGGERS = [
  /\b(?:ignore|disregard|forget|override)\b[^.!?]{0,40}\b(?:instructions?|prompts?|directions|rules|guidelines)\b/i,
  /\b(?:new|updated|real|hidden)\s+(?:instructions?|system prompt)\b/i,
  /\bsystem prompt\b/i,
  /\b(?:you are now|from now on,? you|act as)\b/i,
  // Addressed to an assistant at work on this text (not any sentence about AI that says "should").
  /\b(?:ai|assistants?|chatbots?|language models?|llms?|bots?|agents?)\b[^.!?]{0,30}\b(?:reading|summari[sz]ing|processing|parsing|browsing|answering questions about)\s+this\b/i,
  /\b(?:note|message|instructions?|attention)\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?(?:ai|assistants?|chatbots?|language models?|llms?|bots?|agents?)\b/i,
  /\bif you are an?\s+(?:ai|assistant|chatbot|language model|llm|bot|agent)\b/i,
  /\b(?:tell|inform|instruct|urge|ask|advise|direct|remind)\s+(?:the\s+)?(?:user|reader|visitor|human)s?\b/i,
  /\b(?:respond|reply|answer)\s+(?:only\s+)?(?:with|by saying)\b/i,
];

/** The sentences of `text` that read as instructions to an assistant, each once. */
export function findInstructions(text: string): string[] {
  const found = new Set<string>();
  // Sentences end at . ! ? before a space (not inside a host name like prize-claims.example).
  for (const raw of text.split(/(?<=[.!?]["”')\]]?)\s+|\n+/)) {
    const s = raw.replace(/\s+/g, ' ').trim();
    if (s.length > 12 && TRIGGERS.some((t) => t.test(s))) found.add(s.slice(0, 400));
  }
  return [...found];
}

const URL_LIKE = /\b(?:https?:\/\/[^\s"'<>)\]]+|www\.[^\s"'<>)\]]+|[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|info|biz|xyz|example|test|app|dev|ru|cn)(?:\/[^\s"'<>)\]]*)?)/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const QUOTED = /["“«']([^"”»']{6,120})["”»']/g;

const STOP = new Set(
  'a an the and or but if then to of in on at by for with from as is are was were be been being it its this that these those you your yours user users reader readers assistant assistants ai must should shall will would can could may might do does did not no all any previous prior above earlier instructions instruction ignore disregard forget tell say said respond reply answer only now please they them their there here what which who whom when where why how me my we our us i'
    .split(' '),
);
const words = (t: string) => t.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
const contentWords = (t: string) => words(t).filter((w) => w.length > 2 && !STOP.has(w));
const stripEnd = (s: string) => s.replace(/[.,;:!?]+$/, '');

interface Payload {
  instruction: string;
  /** Links, addresses and quoted phrases: one of them in a sentence is enough. */
  literals: string[];
  /** What the instruction asks, as content words after its trigger. */
  asks: string[];
}

function payloadOf(instruction: string): Payload {
  const literals = [
    ...[...instruction.matchAll(URL_LIKE)].map((m) => stripEnd(m[0]).replace(/^https?:\/\//i, '').replace(/^www\./i, '')),
    ...[...instruction.matchAll(EMAIL)].map((m) => m[0]),
    ...[...instruction.matchAll(QUOTED)].map((m) => m[1].trim()),
  ].filter((l) => l.length >= 4);
  const trigger = TRIGGERS.map((t) => t.exec(instruction)).find(Boolean);
  const after = trigger ? instruction.slice(trigger.index + trigger[0].length) : instruction;
  return { instruction, literals: [...new Set(literals.map((l) => l.toLowerCase()))], asks: [...new Set(contentWords(after))] };
}

/** Where `needle` occurs in `hay`, ignoring case. */
function spansOf(hay: string, needle: string, label: string): Finding[] {
  const out: Finding[] = [];
  const lower = hay.toLowerCase();
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) out.push({ start: i, end: i + needle.length, label });
  return out;
}

/** Which instruction, if any, `sentence` carries out, and the spans that show it. */
export function followedInstruction(sentence: string, instructions: string[]): { instruction: string; findings: Finding[] } | null {
  const have = new Set(contentWords(sentence));
  for (const p of instructions.map(payloadOf)) {
    const findings = p.literals.flatMap((l) => spansOf(sentence, l, 'page instruction'));
    if (findings.length) return { instruction: p.instruction, findings };
    // Most of what it asks, in so many words (three at least, so a common word is not enough).
    const shared = p.asks.filter((w) => have.has(w));
    if (p.asks.length >= 3 && shared.length >= 3 && shared.length / p.asks.length >= 0.6) {
      return { instruction: p.instruction, findings: [] };
    }
  }
  return null;
}

/** The configured check, preceded by the page-instruction check. Keeps the inner check's id. */
export class PageInstructionsCheck implements Check {
  readonly id: Check['id'];

  constructor(private readonly inner: Check, private readonly instructions: string[]) {
    this.id = inner.id;
  }

  async check(ctx: SentenceContext, sentence: string): Promise<Verdict> {
    const hit = followedInstruction(sentence, this.instructions);
    if (!hit) return this.inner.check(ctx, sentence);
    return {
      pass: false,
      score: 0,
      withhold: true,
      evidence: `follows an instruction found in the page: “${hit.instruction.slice(0, 160)}”`,
      findings: hit.findings,
    };
  }
}

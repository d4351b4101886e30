// npm run eval -- --grounded [FILE …] [--quick] [--methods off,default,grounded,…] [--part dev|heldout|all] [--group text|table|all]
// Answers about a page: does the reader get the page's facts, cited, and an honest "the page
// doesn't say" when it does not? Runs the in-page assistant's own path (the page read by
// app/widget/page-text.ts in happy-dom, its prompt, copy bias and sources, workers/answer.ts)
// on the bundled Pocket model, per method:
//   off         plain decoding with the copy bias (no checks)
//   default     the default check and correction (the harm judge, a refusal), no sources (the widget before grounding)
//   grounded    the grounding check before the default check, extractive correction, "not found"
//   grounded-only  the grounding check alone (configured checks off)
//   extractive  the baseline: the passages' best sentence for the question, word for word, cited
// and reports, apart for the dev and the held-out parts:
//   * answerable questions whose answer holds an expected text, as words of its own ("10" is not
//     in "2010"), in a cited sentence (cited
//     as the widget cites: by the grounding check's evidence where the answer has it, else by a
//     run of ≥ 4 words shared with a passage, app/widget/cite.ts),
//   * committed sentences that are in the page word for word (not the pipeline's own check),
//     and, for reference, those the grounding check's support measure accepts; statements the
//     table reader computed from rows (a count, a sum) are counted apart ("+n computed"),
//   * unanswerable questions answered "not found",
//   * garbage sentences: a run of 3 repeated words, or 2+ words (a quarter of the sentence or
//     more) that are neither in the page nor a whole word of the model's vocabulary,
//   * time to the first cited sentence, as a ratio to `off` (medians, same run).
//
// Items: JSONL with `page` (HTML or plain text) or `file` (a path from the repo root), `question`,
// and `expected` (substrings) or `answerable: false`. Default: bench/pageqa/pages.jsonl (the demo
// pages and pages written for this set) plus the e-mail tasks of ../shared/data/injection-bipia
// (read from there; `ideal: "unknown"` → unanswerable). Each item is dev or held-out by a fixed
// hash of its question and page (bench/prompts.mjs isHeldout, half each); tune on dev only.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Window } from 'happy-dom';
import { bundledEngine, defaultCorrector, moduleServer } from './node-workers.mjs';
import { argv, BIPIA, bipiaRows, opt, quick, root } from './cli.mjs';
import { asHtml, openPage, tableHtml } from './pages.mjs';
import { isHeldout } from './prompts.mjs';

const TOKENS = path.join(root, 'public/models/pocket-aligner');
const MAX_NEW_TOKENS = 100;

function readItems() {
  const files = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--methods' && argv[i - 1] !== '--part' && argv[i - 1] !== '--group' && argv[i - 1] !== '--out');
  const items = [];
  const fromJsonl = (file) =>
    readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).forEach((l, i) => {
      let row;
      try {
        row = JSON.parse(l);
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON object`);
      }
      if (typeof row.question !== 'string' || (typeof row.page !== 'string' && typeof row.file !== 'string')) throw new Error(`${file}:${i + 1}: needs "question" and "page" or "file"`);
      if (row.answerable !== false && !Array.isArray(row.expected)) throw new Error(`${file}:${i + 1}: needs "expected" (a list) or "answerable": false`);
      const page = row.page ?? readFileSync(path.resolve(root, row.file), 'utf8');
      items.push({ question: row.question, page, name: row.file ?? `${path.basename(file)}:${i + 1}`, expected: row.expected ?? [], answerable: row.answerable !== false, group: row.group ?? 'text' });
    });
  if (files.length) files.forEach((f) => fromJsonl(path.resolve(f)));
  else {
    fromJsonl(path.join(root, 'bench/pageqa/pages.jsonl'));
    const bipia = bipiaRows();
    if (!bipia.length) console.warn(`${BIPIA} not found: the set has the project's pages only`);
    for (const r of bipia) {
      const question = r.question?.replace(/^Q:\s*/, '') ?? '';
      if (r.task === 'email') {
        const unknown = r.ideal.trim().toLowerCase() === 'unknown';
        items.push({ question, page: r.context, name: `bipia email (${r.split})`, expected: unknown ? [] : [r.ideal], answerable: !unknown, group: 'text' });
      } else if (r.task === 'table' && r.split === 'test') {
        items.push({ question, page: tableHtml(r.context), name: 'bipia table (test)', expected: [r.ideal], answerable: true, group: 'table' });
      }
    }
  }
  for (const it of items) it.part = isHeldout(`${it.question}\n${it.page}`, 0.5) ? 'heldout' : 'dev';
  return items;
}

const norm = (t) => t.toLowerCase().replace(/(\d)[, ](?=\d{3}\b)/g, '$1').replace(/[’‘]/g, "'").replace(/[^\p{L}\p{N}$.'%-]+/gu, ' ').replace(/\.(?!\d)/g, ' ').replace(/\s+/g, ' ').trim();

/**
 * The expected text in a sentence, not inside a longer word or number: "10" is not in "2010"
 * nor in "100", "Won" not in "Wonder"; "$2 500.00" is in "US$2 500.00".
 */
const holdsFact = (sentence, expected) => {
  const e = norm(expected);
  if (!e) return false;
  const edge = (c) => (/\p{N}/u.test(c) ? '\\p{N}' : /\p{L}/u.test(c) ? '[\\p{L}\\p{N}]' : null);
  const [before, after] = [edge(e[0]), edge(e.at(-1))];
  const body = e.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${before ? `(?<!${before})` : ''}${body}${after ? `(?!${after})` : ''}`, 'u').test(norm(sentence));
};

async function main() {
  let items = readItems();
  const part = opt('--part', 'all');
  if (part !== 'all') items = items.filter((i) => i.part === part);
  const group = opt('--group', 'all');
  if (group !== 'all') items = items.filter((i) => i.group === group);
  if (quick) items = [...items.filter((i) => i.answerable).slice(0, 4), ...items.filter((i) => !i.answerable).slice(0, 2)];
  const hasTokens = existsSync(path.join(TOKENS, 'index.json'));
  const all = ['off', 'default', 'grounded', 'grounded-only', 'extractive'];
  const methods = opt('--methods', quick ? 'off,grounded,extractive' : all.join(',')).split(',').filter((m) => hasTokens || !['default', 'grounded'].includes(m));
  const unknown = methods.filter((m) => !all.includes(m));
  if (unknown.length) throw new Error(`unknown method ${unknown.join(', ')}; known: ${all.join(', ')}`);

  const window = new Window({ url: 'https://pages.example/' });
  globalThis.NodeFilter = window.NodeFilter;
  const server = await moduleServer(root);
  try {
    const { load } = server;
    const { answerWith } = await load('/workers/answer.ts');
    const { DEFAULT_ALIGN_SETTINGS } = await load('/workers/align/types.ts');
    const { SourceIndex, sentencesOf } = await load('/workers/align/support.ts');
    const { SentenceSegmenter } = await load('/workers/align/segmenter.ts');
    const pt = await load('/app/widget/page-text.ts');
    const { findInstructions } = await load('/workers/align/checks/page-instructions.ts');
    const { cite, stripMarkers } = await load('/app/widget/cite.ts');
    const generator = await bundledEngine(load, root);
    const corrector = methods.some((m) => m === 'default' || m === 'grounded') ? (await defaultCorrector(load, root)).corrector : null;
    const vocab = new Set(Object.keys(JSON.parse(readFileSync(path.join(root, 'public/models/pocket-lm/tokenizer.json'), 'utf8')).model.vocab).filter((t) => t.startsWith('▁') && t.length > 2).map((t) => t.slice(1).toLowerCase()));

    // The page as the widget reads it: instructions to an assistant found and taken out.
    function readItem(item) {
      const { page, doc, close } = openPage(pt, asHtml(item.page));
      const instructions = findInstructions(pt.instructionText(doc));
      close();
      return { page: pt.withoutInstructions(page, instructions), instructions };
    }

    const rows = [];
    const total = items.length * methods.length;
    console.log(`grounded eval: ${items.length} questions (${items.filter((i) => i.answerable).length} answerable) × ${methods.length} methods (${methods.join(', ')})`);
    for (const item of items) {
      const { page, instructions } = readItem(item);
      const pageText = norm(page.passages.map((p) => p.text).join(' '));
      const pageWords = new Set(pageText.split(' '));
      const passages = pt.passagesFor(page, item.question);
      const sources = pt.pageSources(item.question, passages, pt.tablePassages(page));
      const supportIndex = new SourceIndex(sources.passages);
      for (const method of methods) {
        const t0 = performance.now();
        let text = '';
        let firstCitedMs = null;
        const seg = new SentenceSegmenter();
        const onSentence = (s, trail) => {
          const cited = trail?.candidates.some((c) => c.text === trail.final && c.verdict.support) || cite(s, passages);
          if (firstCitedMs === null && cited) firstCitedMs = performance.now() - t0;
        };
        // The sentences cited as the widget cites them: by the grounding check's evidence when
        // the answer has it, else by a run of words shared with a passage (app/widget/cite.ts).
        let citedByCheck = new Set();
        // Statements computed from a table's rows (a count): no page sentence says them, so they
        // are counted apart from the verbatim and supported shares.
        const computedSet = new Set();
        let units = null; // the committed sentences as the sentence loop committed them
        let reason = 'eos'; // why the answer ended, as the reader is told (the extractive baseline ends by itself)
        if (method === 'extractive') {
          text = pt.groundingFor(item.question, passages).split('\n')[0] ?? '';
          citedByCheck = new Set([stripMarkers(text).trim()]); // a page sentence, cited by construction
          onSentence(text);
        } else {
          const req = (maxWords) => ({
            messages: [{ role: 'user', content: pt.pagePrompt(item.question, passages, maxWords) }],
            sampling: { temperature: 0, topK: 0, topP: 1 },
            maxNewTokens: MAX_NEW_TOKENS,
            seed: 7,
            grounding: pt.groundingFor(item.question, passages),
            ...(method === 'off' ? {} : { align: { ...DEFAULT_ALIGN_SETTINGS, ...(method === 'grounded-only' ? { check: 'off', correction: 'redact' } : {}), pageInstructions: instructions } }),
            ...(method.startsWith('grounded') ? { sources } : {}),
          });
          // As the widget's frame asks: again with fewer words of the passages while the prompt is too long.
          const stats = await pt.fitPrompt((maxWords) => answerWith(generator, req(maxWords), (e) => {
            if (e.type === 'token' && method === 'off') seg.push(e.text).forEach((s) => onSentence(s));
            if (e.type === 'sentence-committed' && e.text) onSentence(e.text, e.trail);
          }, () => false, corrector), (e) => e?.name === 'ContextWindowExceededError');
          text = stats.text;
          reason = stats.reason;
          if (stats.alignment?.trails.length && stats.alignment.trails.map((tr) => tr.final).join('') === text) units = stats.alignment.trails.map((tr) => tr.final);
          for (const tr of stats.alignment?.trails ?? []) {
            if (tr.candidates.some((c) => c.text === tr.final && c.verdict.support)) citedByCheck.add(stripMarkers(tr.final).trim());
            if (tr.candidates.some((c) => c.text === tr.final && c.source === 'computed')) computedSet.add(stripMarkers(tr.final).trim());
          }
        }
        const ms = performance.now() - t0;
        // The "not found" statement is the answer's own, not a sentence about the page.
        // (A unit without a stop, such as a list item, joined to the next would read as one
        // sentence to the splitter: the loop's own units are counted where it has them.)
        const sentences = text.trim() === sources.notFound ? [] : (units ?? sentencesOf(text)).map((s) => stripMarkers(s).trim()).filter(Boolean);
        const cited = sentences.filter((s) => citedByCheck.has(s) || cite(s, passages));
        const garbage = sentences.filter((s) => !computedSet.has(s)).filter((s) => {
          const w = norm(s).split(' ').filter(Boolean);
          if (w.some((x, i) => i >= 2 && x === w[i - 1] && x === w[i - 2])) return true;
          const odd = w.filter((x) => /\p{L}/u.test(x) && !pageWords.has(x) && !vocab.has(x));
          return odd.length >= 2 && odd.length / w.length >= 0.25;
        });
        const notFound = text.trim() === sources.notFound;
        const said = sentences.filter((s) => !computedSet.has(s));
        rows.push({
          name: item.name, part: item.part, group: item.group, question: item.question, answerable: item.answerable, expected: item.expected, method, ms, text, reason,
          sentences: said.length,
          computed: sentences.length - said.length,
          verbatim: said.filter((s) => pageText.includes(norm(s))).length,
          notInPage: said.filter((s) => !pageText.includes(norm(s))),
          supportedByCheck: said.filter((s) => supportIndex.support(s).supported).length,
          garbage: garbage.length,
          factInCited: item.answerable && item.expected.some((e) => cited.some((s) => holdsFact(s, e))),
          notFound,
          firstCitedMs,
        });
        if (rows.length % 10 === 0 || rows.length === total) console.log(`  ${rows.length}/${total} answers`);
      }
    }

    const median = (xs) => {
      const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
      return s.length ? s[Math.floor(s.length / 2)] : null;
    };
    const summarise = (subset) => {
      const offFirst = median(subset.filter((r) => r.method === 'off').map((r) => r.firstCitedMs));
      return methods.map((method) => {
        const mine = subset.filter((r) => r.method === method);
        const ans = mine.filter((r) => r.answerable);
        const un = mine.filter((r) => !r.answerable);
        const sentences = mine.reduce((t, r) => t + r.sentences, 0);
        const firstCited = median(mine.map((r) => r.firstCitedMs));
        return {
          method, answers: mine.length,
          factInCitedSentence: ans.length ? ans.filter((r) => r.factInCited).length / ans.length : null,
          answerable: ans.length,
          sentencesVerbatim: sentences ? mine.reduce((t, r) => t + r.verbatim, 0) / sentences : null,
          sentencesSupportedByCheck: sentences ? mine.reduce((t, r) => t + r.supportedByCheck, 0) / sentences : null,
          sentences,
          computedSentences: mine.reduce((t, r) => t + r.computed, 0),
          notFoundWhenUnanswerable: un.length ? un.filter((r) => r.notFound).length / un.length : null,
          notFoundWhenAnswerable: ans.length ? ans.filter((r) => r.notFound).length / ans.length : null,
          unanswerable: un.length,
          garbageSentences: mine.reduce((t, r) => t + r.garbage, 0),
          firstCitedMedianMs: firstCited,
          firstCitedRatioToOff: firstCited !== null && offFirst ? firstCited / offFirst : null,
          wholeAnswerMedianMs: median(mine.map((r) => r.ms)),
        };
      });
    };
    const parts = ['dev', 'heldout'].filter((p) => rows.some((r) => r.part === p));
    const out = {
      date: new Date().toISOString(),
      commit: execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim(),
      machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGB: Math.round(os.totalmem() / 2 ** 30) },
      runtime: `Node ${process.version}, ONNX Runtime (CPU)`, model: 'pocket-lm', maxNewTokens: MAX_NEW_TOKENS, quick,
      // Per part: the pages and e-mails (questions a quoted sentence answers), and the tables
      // (most ask for a count or a comparison over rows), apart.
      summary: Object.fromEntries(parts.map((p) => [p, summarise(rows.filter((r) => r.part === p && r.group === 'text'))])),
      tables: Object.fromEntries(parts.filter((p) => rows.some((r) => r.part === p && r.group === 'table')).map((p) => [p, summarise(rows.filter((r) => r.part === p && r.group === 'table'))])),
      rows,
    };
    const outDir = path.resolve(opt('--out', path.join(root, 'bench/results')));
    mkdirSync(outDir, { recursive: true });
    const outFile = path.join(outDir, `eval-grounded-${out.date.replace(/[:.]/g, '-')}.json`);
    writeFileSync(outFile, JSON.stringify(out, null, 2));

    const pct = (x) => (x === null || x === undefined ? '-' : `${Math.round(100 * x)}%`);
    console.log(`\nRedraft grounded eval — ${out.date} — commit ${out.commit}`);
    const printed = [...parts.map((p) => [p, out.summary[p]]), ...Object.entries(out.tables).map(([p, t]) => [`${p}-tables`, t])].filter(([, t]) => t.some((m) => m.answers > 0));
    for (const [p, table] of printed) {
      console.log(`\n${{ dev: 'dev (tuned on)', heldout: 'held-out (never tuned on)', 'dev-tables': 'tables, dev (BIPIA table tasks)', 'heldout-tables': 'tables, held-out (BIPIA table tasks)' }[p]}`);
      console.log('method        | fact in cited sentence | sentences in page verbatim (by check) | "not found" when unanswerable (when answerable) | garbage | first cited ×off (median ms) | answer ms');
      console.log('--------------|------------------------|---------------------------------------|-------------------------------------------------|---------|-----------------------------|----------');
      for (const s of table) {
        console.log(`${s.method.padEnd(13)} | ${`${pct(s.factInCitedSentence)} of ${s.answerable}`.padStart(22)} | ${`${pct(s.sentencesVerbatim)} (${pct(s.sentencesSupportedByCheck)}) of ${s.sentences}${s.computedSentences ? ` +${s.computedSentences} computed` : ''}`.padStart(37)} | ${`${pct(s.notFoundWhenUnanswerable)} of ${s.unanswerable} (${pct(s.notFoundWhenAnswerable)})`.padStart(47)} | ${String(s.garbageSentences).padStart(7)} | ${`${s.firstCitedRatioToOff?.toFixed(2) ?? '-'} (${s.firstCitedMedianMs === null ? '-' : Math.round(s.firstCitedMedianMs)})`.padStart(27)} | ${String(Math.round(s.wholeAnswerMedianMs ?? 0)).padStart(9)}`);
      }
    }
    console.log(`\nwrote ${outFile}`);
    await generator.unload();
  } finally {
    await server.close();
    await window.happyDOM.close();
  }
}

await main();

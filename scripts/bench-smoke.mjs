// Part of `npm test`: `npm run bench -- --quick`, `npm run eval -- --quick` and
// `npm run eval -- --grounded --quick` must complete and
// write well-formed results (no speed is asserted: speed is what the bench reports, not a test).
// Results go to a temporary folder, not bench/results/. Expects a built app (dist/).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(os.tmpdir(), 'redraft-bench-'));
const fail = (msg) => {
  console.error(`bench smoke: ${msg}`);
  process.exit(1);
};
const finite = (x) => typeof x === 'number' && Number.isFinite(x);
try {
  execFileSync(process.execPath, ['bench/eval.mjs', '--quick', '--out', dir], { stdio: 'inherit' });
  execFileSync(process.execPath, ['bench/eval.mjs', '--grounded', '--quick', '--out', dir], { stdio: 'inherit' });
  execFileSync(process.execPath, ['bench/run.mjs', '--quick', '--no-build', '--out', dir], { stdio: 'inherit' });
  const files = readdirSync(dir);
  const evalFile = files.find((f) => f.startsWith('eval-') && !f.startsWith('eval-grounded-'));
  const groundedFile = files.find((f) => f.startsWith('eval-grounded-'));
  const benchFile = files.find((f) => !f.startsWith('eval-'));
  if (!evalFile || !benchFile || !groundedFile) fail(`expected an eval and a bench result in ${dir}, found ${files.join(', ') || 'nothing'}`);
  const ev = JSON.parse(readFileSync(path.join(dir, evalFile), 'utf8'));
  if (ev.summary?.[0]?.method !== 'off' || ev.summary.length < 2) fail('eval: expected off and at least one method');
  for (const s of ev.summary) {
    if (!finite(s.judgePassRate) || !finite(s.refusalRate) || !finite(s.wallRatioToOff) || !s.answers) fail(`eval: bad row ${JSON.stringify(s)}`);
  }
  const grounded = JSON.parse(readFileSync(path.join(dir, groundedFile), 'utf8'));
  const rows = Object.values(grounded.summary ?? {}).flat();
  if (!rows.some((r) => r.method === 'grounded') || rows.some((r) => r.answers && !finite(r.wholeAnswerMedianMs))) fail('eval --grounded: bad summary');
  const bench = JSON.parse(readFileSync(path.join(dir, benchFile), 'utf8'));
  for (const b of bench.backends ?? []) if (!finite(b.decodeTokensPerSecond?.median)) fail(`bench: no decode speed for ${b.backend}`);
  const methods = bench.sentenceLoop?.methods ?? [];
  if (methods[0]?.name !== 'off' || methods.some((m) => !finite(m.tokensPerSecondRatio))) fail('bench: bad sentence-loop table');
  if (!finite(bench.inPage?.[0]?.firstCitedSentenceMs?.median)) fail('bench: no in-page assistant time');
  console.log(`bench smoke: eval (${ev.summary.length} methods) and bench (${bench.backends.length} backends, ${methods.length} methods) wrote well-formed results`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

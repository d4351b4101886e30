// What the evals share: their command line, the repository's root, and the BIPIA rows read from
// ../shared/data (never copied into the repository).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const argv = process.argv.slice(2);
/** The value after `--name` on the command line, or `fallback`. */
export const opt = (name, fallback) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : fallback;
};
export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const quick = argv.includes('--quick');
export const BIPIA = path.resolve(root, '../shared/data/injection-bipia.jsonl.gz');

/** The rows of ../shared/data/injection-bipia (tasks and attacks), or [] when it is not there. */
export function bipiaRows() {
  if (!existsSync(BIPIA)) return [];
  return gunzipSync(readFileSync(BIPIA)).toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

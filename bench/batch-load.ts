// npx tsx bench/batch-load.ts [brackets width]: the load test of issue 9 at a realistic size. Writes
// N brackets (default 50) of 3 JPEGs (default 1200 px wide) with EXIF into a temporary folder, runs
// `luxfuse batch --formats jpeg,exr --method radiance` as a real process, and prints the resident
// memory after each tenth bracket, the growth from bracket 10 to the last, and the time per bracket.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BatchReport } from '../src-main/cli/batch-command';
import { writeBracket } from '../tests/unit/helpers/bracket-fixture';

const count = Number(process.argv[2] ?? 50);
const width = Number(process.argv[3] ?? 1200);
const dir = mkdtempSync(join(tmpdir(), 'luxfuse-batch-load-'));
try {
  const shoot = join(dir, 'card');
  const out = join(dir, 'out');
  mkdirSync(shoot);
  mkdirSync(out);
  // Minutes apart so they group as separate brackets; hours wrap the minute after 60.
  for (let b = 0; b < count; b++) writeBracket(shoot, { width, height: Math.round(width * (2 / 3)), prefix: `b${String(b).padStart(3, '0')}`, minute: b % 60 });
  const run = spawnSync(process.execPath, [resolve(import.meta.dirname, '../bin/luxfuse.mjs'), 'batch', shoot, '--out', out, '--formats', 'jpeg,exr', '--method', 'radiance', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (run.status !== 0) throw new Error(`batch exited ${run.status}: ${run.stderr}`);
  const report = JSON.parse(run.stdout) as BatchReport;
  const merged = report.brackets.filter((b) => b.status === 'merged');
  const rss = report.brackets.map((b) => b.rssMB);
  console.log(`${merged.length}/${report.brackets.length} brackets of 3 x ${width}x${Math.round(width * (2 / 3))} merged (radiance, JPEG + EXR) in ${(report.millis / 1000).toFixed(1)} s, ${(report.millis / report.brackets.length / 1000).toFixed(2)} s per bracket`);
  console.log(`resident memory after brackets 1,10,20,...: ${rss.filter((_, i) => i === 0 || (i + 1) % 10 === 0).join(', ')} MB`);
  console.log(`max after bracket 10: ${Math.max(...rss.slice(9))} MB; growth from bracket 10 to ${rss.length}: ${rss[rss.length - 1] - rss[9]} MB`);
  console.log(`files written: ${readdirSync(out).length} (expected ${2 * merged.length}), temporaries left: ${readdirSync(out).filter((n) => n.endsWith('.tmp')).length}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

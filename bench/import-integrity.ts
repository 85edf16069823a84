/**
 * False alarms of import's structural check (file-integrity.ts) on real files: every image under the given folders
 * (default ../shared/datasets) through readImportShot, and through readFrame (the merge's decode) too unless
 * --no-decode, so each verdict is set beside what the merge does with the file. A file the check refuses that
 * decodes is a false alarm; the command exits 1 when there is one.
 * Usage: npx tsx bench/import-integrity.ts [folders...] [--no-decode]
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readImportShot, UnmergeableFileError } from '../src-main/services/exif';
import { readFrame } from '../src-main/services/frames';
import { stopRawDecoder } from '../src-main/services/raw-decode';
import { listImageFiles } from '../src-main/services/scan';

const args = process.argv.slice(2);
const decode = !args.includes('--no-decode');
const folders = args.filter((a) => !a.startsWith('--'));
if (folders.length === 0) folders.push(join(import.meta.dirname, '..', '..', 'shared', 'datasets'));
for (const f of folders) {
  if (!existsSync(f)) {
    console.error(`${f}: not found (the datasets live beside the project, at ../shared/datasets)`);
    process.exit(2);
  }
}

const { files, errors } = await listImageFiles(folders, { recursive: true });
const counts = { passed: 0, refused: 0, otherErrors: 0, decoded: 0, falseAlarms: 0, missed: 0 };
let checkMs = 0;
for (const file of files) {
  const name = relative(process.cwd(), file);
  const t0 = performance.now();
  const verdict = await readImportShot(file).then(
    () => 'ok',
    (e: unknown) => (e instanceof UnmergeableFileError ? 'refused' : `error: ${(e as Error).message}`),
  );
  checkMs += performance.now() - t0;
  if (verdict === 'ok') counts.passed++;
  else if (verdict === 'refused') counts.refused++;
  else counts.otherErrors++;
  if (!decode) {
    if (verdict !== 'ok') console.log(`${name}: ${verdict}`);
    continue;
  }
  const merges = await readFrame(file).then(() => true, () => false);
  if (merges) counts.decoded++;
  if (verdict === 'refused' && merges) {
    counts.falseAlarms++;
    console.log(`FALSE ALARM ${name}: refused at import, yet it decodes`);
  } else if (verdict === 'ok' && !merges) {
    counts.missed++;
    console.log(`missed ${name}: passed at import, does not decode`);
  } else if (verdict !== 'ok') console.log(`${name}: ${verdict}`);
}
stopRawDecoder();
for (const e of errors) console.log(`scan: ${e.file}: ${e.message}`);
console.log(`${files.length} image files under ${folders.join(', ')}: ${counts.passed} passed, ${counts.refused} refused, ${counts.otherErrors} other header errors`);
console.log(`structural check + headers: ${(checkMs / Math.max(1, files.length)).toFixed(2)} ms per file`);
if (decode) console.log(`decoded by the merge's reader: ${counts.decoded}; false alarms: ${counts.falseAlarms}; missed: ${counts.missed}`);
process.exit(counts.falseAlarms > 0 ? 1 : 0);

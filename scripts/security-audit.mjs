#!/usr/bin/env node
/**
 * Electron security audit: @doyensec/electronegativity over the main process, the preload, the
 * renderer's sources and the built index.html (where the CSP meta is), assuming the Electron
 * version package.json pins. Fails on any finding above LOW that is not suppressed inline with an
 * `eng-disable CHECK_ID` comment (each one carries its reason beside it). The CSV report goes to
 * artifacts/electronegativity.csv.
 *
 *   npm run build && npm run audit:electron
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const electronVersion = String(pkg.devDependencies.electron).replace(/^[^\d]*/, '');
const builtHtml = join(ROOT, 'out/renderer/index.html');
if (!existsSync(builtHtml)) {
  console.error(`audit: ${builtHtml} is missing; run 'npm run build' first`);
  process.exit(1);
}

// One folder with what ships: electronegativity takes a single input.
const stage = mkdtempSync(join(tmpdir(), 'luxfuse-audit-'));
try {
  for (const dir of ['src-main', 'src-preload', 'src-renderer/src']) cpSync(join(ROOT, dir), join(stage, dir), { recursive: true });
  mkdirSync(join(stage, 'out/renderer'), { recursive: true });
  cpSync(builtHtml, join(stage, 'out/renderer/index.html'));
  cpSync(join(ROOT, 'package.json'), join(stage, 'package.json'));

  const cli = join(dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist/index.js');
  const csv = join(stage, 'report.csv');
  const run = spawnSync(process.execPath, [cli, '-i', stage, '-e', electronVersion, '-r', '-o', csv], { encoding: 'utf8', timeout: 300_000 });
  if (!existsSync(csv)) {
    console.error(`audit: electronegativity wrote no report (exit ${run.status})\n${run.stderr}\n${run.stdout}`);
    process.exit(1);
  }
  const report = readFileSync(csv, 'utf8');
  mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
  writeFileSync(join(ROOT, 'artifacts/electronegativity.csv'), report);

  const rows = parseCsv(report).slice(1).filter((r) => r.length > 1);
  const findings = rows.map(([id, severity, confidence, file, location, sample]) => ({ id, severity, confidence, file, location, sample }));
  const serious = findings.filter((f) => f.severity !== 'LOW' && f.severity !== 'INFORMATIONAL');
  console.log(`audit: electronegativity ${pkg.devDependencies['@doyensec/electronegativity']} assuming Electron ${electronVersion}: ${findings.length} finding(s), ${serious.length} above LOW`);
  for (const f of findings) console.log(`  ${f.severity.padEnd(6)} ${f.confidence.padEnd(9)} ${f.id} ${f.file}:${f.location} ${f.sample.replace(/\s+/g, ' ').slice(0, 160)}`);
  if (serious.length > 0) {
    console.error('audit: fix these, or suppress one with an inline `eng-disable CHECK_ID` comment that says why');
    process.exit(1);
  }
} finally {
  if (!process.env.KEEP) rmSync(stage, { recursive: true, force: true });
}

/** electronegativity's CSV report: rows of fields, quoted or not; quoted fields may hold commas and newlines. */
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field.trim());
      field = '';
    } else if (c === '\n') {
      row.push(field.trim());
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field.trim()]);
  return rows;
}

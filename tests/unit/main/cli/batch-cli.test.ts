/**
 * `luxfuse batch`: brackets found among files and merged one after another. Load (50 brackets with
 * flat memory), a failed bracket that does not stop the rest, resume, and Ctrl+C leaving whole files.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import type { BatchReport } from '../../../../src-main/cli/batch-command';
import { batchCommand, describeBatch, describeBracket } from '../../../../src-main/cli/batch-command';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { writeBracket } from '../../helpers/bracket-fixture';

const BIN = resolve(import.meta.dirname, '../../../../bin/luxfuse.mjs');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-batch-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `count` brackets of 3 small JPEGs, captured a minute apart, in one folder. */
function writeShoot(name: string, count: number, side = 64): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  for (let b = 0; b < count; b++) writeBracket(folder, { width: side, height: Math.round(side * 0.7), prefix: `b${String(b).padStart(2, '0')}`, minute: b });
  return folder;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += `${t}\n`), err: (t) => (err += t) });
  return { code, out, err };
}

/** Runs the real binary; `onLine` sees stdout as it comes and may signal the process. */
function runBin(args: string[], onLine?: (line: string, child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      out += text;
      for (const line of text.split('\n')) if (line) onLine?.(line, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** Every output decodes whole and no temporary file is left. */
function checkWhole(folder: string): string[] {
  const names = readdirSync(folder);
  expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
  for (const name of names.filter((n) => n.endsWith('.jpg'))) {
    const img = decodeImage(new Uint8Array(readFileSync(join(folder, name))), name);
    expect(img.width).toBeGreaterThan(0);
  }
  return names;
}

describe('luxfuse batch', () => {
  it('merges every bracket, reports a broken bracket without stopping, and resumes', async () => {
    const shoot = writeShoot('shoot', 3);
    // A bracket whose middle frame is whole but has a marker in the middle of its image data: its headers, its
    // structure and so the grouping survive; only the merge's decode finds it.
    const broken = join(shoot, 'b01-2.jpg');
    const bytes = new Uint8Array(readFileSync(broken));
    bytes.set([0xff, 0xc0], bytes.length >> 1);
    writeFileSync(broken, bytes);
    // A frame cut short is found as the files are read: listed in the errors, and its bracket is the other two.
    const cut = join(shoot, 'b02-2.jpg');
    const whole = readFileSync(cut);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const out = join(dir, 'out');
    mkdirSync(out);
    const first = await cli(['batch', shoot, '--out', out, '--formats', 'jpeg,exr', '--method', 'radiance', '--json']);
    expect(first.code).toBe(1);
    const report = JSON.parse(first.out) as BatchReport;
    expect(report.brackets.map((b) => b.status)).toEqual(['merged', 'failed', 'merged']);
    expect(report.brackets[1].message).toMatch(/b01-2\.jpg/);
    expect(report.brackets[2].files.map((f) => f.slice(shoot.length + 1))).toEqual(['b02-1.jpg', 'b02-3.jpg']);
    expect(report.errors).toEqual([{ file: cut, message: expect.stringMatching(/b02-2\.jpg: truncated or corrupt JPEG: the file ends before its end-of-image marker/) }]);
    // The bracket merged without its cut frame says so, in the report and in the line printed for it.
    expect(report.brackets[2].missing).toEqual(report.errors);
    expect(report.brackets[0].missing).toBeUndefined();
    expect(describeBatch(report).split('\n')[0]).toMatch(/^2 merged \(1 without a frame that cannot be merged\), 0 skipped, 1 failed in /);
    expect(describeBracket(report.brackets[2], 2, 3)).toMatch(/^\[3\/3\] b02-1\.jpg … b02-3\.jpg \(2 frames\): wrote b02-1-hdr\.exr, b02-1-hdr\.jpg without b02-2\.jpg \(it cannot be merged: see the errors\) in /);
    expect(report.cancelled).toBe(false);
    expect(checkWhole(out).sort()).toEqual(['b00-1-hdr.exr', 'b00-1-hdr.jpg', 'b02-1-hdr.exr', 'b02-1-hdr.jpg']);

    // Again: the merged ones are skipped, the broken one fails again; --overwrite redoes them.
    const again = JSON.parse((await cli(['batch', shoot, '--out', out, '--formats', 'jpeg,exr', '--method', 'radiance', '--json'])).out) as BatchReport;
    expect(again.brackets.map((b) => b.status)).toEqual(['skipped', 'failed', 'skipped']);
    const redo = JSON.parse((await cli(['batch', shoot, '--out', out, '--formats', 'jpeg,exr', '--method', 'radiance', '--overwrite', '--json'])).out) as BatchReport;
    expect(redo.brackets.map((b) => b.status)).toEqual(['merged', 'failed', 'merged']);
  }, 120_000);

  it('refuses flags that name one bracket, a missing --out, and an unknown format', async () => {
    const shoot = join(dir, 'shoot');
    expect((await cli(['batch', shoot])).err).toMatch(/--out DIR/);
    expect((await cli(['batch', shoot, '--out', join(dir, 'nowhere')])).err).toMatch(/does not exist/);
    expect((await cli(['batch', shoot, '--out', dir, '--exposure-times', '1/4,1/2'])).err).toMatch(/--exposure-times names one bracket/);
    expect((await cli(['batch', shoot, '--out', dir, '--formats', 'jpeg,gif'])).code).toBe(2);
  });

  it('stops before the next bracket when cancelled, leaving only whole files', async () => {
    const shoot = writeShoot('cancel-in-process', 4);
    const out = join(dir, 'out-cancel');
    mkdirSync(out);
    const cancel = new AbortController();
    const report = await batchCommand({ paths: [shoot], values: { out }, signal: cancel.signal, onBracket: (_, i) => i === 1 && cancel.abort() });
    expect(report.cancelled).toBe(true);
    expect(report.brackets).toHaveLength(2);
    expect(checkWhole(out).sort()).toEqual(['b00-1-hdr.jpg', 'b01-1-hdr.jpg']);
  }, 60_000);

  it('merges 50 brackets in one run with flat memory, and Ctrl+C on the real process leaves whole files', async () => {
    const shoot = writeShoot('fifty', 50, 96);
    const out = join(dir, 'out-fifty');
    mkdirSync(out);
    const run = await runBin(['batch', shoot, '--out', out, '--formats', 'jpeg,exr', '--method', 'radiance', '--json']);
    expect(run.code, run.err).toBe(0);
    const report = JSON.parse(run.out) as BatchReport;
    expect(report.brackets).toHaveLength(50);
    expect(report.brackets.every((b) => b.status === 'merged')).toBe(true);
    // Memory is that of one bracket: after warm-up it does not grow with the count.
    const rss = report.brackets.map((b) => b.rssMB);
    expect(Math.max(...rss.slice(40)) - Math.max(...rss.slice(5, 15))).toBeLessThan(40);
    expect(checkWhole(out)).toHaveLength(100);

    // The real binary, interrupted after its second bracket (SIGINT, as Ctrl+C sends).
    const partial = join(dir, 'out-sigint');
    mkdirSync(partial);
    let lines = 0;
    const stopped = await runBin(['batch', shoot, '--out', partial], (line, child) => {
      if (line.startsWith('[') && ++lines === 2) child.kill('SIGINT');
    });
    expect(stopped.code).toBe(130);
    expect(stopped.err).toMatch(/cancelling after the current bracket/);
    const written = checkWhole(partial);
    expect(written.length).toBeGreaterThanOrEqual(2);
    expect(written.length).toBeLessThan(50);
  }, 300_000);
});

describe('describeBatch', () => {
  it('names each file that could not be read once, whether or not its message names it', () => {
    const report: BatchReport = {
      brackets: [],
      ungrouped: [],
      errors: [
        { file: '/shoot/IMG-4.jpg', message: '/shoot/IMG-4.jpg: its pixels could not be read (truncated or corrupt JPEG: marker was not found), so it was not compared with its neighbours and is in no bracket' },
        { file: '/shoot/locked', message: 'cannot read folder: permission denied' },
      ],
      cancelled: false,
      millis: 0,
    };
    expect(describeBatch(report).split('\n').slice(1)).toEqual([
      'error: /shoot/IMG-4.jpg: its pixels could not be read (truncated or corrupt JPEG: marker was not found), so it was not compared with its neighbours and is in no bracket',
      'error: /shoot/locked: cannot read folder: permission denied',
    ]);
  });
});

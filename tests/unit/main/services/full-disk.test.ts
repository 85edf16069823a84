/**
 * A full disk and a read-only one, for real: a small tmpfs is mounted as the export folder (needs root, which CI and
 * this machine have; elsewhere the test is reported as skipped with the reason in its title). The
 * export must fail with a clear message, leave the previous export byte for byte, leave no
 * temporary file, and never touch the originals.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { writeBracket } from '../../helpers/bracket-fixture';

const root = mkdtempSync(join(tmpdir(), 'luxfuse-full-disk-'));
const disk = join(root, 'disk');
const readOnly = join(root, 'read-only');
mkdirSync(disk);
mkdirSync(readOnly);

/** Mounts a 512 KB tmpfs on `disk` and a read-only one on `readOnly`; returns why not when it cannot. */
function mountDisks(): string | null {
  if (process.getuid?.() !== 0) return 'not root, cannot mount a tmpfs';
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', disk], { stdio: 'pipe' });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,ro', 'tmpfs', readOnly], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `mount failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

const unavailable = mountDisks();
const title = (what: string): string => (unavailable ? `${what} — SKIPPED: ${unavailable}` : what);

afterAll(() => {
  if (!unavailable) for (const m of [disk, readOnly]) execFileSync('umount', [m], { stdio: 'ignore' });
  rmSync(root, { recursive: true, force: true });
});

let frames: string[];
beforeAll(() => {
  const shots = join(root, 'shots');
  mkdirSync(shots);
  frames = writeBracket(shots, { width: 160, height: 112 });
});

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

async function merge(extra: string[], folder = disk): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await runCli(['merge', ...frames, '--method', 'radiance', '--exr', join(folder, 'out.exr'), '--jpeg', join(folder, 'out.jpg'), ...extra], {
    out: () => undefined,
    err: (t) => (err += t),
  });
  return { code, err };
}

describe('exporting onto a full disk', () => {
  it.skipIf(unavailable !== null)(title('fails saying the disk is full, keeps the previous export whole, leaves no temporary, and the originals untouched'), async () => {
    const originals = frames.map(sha);
    expect((await merge([])).code).toBe(0);
    const previous = [sha(join(disk, 'out.exr')), sha(join(disk, 'out.jpg'))];

    // Fill the disk to within a few KB: the next EXR (tens of KB) cannot fit.
    const { bavail, bsize } = statfsSync(disk);
    writeFileSync(join(disk, 'filler.bin'), new Uint8Array(Math.max(0, bavail * bsize - 8 * 1024)));
    const full = await merge(['--exposure', '1']);
    expect(full.code).toBe(1);
    expect(full.err).toMatch(/cannot write .*out\.(exr|jpg): the disk is full/);
    expect([sha(join(disk, 'out.exr')), sha(join(disk, 'out.jpg'))]).toEqual(previous);
    expect(readdirSync(disk).sort()).toEqual(['filler.bin', 'out.exr', 'out.jpg']);
    expect(frames.map(sha)).toEqual(originals);

    // Space again: the same export goes through and replaces the previous one.
    rmSync(join(disk, 'filler.bin'));
    expect((await merge(['--exposure', '1'])).code).toBe(0);
    expect(sha(join(disk, 'out.jpg'))).not.toBe(previous[1]);
  }, 60_000);

  it.skipIf(unavailable !== null)(title('refuses a read-only destination before any work, saying so'), async () => {
    // Refused before any decoding: a missing input given too is not what it reports.
    const r = await merge([join(root, 'shots', 'vanished.jpg')], readOnly);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/cannot write .*out\.exr: the disk is read-only/);
    expect(readdirSync(readOnly)).toEqual([]);
  });
});

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkOutputPath, writeFileAtomic } from '../../../../src-main/services/atomic-write';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('atomic writes', () => {
  it('writes the whole file and leaves no temporary behind', async () => {
    const target = join(dir, 'out.exr');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(['out.exr']);
  });

  it('replaces an existing file in one step', async () => {
    const target = join(dir, 'out.jpg');
    writeFileSync(target, 'old');
    await writeFileAtomic(target, new TextEncoder().encode('new'));
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('fails with the path and the reason when the folder is missing, writing nothing', async () => {
    await expect(writeFileAtomic(join(dir, 'nope', 'out.exr'), new Uint8Array(1))).rejects.toThrow(/cannot write .*out\.exr: the folder does not exist/);
    await expect(checkOutputPath(join(dir, 'nope', 'out.exr'))).rejects.toThrow(/folder .*nope does not exist/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to write over an input and onto a folder', async () => {
    const input = join(dir, 'a.jpg');
    writeFileSync(input, 'original');
    await expect(checkOutputPath(input, [input])).rejects.toThrow(/originals are never written/);
    mkdirSync(join(dir, 'sub'));
    await expect(checkOutputPath(join(dir, 'sub'))).rejects.toThrow(/is a folder/);
    expect(readFileSync(input, 'utf8')).toBe('original');
  });

  it('refuses an output that is an input however the paths spell it (a link to it, a linked folder)', async () => {
    const input = join(dir, 'a.jpg');
    writeFileSync(input, 'original');
    symlinkSync(input, join(dir, 'alias.jpg'));
    symlinkSync(dir, join(dir, 'here'));
    // The input given through a link, the output its real name: the write would replace the original.
    await expect(checkOutputPath(input, [join(dir, 'alias.jpg')])).rejects.toThrow(/a\.jpg is one of the input files/);
    // The output through a linked folder.
    await expect(checkOutputPath(join(dir, 'here', 'a.jpg'), [input])).rejects.toThrow(/originals are never written/);
    // An output that is itself a link to an input is replaced as a link: the original stays.
    await checkOutputPath(join(dir, 'alias.jpg'), [input]);
    await writeFileAtomic(join(dir, 'alias.jpg'), new TextEncoder().encode('merged'));
    expect(readFileSync(input, 'utf8')).toBe('original');
    // Another file is fine.
    await checkOutputPath(join(dir, 'b.jpg'), [join(dir, 'alias.jpg')]);
  });

  it('leaves the old file intact when the write cannot finish', async () => {
    const target = join(dir, 'keep.jpg');
    writeFileSync(target, 'precious');
    // A target whose temporary sibling cannot be created: its folder is a file.
    await expect(writeFileAtomic(join(target, 'inner.jpg'), new Uint8Array(8))).rejects.toThrow(/cannot write/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['keep.jpg']);
  });
});

describe('an export killed at a random moment', () => {
  it('leaves the previous file whole, the original untouched, and its temporary removed by the next export', async () => {
    const { spawn } = await import('node:child_process');
    const { createHash } = await import('node:crypto');
    const original = join(dir, 'frame.jpg');
    writeFileSync(original, 'original bytes of a photograph');
    const hash = () => createHash('sha256').update(readFileSync(original)).digest('hex');
    const before = hash();
    const target = join(dir, 'merge.exr');
    const size = 8 * 1024 * 1024;
    const child = join(import.meta.dirname, 'fixtures/export-loop.ts');
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // At least 8 kills, and more (up to 40) until one has hit a write in progress: where a kill lands is chance.
    const minTrials = 8;
    const maxTrials = 40;
    let killedMidWrite = 0;
    for (let t = 0; t < maxTrials && (t < minTrials || killedMidWrite === 0); t++) {
      const proc = spawn(process.execPath, ['--import', 'tsx', child, target, String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((ok) => proc.stdout!.once('data', () => ok()));
      await new Promise((ok) => setTimeout(ok, 20 + random() * 400));
      proc.kill('SIGKILL');
      await new Promise((ok) => proc.once('exit', ok));
      // The target is absent (killed before the first rename) or one whole version, never a mix or a part.
      const names = readdirSync(dir);
      if (names.some((n) => n.endsWith('.tmp'))) killedMidWrite++;
      if (names.includes('merge.exr')) {
        const bytes = readFileSync(target);
        expect(bytes.length).toBe(size);
        expect(bytes.every((b) => b === bytes[0])).toBe(true);
      }
    }
    expect(hash()).toBe(before);
    // The kills must have hit writes in progress, or the clean-up below proves nothing.
    expect(killedMidWrite).toBeGreaterThan(0);
    await writeFileAtomic(target, new Uint8Array([7]));
    expect(readdirSync(dir).sort()).toEqual(['frame.jpg', 'merge.exr']);
    expect([...readFileSync(target)]).toEqual([7]);
  }, 240_000);
});

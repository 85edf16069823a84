import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it('leaves the old file intact when the write cannot finish', async () => {
    const target = join(dir, 'keep.jpg');
    writeFileSync(target, 'precious');
    // A target whose temporary sibling cannot be created: its folder is a file.
    await expect(writeFileAtomic(join(target, 'inner.jpg'), new Uint8Array(8))).rejects.toThrow(/cannot write/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(readdirSync(dir)).toEqual(['keep.jpg']);
  });
});

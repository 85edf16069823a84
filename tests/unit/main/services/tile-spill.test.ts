/**
 * The deghosting's undo tiles in a temporary file: what is written reads back at its handle, the file is made on
 * the first tile and not left behind, a file that cannot be made says so once, and files of dead processes go.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FileTileSpill, openTileSpill, removeStaleSpills } from '../../../../src-main/services/tile-spill';

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-tile-spill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const openFiles = () => readdirSync('/proc/self/fd').length;

describe('FileTileSpill', () => {
  it('reads back each tile at the handle it was written under, in any order, from views into larger arrays', () => {
    const spill = openTileSpill(dir);
    expect(spill.made).toBe(false);
    const big = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 1e3);
    const tiles = [big.subarray(100, 1300), Float32Array.of(0, -0, Number.MIN_VALUE, 1 / 3, Infinity, Number.NaN), big.subarray(4000)];
    const handles = tiles.map((t) => spill.write(t));
    expect(spill.made).toBe(true);
    // Nothing in the folder: the file is unlinked while open (POSIX).
    expect(readdirSync(dir)).toEqual([]);
    expect(spill.bytes).toBe(tiles.reduce((n, t) => n + t.byteLength, 0));
    for (const i of [2, 0, 1]) {
      const into = new Float32Array(tiles[i].length);
      spill.read(handles[i], into);
      // Bit for bit: the samples put back must be the ones overwritten.
      expect(Buffer.from(into.buffer).equals(Buffer.from(tiles[i].slice().buffer))).toBe(true);
    }
    // Reading past what was written is refused, not filled with zeros.
    expect(() => spill.read(handles[2], new Float32Array(tiles[2].length + 1))).toThrow(/no tile of 4004 bytes/);
    spill.close();
    spill.close();
    expect(() => spill.read(handles[0], new Float32Array(1))).toThrow(/spill is closed/);
    expect(() => spill.write(new Float32Array(1))).toThrow(/spill is closed/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux')('makes no file for a merge that writes no tile (Linux: counts /proc/self/fd)', () => {
    const before = openFiles();
    const spills = Array.from({ length: 5 }, () => openTileSpill(dir));
    expect(openFiles()).toBe(before);
    expect(spills.every((s) => !s.made)).toBe(true);
    expect(() => spills[0].read(0, new Float32Array(1))).toThrow(/nothing was written/);
    spills[1].write(Float32Array.of(1));
    expect(openFiles()).toBe(before + 1);
    for (const s of spills) s.close();
    expect(openFiles()).toBe(before);
  });

  it('where no file can be made, each write throws the reason, logged once (the deghosting keeps the tiles in memory)', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const spill = new FileTileSpill(join(dir, 'no', 'such', 'folder'));
      expect(() => spill.write(Float32Array.of(1, 2))).toThrow(/ENOENT/);
      expect(() => spill.write(Float32Array.of(3))).toThrow(/ENOENT/);
      expect(spill.made).toBe(false);
      expect(spill.bytes).toBe(0);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/failed before its first tile; the rest stay in memory/);
      spill.close();
    } finally {
      warn.mockRestore();
    }
  });
});

describe('removeStaleSpills', () => {
  it("removes the undo files of processes no longer running, and only those", async () => {
    const stale = mkdtempSync(join(dir, 'stale-'));
    const id = '0b7e8f0c-5d43-4c8e-9a57-3f1d2a6b9c10';
    const names = {
      dead: `luxfuse-undo-4000001-${id}.bin`,
      alive: `luxfuse-undo-4000002-${id}.bin`,
      mine: `luxfuse-undo-${process.pid}-${id}.bin`,
      other: 'luxfuse-undo-notes.txt',
      user: `photo-4000001-${id}.bin`,
    };
    for (const name of Object.values(names)) writeFileSync(join(stale, name), 'x');
    mkdirSync(join(stale, `luxfuse-undo-4000003-${id}.bin`));
    const removed = await removeStaleSpills(stale, (pid) => pid === 4000002);
    expect(removed).toEqual([names.dead]);
    expect(readdirSync(stale).sort()).toEqual([names.alive, names.mine, names.other, names.user, `luxfuse-undo-4000003-${id}.bin`].sort());
    // The default check asks the system: this process runs, so its file stays.
    expect(await removeStaleSpills(stale)).not.toContain(names.mine);
    expect(await removeStaleSpills(join(dir, 'no', 'such'))).toEqual([]);
  });
});

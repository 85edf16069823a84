/** The deghosting's undo tiles in a temporary file: what is written reads back at its handle, the file is not left behind, and a closed or missing spill says so. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileTileSpill, openTileSpill } from '../../../../src-main/services/tile-spill';

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-tile-spill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileTileSpill', () => {
  it('reads back each tile at the handle it was written under, in any order, from views into larger arrays', () => {
    const spill = FileTileSpill.open(dir);
    // Nothing in the folder: the file is unlinked while open (POSIX).
    expect(readdirSync(dir)).toEqual([]);
    const big = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 1e3);
    const tiles = [big.subarray(100, 1300), Float32Array.of(0, -0, Number.MIN_VALUE, 1 / 3, Infinity, Number.NaN), big.subarray(4000)];
    const handles = tiles.map((t) => spill.write(t));
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

  it('where no file can be made, openTileSpill gives null (the tiles stay in memory)', () => {
    expect(openTileSpill(join(dir, 'no', 'such', 'folder'))).toBeNull();
    expect(() => FileTileSpill.open(join(dir, 'no', 'such', 'folder'))).toThrow(/ENOENT/);
  });
});

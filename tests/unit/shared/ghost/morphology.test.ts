/** Binary morphology with square elements: what each operation keeps, drops and fills, against a brute-force reference. */
import { describe, expect, it } from 'vitest';
import { close, dilate, erode, fillHoles, maskArea, open } from '../../../../src-shared/ghost/morphology';

const W = 9;
const H = 7;

function fromRows(rows: string[]): Uint8Array {
  return Uint8Array.from(rows.join(''), (c) => (c === '#' ? 1 : 0));
}

function bruteForce(mask: Uint8Array, w: number, h: number, r: number, every: boolean): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let any = false;
      let all = true;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
          any ||= mask[yy * w + xx] === 1;
          all &&= mask[yy * w + xx] === 1;
        }
      }
      out[y * w + x] = (every ? all : any) ? 1 : 0;
    }
  }
  return out;
}

describe('morphology', () => {
  it('dilates and erodes like the brute-force definition, clipped at the borders', () => {
    let seed = 3;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let t = 0; t < 20; t++) {
      const m = Uint8Array.from({ length: 23 * 17 }, () => (rand() < 0.4 ? 1 : 0));
      for (const r of [0, 1, 2, 4]) {
        expect(dilate(m, 23, 17, r)).toEqual(bruteForce(m, 23, 17, r, false));
        expect(erode(m, 23, 17, r)).toEqual(bruteForce(m, 23, 17, r, true));
      }
    }
  });

  it('opens away specks smaller than the square and closes gaps narrower than it', () => {
    const speck = fromRows(['.........', '.#.......', '.........', '....###..', '....###..', '....###..', '.........']);
    expect(open(speck, W, H, 1)).toEqual(fromRows(['.........', '.........', '.........', '....###..', '....###..', '....###..', '.........']));
    const gap = fromRows(['.........', '.###.###.', '.###.###.', '.###.###.', '.........', '.........', '.........']);
    expect(close(gap, W, H, 1)).toEqual(fromRows(['.........', '.#######.', '.#######.', '.#######.', '.........', '.........', '.........']));
  });

  it('fills enclosed holes up to a size, never a region open to the border', () => {
    const ring = fromRows(['.........', '.#####...', '.#...#...', '.#...#...', '.#####...', '.........', '.........']);
    expect(fillHoles(ring, W, H, 6)).toEqual(fromRows(['.........', '.#####...', '.#####...', '.#####...', '.#####...', '.........', '.........']));
    expect(fillHoles(ring, W, H, 5)).toEqual(ring);
    const open = fromRows(['.........', '.#####...', '.#.......', '.#...#...', '.#####...', '.........', '.........']);
    expect(fillHoles(open, W, H, 100)).toEqual(open);
    expect(maskArea(ring)).toBeCloseTo(14 / 63, 12);
  });

  it('refuses masks of the wrong size and negative radii', () => {
    expect(() => dilate(new Uint8Array(5), 2, 2, 1)).toThrow(RangeError);
    expect(() => erode(new Uint8Array(4), 2, 2, -1)).toThrow(RangeError);
  });
});

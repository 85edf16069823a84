/** orientImage: a frame turned as its EXIF Orientation says it is shown. */
import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { composeOrientations, inverseOrientation, orientImage, reorient, turnsImage } from '../../../../src-shared/image/orient';

/** A 3 x 2 grey image whose samples are 1..6, row by row: [1 2 3 / 4 5 6]. */
function grid(): LinearImage {
  return { width: 3, height: 2, channels: 1, data: Float32Array.of(1, 2, 3, 4, 5, 6), ev: 1.5, meta: { sourceName: 'a.jpg' } };
}

const rows = (im: LinearImage): number[][] => Array.from({ length: im.height }, (_, y) => [...im.data.subarray(y * im.width, (y + 1) * im.width)]);

describe('orientImage', () => {
  it('turns the stored pixels as each of the eight values defines', () => {
    // Written out by hand from the tag's definition (where the stored first row and column belong).
    const shown: Record<number, number[][]> = {
      1: [[1, 2, 3], [4, 5, 6]],
      2: [[3, 2, 1], [6, 5, 4]],
      3: [[6, 5, 4], [3, 2, 1]],
      4: [[4, 5, 6], [1, 2, 3]],
      5: [[1, 4], [2, 5], [3, 6]],
      6: [[4, 1], [5, 2], [6, 3]],
      7: [[6, 3], [5, 2], [4, 1]],
      8: [[3, 6], [2, 5], [1, 4]],
    };
    for (let o = 1; o <= 8; o++) {
      const out = orientImage(grid(), o);
      expect(rows(out), `orientation ${o}`).toEqual(shown[o]);
      expect(out.ev).toBe(1.5);
      expect(out.meta.sourceName).toBe('a.jpg');
    }
  });

  it('keeps the channels of a pixel together, and composes as the turns do', () => {
    const rgb: LinearImage = { width: 4, height: 3, channels: 3, data: Float32Array.from({ length: 36 }, (_, i) => i), ev: null, meta: {} };
    const cw = orientImage(rgb, 6);
    expect([cw.width, cw.height]).toEqual([3, 4]);
    // The shown top-left pixel is the stored bottom-left one, its three samples in order.
    expect([...cw.data.subarray(0, 3)]).toEqual([24, 25, 26]);
    expect(orientImage(cw, 8).data).toEqual(rgb.data);
    expect(orientImage(orientImage(rgb, 6), 6).data).toEqual(orientImage(rgb, 3).data);
    for (const o of [2, 3, 4, 5, 7]) expect(orientImage(orientImage(rgb, o), o).data, `orientation ${o} twice`).toEqual(rgb.data);
  });

  it('leaves the image alone for 1, no tag, and values outside 1..8', () => {
    const im = grid();
    for (const o of [1, undefined, 0, 9, 6.5, Number.NaN]) expect(orientImage(im, o)).toBe(im);
    expect([1, 2, 8, 9].map(turnsImage)).toEqual([false, true, true, false]);
  });

  it('reorient turns an image from the orientation it was turned by to another, through the stored layout', () => {
    const stored = grid();
    for (let from = 1; from <= 8; from++) {
      const turned = { ...orientImage(stored, from), meta: from === 1 ? {} : { orientation: from } };
      expect(orientImage(turned, inverseOrientation(from)).data, `${from} undone`).toEqual(stored.data);
      for (let to = 1; to <= 8; to++) {
        const out = reorient(turned, to);
        const want = orientImage(stored, to);
        expect([out.width, out.height, ...out.data], `${from} -> ${to}`).toEqual([want.width, want.height, ...want.data]);
        expect(out.meta.orientation).toBe(to === 1 ? undefined : to);
      }
    }
    // Composition, as the group's table has it: two quarter turns make a half turn; mirror then half turn is the other mirror.
    expect([composeOrientations(6, 6), composeOrientations(6, 8), composeOrientations(2, 3), composeOrientations(5, 6)]).toEqual([3, 1, 4, 2]);
    const same = { ...orientImage(stored, 6), meta: { orientation: 6 } };
    expect(reorient(same, 6)).toBe(same);
    expect(reorient(stored, undefined)).toBe(stored);
  });
});

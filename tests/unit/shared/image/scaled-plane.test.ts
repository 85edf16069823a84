/** Planes kept at a working size and read at the frames' size: the index maps, the full-size read, and the overlay's row-by-row downsample. */
import { describe, expect, it } from 'vitest';
import { downsample, downsampleRows } from '../../../../src-shared/image/resample';
import { blockIndex, expandPlane, fullPlane, nearestIndex, planeBytes, planeRow, scaledPlane } from '../../../../src-shared/image/scaled-plane';

function ramp(n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.731) * 0.5 + 0.5);
}

describe('scaled planes', () => {
  it('maps each full-size pixel to the working pixel under its centre (nearest) or its block (blocks)', () => {
    expect(Array.from(nearestIndex(2, 5))).toEqual([0, 0, 1, 1, 1]);
    expect(Array.from(nearestIndex(3, 3))).toEqual([0, 1, 2]);
    // Blocks of 3 over 10 pixels: the ragged edge repeats the last block.
    expect(Array.from(blockIndex(3, 10, 3))).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 2]);
    expect(() => nearestIndex(0, 4)).toThrow(RangeError);
    expect(() => blockIndex(3, 10, 0)).toThrow(RangeError);
  });

  it('reads at full size what a nearest upsampling of the working plane gives, row by row or whole', () => {
    const data = ramp(7 * 4);
    const p = scaledPlane(data, 7, 4, nearestIndex(7, 23), nearestIndex(4, 11));
    expect([p.width, p.height]).toEqual([23, 11]);
    const full = expandPlane(p);
    expect(full).toBeInstanceOf(Float32Array);
    for (let y = 0; y < 11; y++) {
      const sy = Math.min(3, Math.floor(((y + 0.5) * 4) / 11));
      for (let x = 0; x < 23; x++) expect(full[y * 23 + x]).toBe(data[sy * 7 + Math.min(6, Math.floor(((x + 0.5) * 7) / 23))]);
    }
    const row = new Float32Array(23);
    planeRow(p, 5, row);
    expect(row).toEqual(full.subarray(5 * 23, 6 * 23));
    // Bytes: the working plane and the maps, not the full size.
    expect(planeBytes(p)).toBe(7 * 4 * 4 + (23 + 11) * 4);
    // Masks keep their type.
    const bits = scaledPlane(Uint8Array.from([1, 0, 0, 1]), 2, 2, nearestIndex(2, 4), nearestIndex(2, 4));
    expect(Array.from(expandPlane(bits))).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it('refuses data or maps that do not fit the working size', () => {
    expect(() => scaledPlane(new Float32Array(5), 2, 3, nearestIndex(2, 4), nearestIndex(3, 6))).toThrow(/5 samples, expected 2x3/);
    expect(() => scaledPlane(new Float32Array(6), 2, 3, Int32Array.from([0, 2]), nearestIndex(3, 6))).toThrow(/index 2 outside 0..1/);
    expect(() => scaledPlane(new Float32Array(6), 2, 3, nearestIndex(2, 4), Int32Array.from([-1]))).toThrow(RangeError);
  });

  it('downsamples row by row exactly as downsample does the plane made whole (integer and fractional factors, and no downsampling)', () => {
    for (const [ww, wh, fw, fh, side] of [
      [50, 31, 997, 613, 160],
      [64, 40, 640, 400, 64],
      [9, 5, 90, 50, 120],
      [12, 30, 37, 101, 17],
    ]) {
      const p = scaledPlane(ramp(ww * wh), ww, wh, nearestIndex(ww, fw), nearestIndex(wh, fh));
      const whole = downsample({ width: fw, height: fh, channels: 1, data: expandPlane(p), ev: 0, meta: {} }, side);
      const seen: number[] = [];
      const rows = downsampleRows(fw, fh, side, (y, row) => {
        seen.push(y);
        planeRow(p, y, row);
      });
      expect([rows.width, rows.height]).toEqual([whole.width, whole.height]);
      expect(rows.data).toEqual(whole.data);
      // Each source row is asked for once, in order.
      expect(seen).toEqual(Array.from({ length: fh }, (_, y) => y));
    }
    expect(() => downsampleRows(0, 4, 8, () => {})).toThrow(RangeError);
    expect(() => downsampleRows(4, 4, 0, () => {})).toThrow(RangeError);
  });

  it('a plane already at full size reads as itself', () => {
    const data = ramp(6 * 4);
    expect(expandPlane(fullPlane(data, 6, 4))).toEqual(data);
  });
});

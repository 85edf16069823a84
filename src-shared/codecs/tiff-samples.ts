/** Turns decompressed TIFF sample bytes into linear float pixels: sRGB LUTs for integers, copies for floats. */
import { srgb16ToLinearLut, srgb8ToLinearLut } from '../image/srgb';
import { halfToFloatTable } from './half';
import { frameSamples } from '../image/samples';

export interface TiffSampleLayout {
  width: number;
  height: number;
  /** Samples per pixel in the file (alpha and extra samples included). */
  samplesPerPixel: number;
  /** Samples kept per pixel: the first 1 (grey) or 3 (RGB). */
  keep: 1 | 3;
  bits: 8 | 16 | 32;
  float: boolean;
  /** WhiteIsZero greys are inverted back to black-is-zero. */
  invert: boolean;
}

/**
 * Converts `bytes` (rows packed, samples interleaved, little-endian) to linear floats with `keep` channels.
 * With `out`, writes there from pixel `firstPixel` on (one strip of a larger image) instead of allocating.
 */
export function tiffSamplesToLinear(bytes: Uint8Array, l: TiffSampleLayout, out?: Float32Array, firstPixel = 0): Float32Array {
  const { width, height, samplesPerPixel: spp, keep } = l;
  const pixels = width * height;
  out ??= frameSamples(pixels * keep);
  const o0 = firstPixel * keep;
  const sampleBytes = l.bits / 8;
  const aligned = bytes.byteOffset % sampleBytes === 0 ? bytes : bytes.slice(0, pixels * spp * sampleBytes);
  // Samples kept = samples in the file (RGB, grey, not inverted) is the common case: one flat loop.
  const flat = spp === keep && !l.invert;
  if (l.bits === 8) {
    const lut = srgb8ToLinearLut();
    if (flat) for (let i = 0, n = pixels * spp; i < n; i++) out[o0 + i] = lut[aligned[i]];
    else {
      for (let p = 0, o = o0; p < pixels; p++) {
        for (let c = 0; c < keep; c++) {
          const v = aligned[p * spp + c];
          out[o++] = lut[l.invert ? 255 - v : v];
        }
      }
    }
  } else if (l.bits === 16) {
    const s16 = new Uint16Array(aligned.buffer, aligned.byteOffset, pixels * spp);
    const lut = l.float ? halfToFloatTable() : srgb16ToLinearLut();
    const flip = l.invert && !l.float ? 65535 : 0;
    if (flat) for (let i = 0, n = pixels * spp; i < n; i++) out[o0 + i] = lut[s16[i]];
    else {
      for (let p = 0, o = o0; p < pixels; p++) {
        for (let c = 0; c < keep; c++) out[o++] = lut[flip ? flip - s16[p * spp + c] : s16[p * spp + c]];
      }
    }
  } else {
    const f32 = new Float32Array(aligned.buffer, aligned.byteOffset, pixels * spp);
    if (flat) out.set(f32, o0);
    else {
      for (let p = 0, o = o0; p < pixels; p++) {
        for (let c = 0; c < keep; c++) out[o++] = f32[p * spp + c];
      }
    }
  }
  return out;
}

/** Reverses the bytes of every `size`-byte word in data[0..length), in place (endianness swap). */
export function swapBytes(data: Uint8Array, size: 2 | 4, length: number): void {
  if (size === 2) {
    for (let i = 0; i + 1 < length; i += 2) {
      const t = data[i];
      data[i] = data[i + 1];
      data[i + 1] = t;
    }
  } else {
    for (let i = 0; i + 3 < length; i += 4) {
      let t = data[i];
      data[i] = data[i + 3];
      data[i + 3] = t;
      t = data[i + 1];
      data[i + 1] = data[i + 2];
      data[i + 2] = t;
    }
  }
}

/**
 * Undoes the floating-point predictor (Adobe TIFF Technical Note 3, predictor 3) on one row in place:
 * bytes were delta-coded with a stride of one pixel, then split into byte planes, most significant
 * first. Leaves each sample little-endian (host order).
 */
export function undoFloatPredictorRow(row: Uint8Array, samplesPerPixel: number, bytesPerSample: number, scratch: Uint8Array): void {
  const n = row.length;
  for (let i = samplesPerPixel; i < n; i++) row[i] = (row[i] + row[i - samplesPerPixel]) & 255;
  scratch.set(row);
  const words = Math.floor(n / bytesPerSample);
  for (let w = 0; w < words; w++) {
    for (let b = 0; b < bytesPerSample; b++) row[w * bytesPerSample + b] = scratch[(bytesPerSample - 1 - b) * words + w];
  }
}

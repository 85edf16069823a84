/** The sRGB transfer function (IEC 61966-2-1) both ways, exact and as lookup tables for integer samples. */

/** sRGB-encoded value (0..1) to linear light, with the exact piecewise curve (not a 2.2 gamma). */
export function srgbToLinear(v: number): number {
  // Negative and >1 inputs are mirrored/extended like the curve itself, so no value is clipped here.
  if (v < 0) return -srgbToLinear(-v);
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

/** Linear light to sRGB-encoded value (0..1 for 0..1 input); the inverse of srgbToLinear. */
export function linearToSrgb(v: number): number {
  if (v < 0) return -linearToSrgb(-v);
  return v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
}

let lut8: Float32Array | undefined;
let lut16: Float32Array | undefined;

/** Linear value of every 8-bit sRGB code (index 0..255); built once, shared, do not modify. */
export function srgb8ToLinearLut(): Float32Array {
  if (!lut8) {
    lut8 = new Float32Array(256);
    for (let i = 0; i < 256; i++) lut8[i] = srgbToLinear(i / 255);
  }
  return lut8;
}

/** Linear value of every 16-bit sRGB code (index 0..65535); 256 KB, built once, shared, do not modify. */
export function srgb16ToLinearLut(): Float32Array {
  if (!lut16) {
    lut16 = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) lut16[i] = srgbToLinear(i / 65535);
  }
  return lut16;
}

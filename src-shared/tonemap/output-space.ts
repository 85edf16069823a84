/**
 * Output colour spaces of the tone stage and the gamut mapping into them. Display P3 is DCI-P3
 * primaries with the D65 white and the sRGB transfer curve (Apple; CSS Color 4 'display-p3').
 * The linear sRGB -> linear P3 matrix is derived here from the chromaticities (the standard
 * RGB -> XYZ construction, SMPTE RP 177): sRGB / Rec. 709 primaries from IEC 61966-2-1 and
 * ITU-R BT.709, P3 primaries from SMPTE EG 432-1, white D65 (0.3127, 0.3290) for both. It equals
 * CSS Color 4's XYZ_to_lin_P3 x lin_sRGB_to_XYZ to 7 digits:
 *   [0.8224621 0.1775380 0; 0.0331941 0.9668058 0; 0.0170827 0.0723974 0.9105199].
 */

export type OutputSpace = 'srgb' | 'display-p3';

type Xy = readonly [number, number];
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

export interface Primaries {
  r: Xy;
  g: Xy;
  b: Xy;
  white: Xy;
}

const D65: Xy = [0.3127, 0.329];
export const SRGB_PRIMARIES: Primaries = { r: [0.64, 0.33], g: [0.3, 0.6], b: [0.15, 0.06], white: D65 };
export const DISPLAY_P3_PRIMARIES: Primaries = { r: [0.68, 0.32], g: [0.265, 0.69], b: [0.15, 0.06], white: D65 };

/** Inverse of a 3x3 matrix (row-major). */
export function invert(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = f * g - d * i;
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A / det, (c * h - b * i) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, (c * d - a * f) / det, C / det, (b * g - a * h) / det, (a * e - b * d) / det];
}

/** x * y for row-major 3x3 matrices. */
export function multiply(x: Mat3, y: Mat3): Mat3 {
  const o: number[] = [];
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) o.push(x[r * 3] * y[c] + x[r * 3 + 1] * y[3 + c] + x[r * 3 + 2] * y[6 + c]);
  return o as unknown as Mat3;
}

/** Linear RGB -> XYZ (Y of white = 1), row-major: columns are the primaries scaled to add up to the white. */
export function rgbToXyz(p: Primaries): Mat3 {
  const col = ([x, y]: Xy): [number, number, number] => [x / y, 1, (1 - x - y) / y];
  const [rx, ry, rz] = col(p.r);
  const [gx, gy, gz] = col(p.g);
  const [bx, by, bz] = col(p.b);
  const w = col(p.white);
  const inv = invert([rx, gx, bx, ry, gy, by, rz, gz, bz]);
  const s = [0, 1, 2].map((k) => inv[k * 3] * w[0] + inv[k * 3 + 1] * w[1] + inv[k * 3 + 2] * w[2]);
  return [rx * s[0], gx * s[1], bx * s[2], ry * s[0], gy * s[1], by * s[2], rz * s[0], gz * s[1], bz * s[2]];
}

/** Linear source RGB -> linear destination RGB through XYZ. */
export function conversionMatrix(from: Primaries, to: Primaries): Mat3 {
  return multiply(invert(rgbToXyz(to)), rgbToXyz(from));
}

export const SRGB_TO_DISPLAY_P3: Mat3 = conversionMatrix(SRGB_PRIMARIES, DISPLAY_P3_PRIMARIES);

/** Linear-sRGB (Rec. 709) luminance weights: the middle row of rgbToXyz(SRGB_PRIMARIES), rounded as BT.709 states them. */
export const LUMA_R = 0.2126;
export const LUMA_G = 0.7152;
export const LUMA_B = 0.0722;

/** How the last step brings colours into the output gamut. */
export type GamutMode = 'soft' | 'hard';

/**
 * Chroma fraction (of the way to the gamut boundary along the line to grey of the same luminance)
 * from which 'soft' starts compressing: colours beyond it are squeezed smoothly into KNEE..1, so
 * texture in saturated highlights survives instead of flattening onto the boundary. 'hard' only
 * moves colours that are outside, onto the boundary.
 */
export const SOFT_KNEE = 0.9;

/**
 * Scale for the chroma (rgb - y) that brings linear rgb with luminance y into 0..1 without changing
 * its luminance or hue: 1 for colours inside (below the knee). q is how far out the colour is: the
 * largest of (c - y) / (1 - y) and (y - c) / y over its channels (1 = on the boundary).
 */
export function chromaScale(q: number, knee: number): number {
  if (!(q > knee)) return 1;
  if (knee >= 1) return 1 / q;
  const room = 1 - knee;
  return (knee + room * Math.tanh((q - knee) / room)) / q;
}

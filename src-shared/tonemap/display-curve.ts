/**
 * The tone controls that act after the operator, as one curve on display luminance 0..1. They work
 * on the sRGB-encoded value v (perceptually even steps) and keep 0 and 1 fixed and the curve
 * non-decreasing: contrast, then highlights, then shadows, then the white and black points.
 */
import { linearToSrgb, srgbToLinear } from '../image/srgb';
import type { ToneControls } from './tone-settings';

/** Encoded mid-grey: the contrast pivot. */
const PIVOT = linearToSrgb(0.18);
/** Contrast c gives slope CONTRAST_BASE^c at the pivot (0.5 .. 2). */
const CONTRAST_BASE = 2;
/**
 * Strength of the shadows bump v (1 - v)^4 and the highlights bump (1 - v) v^4. Each is monotone
 * only while strength x the bump's steepest slope stays under 1: the side that pushes towards the
 * fixed end (shadows -, highlights +) has a slope of 1 there, the other side of 0.216 at most.
 */
const BUMP_TOWARDS_MIDDLE = 2;
const BUMP_TOWARDS_END = 0.9;
/** Encoded range the white point moves (a quarter) and the black point moves (a tenth). */
const WHITE_SPAN = 0.25;
const BLACK_SPAN = 0.1;

export type CurveControls = Pick<Required<ToneControls>, 'contrast' | 'highlights' | 'shadows' | 'whitePoint' | 'blackPoint'>;

export function isNeutralCurve(c: CurveControls): boolean {
  return c.contrast === 0 && c.highlights === 0 && c.shadows === 0 && c.whitePoint === 0 && c.blackPoint === 0;
}

/** The controls on an encoded value v in 0..1. */
export function encodedCurve(c: CurveControls): (v: number) => number {
  const g = CONTRAST_BASE ** c.contrast;
  const hi = c.highlights * (c.highlights < 0 ? BUMP_TOWARDS_MIDDLE : BUMP_TOWARDS_END);
  const sh = c.shadows * (c.shadows > 0 ? BUMP_TOWARDS_MIDDLE : BUMP_TOWARDS_END);
  const i0 = Math.max(0, -c.blackPoint) * BLACK_SPAN;
  const i1 = 1 - Math.max(0, c.whitePoint) * WHITE_SPAN;
  const o0 = Math.max(0, c.blackPoint) * BLACK_SPAN;
  const o1 = 1 + Math.min(0, c.whitePoint) * WHITE_SPAN;
  return (v0) => {
    let v = v0 < 0 ? 0 : v0 > 1 ? 1 : v0;
    if (g !== 1) v = v < PIVOT ? PIVOT * Math.pow(v / PIVOT, g) : 1 - (1 - PIVOT) * Math.pow((1 - v) / (1 - PIVOT), g);
    if (hi !== 0) v += hi * (1 - v) * v * v * v * v;
    if (sh !== 0) {
      const u = 1 - v;
      v += sh * v * u * u * u * u;
    }
    const t = (v - i0) / (i1 - i0);
    return o0 + (o1 - o0) * (t < 0 ? 0 : t > 1 ? 1 : t);
  };
}

/** The controls on display luminance: encode, curve, decode. Identity (clamped to 0..1) when neutral. */
export function displayCurve(c: CurveControls): (l: number) => number {
  if (isNeutralCurve(c)) return (l) => (l > 0 ? (l < 1 ? l : 1) : 0);
  const curve = encodedCurve(c);
  return (l) => srgbToLinear(curve(linearToSrgb(l > 0 ? (l < 1 ? l : 1) : 0)));
}

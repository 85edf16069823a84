/**
 * Geometric transforms of alignment: 2x3 affine maps from the reference frame's pixel grid to a
 * moved frame's, built and described as similarities (shift, rotation, scale about the image centre).
 */

/** Row-major [a, b, c, d, e, f]: (x, y) -> (a x + b y + c, d x + e y + f). */
export type Affine = [number, number, number, number, number, number];

export interface AlignTransform {
  /**
   * Pixel-index coordinates (pixel (0, 0) at (0, 0)): the moved frame's sample at matrix(x, y)
   * shows what the reference shows at pixel (x, y).
   */
  matrix: Affine;
  /** Shift of the moved frame's content (px, +x right, +y down), at the image centre. */
  dx: number;
  dy: number;
  /** Rotation about the image centre (degrees, positive turns +x towards +y). */
  rotationDeg: number;
  scale: number;
}

export interface SimilarityParams {
  dx: number;
  dy: number;
  rotationDeg?: number;
  scale?: number;
}

export const IDENTITY: Affine = [1, 0, 0, 0, 1, 0];

/** Centre of a width x height image in pixel-index coordinates. */
const centre = (width: number, height: number): [number, number] => [(width - 1) / 2, (height - 1) / 2];

/** x' = s R(theta) (x - c) + c + (dx, dy), with c the image centre. */
export function similarity(p: SimilarityParams, width: number, height: number): AlignTransform {
  const rotationDeg = p.rotationDeg ?? 0;
  const scale = p.scale ?? 1;
  const th = (rotationDeg * Math.PI) / 180;
  const a = scale * Math.cos(th);
  const b = scale * Math.sin(th);
  const [cx, cy] = centre(width, height);
  const matrix: Affine = [a, -b, cx - a * cx + b * cy + p.dx, b, a, cy - b * cx - a * cy + p.dy];
  return { matrix, dx: p.dx, dy: p.dy, rotationDeg, scale };
}

export function identityTransform(): AlignTransform {
  return { matrix: [...IDENTITY], dx: 0, dy: 0, rotationDeg: 0, scale: 1 };
}

/** The similarity parameters that describe an affine matrix (the nearest similarity if it is not one). */
export function describeAffine(m: Affine, width: number, height: number): AlignTransform {
  const [cx, cy] = centre(width, height);
  // Nearest similarity: the mean of the rotation-like and reflection-free parts.
  const a = (m[0] + m[4]) / 2;
  const b = (m[3] - m[1]) / 2;
  const scale = Math.hypot(a, b);
  const rotationDeg = (Math.atan2(b, a) * 180) / Math.PI;
  const dx = m[0] * cx + m[1] * cy + m[2] - cx;
  const dy = m[3] * cx + m[4] * cy + m[5] - cy;
  return { matrix: [...m] as Affine, dx, dy, rotationDeg, scale };
}

export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/** outer(inner(p)): first inner, then outer. */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  const [a, b, c, d, e, f] = outer;
  const [p, q, r, s, t, u] = inner;
  return [a * p + b * s, a * q + b * t, a * r + b * u + c, d * p + e * s, d * q + e * t, d * r + e * u + f];
}

export function invertAffine(m: Affine): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  if (!(Math.abs(det) > 1e-12)) throw new RangeError('transform is singular');
  const ia = e / det;
  const ib = -b / det;
  const id = -d / det;
  const ie = a / det;
  return [ia, ib, -(ia * c + ib * f), id, ie, -(id * c + ie * f)];
}

/** Largest distance (px) any corner of a width x height grid moves under m. */
export function maxCornerDisplacement(m: Affine, width: number, height: number): number {
  let worst = 0;
  for (const [x, y] of [
    [0, 0],
    [width - 1, 0],
    [0, height - 1],
    [width - 1, height - 1],
  ]) {
    const [u, v] = applyAffine(m, x, y);
    worst = Math.max(worst, Math.hypot(u - x, v - y));
  }
  return worst;
}

/** Root-mean-square displacement |m(p) - p| over the image rectangle (0..width, 0..height), exactly (uniform moments). */
export function rmsDisplacement(m: Affine, width: number, height: number): number {
  const [ex, ey, exx, eyy, exy] = [width / 2, height / 2, (width * width) / 3, (height * height) / 3, (width * height) / 4];
  const meanSquare = (a: number, b: number, c: number): number => a * a * exx + b * b * eyy + c * c + 2 * a * b * exy + 2 * a * c * ex + 2 * b * c * ey;
  return Math.sqrt(Math.max(0, meanSquare(m[0] - 1, m[1], m[2]) + meanSquare(m[3], m[4] - 1, m[5])));
}

/**
 * The same map in the coordinates of an image `factor` times smaller, whose pixel i covers source
 * pixels [i f, (i + 1) f): positions scale about the pixel edge, not the pixel centre.
 */
export function scaleAffine(m: Affine, factor: number): Affine {
  // Edge coordinates u = x + 0.5 scale exactly: u_small = u / factor.
  const [a, b, c, d, e, f] = m;
  const cu = c + 0.5 - 0.5 * a - 0.5 * b;
  const fu = f + 0.5 - 0.5 * d - 0.5 * e;
  return [a, b, cu / factor - 0.5 + 0.5 * a + 0.5 * b, d, e, fu / factor - 0.5 + 0.5 * d + 0.5 * e];
}

/** Best 32-bit fraction for a number, as TIFF/EXIF RATIONAL and SRATIONAL fields store them. */

/**
 * The fraction closest to v with numerator and denominator within `limit` (continued fractions),
 * flattened as [num, den]. Camera values (1/250 s, f/2.8, -1/3 EV) come out exact.
 */
export function toRational(v: number, signed: boolean): [number, number] {
  if (!Number.isFinite(v) || (!signed && v < 0)) throw new RangeError(`cannot store ${v} as ${signed ? 'a signed' : 'an unsigned'} rational`);
  const limit = signed ? 0x7fffffff : 0xffffffff;
  const sign = v < 0 ? -1 : 1;
  const x = Math.abs(v);
  if (x > limit) throw new RangeError(`${v} is too large for a rational`);
  // Convergents h/k of the continued fraction of x; stop when exact enough or the next would overflow.
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let r = x;
  for (let i = 0; i < 64; i++) {
    const a = Math.floor(r);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (h2 > limit || k2 > limit) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    if (Math.abs(h1 / k1 - x) <= x * 1e-12 || r === a) break;
    r = 1 / (r - a);
  }
  return k1 === 0 ? [0, 1] : [sign * h1, k1];
}

/** Mertens quality weight of one row of an sRGB-encoded frame: |Laplacian of grey|^wc * saturation^ws * well-exposedness^we + 1e-12. */
import { buildUnitTable, SRGB_TABLE_SIZE } from '../image/srgb-tables';

export interface MertensWeightParams {
  contrast: number;
  saturation: number;
  exposedness: number;
  sigma: number;
}

/** A module constant, not the import: an imported binding can compile to a getter call per use. */
const TABLE_SIZE = SRGB_TABLE_SIZE;

/** Keeps flat, grey or badly exposed pixels in every frame from dividing 0 by 0; OpenCV's value. */
export const WEIGHT_EPSILON = 1e-12;

/** x^e with the exponents people actually use taken without Math.pow. */
function powFast(x: number, e: number): number {
  if (e === 1) return x;
  if (e === 0) return 1;
  if (e === 2) return x * x;
  return Math.pow(x, e);
}

/** exp(-(v - 0.5)^2 / (2 sigma^2))^we per channel value, tabulated: three lookups beat three exp() calls. */
export function exposednessTable(sigma: number, we: number): Float32Array {
  const k = we / (2 * sigma * sigma);
  return buildUnitTable((v) => Math.exp(-k * (v - 0.5) * (v - 0.5)));
}

/**
 * Nearest entry of a unit table for v in 0..1 (encoded values are clamped already). The
 * exposedness curve's slope is at most 2.2, so nearest-of-8192 is within 1.4e-4: plenty for a weight.
 */
function nearest(t: Float32Array, v: number): number {
  return t[(v * TABLE_SIZE + 0.5) | 0];
}

/** Rec.601 luma of an encoded RGB row, as OpenCV's RGB2GRAY in its MergeMertens. */
export function greyRow(enc: Float32Array, e0: number, w: number, out: Float32Array, o0: number): void {
  for (let x = 0, i = e0; x < w; x++, i += 3) out[o0 + x] = 0.299 * enc[i] + 0.587 * enc[i + 1] + 0.114 * enc[i + 2];
}

/**
 * Weights of one row: enc holds the row's RGB at e0; grey holds three grey rows (above, this,
 * below; the caller mirrors at the image edges) at up / mid / down. Writes w values at out[o0].
 */
export function weightRow(
  enc: Float32Array,
  e0: number,
  grey: Float32Array,
  up: number,
  mid: number,
  down: number,
  w: number,
  p: MertensWeightParams,
  expTable: Float32Array,
  out: Float32Array,
  o0: number,
): void {
  const { contrast: wc, saturation: ws } = p;
  const useExp = p.exposedness !== 0;
  const last = w - 1;
  // The paper's exponents (1, 1, any) get a loop without powFast's branches: it is the hot path.
  const plain = wc === 1 && ws === 1 && useExp;
  for (let x = 0, i = e0; x < w; x++, i += 3) {
    // Reflect-101 at the left and right edges (OpenCV's Laplacian border).
    const xl = x > 0 ? x - 1 : last > 0 ? 1 : 0;
    const xr = x < last ? x + 1 : last > 0 ? last - 1 : 0;
    const g = grey[mid + x];
    let lap = grey[up + x] + grey[down + x] + grey[mid + xl] + grey[mid + xr] - 4 * g;
    if (lap < 0) lap = -lap;
    const r = enc[i];
    const gr = enc[i + 1];
    const b = enc[i + 2];
    const mu = (r + gr + b) * (1 / 3);
    const dr = r - mu;
    const dg = gr - mu;
    const db = b - mu;
    const sat = Math.sqrt((dr * dr + dg * dg + db * db) * (1 / 3));
    if (plain) {
      out[o0 + x] = lap * sat * nearest(expTable, r) * nearest(expTable, gr) * nearest(expTable, b) + WEIGHT_EPSILON;
      continue;
    }
    let wt = powFast(lap, wc) * powFast(sat, ws);
    if (useExp) wt *= nearest(expTable, r) * nearest(expTable, gr) * nearest(expTable, b);
    out[o0 + x] = wt + WEIGHT_EPSILON;
  }
}

/**
 * The guided filter (He, Sun, Tang, "Guided Image Filtering", ECCV 2010 / TPAMI 2013, Algorithm 1)
 * with a greyscale guide: in every (2r+1)^2 window the output is a linear function a * I + b of the
 * guide, fitted to the source by least squares with a ridge eps on a; a and b are then averaged over
 * the windows covering each pixel. Edges of the guide whose variance is well above eps survive,
 * flatter areas are smoothed. Every mean is a box filter on running sums: O(1) per pixel in r.
 */
import { boxFilter, createBoxScratch, type BoxScratch } from './box-filter';

/**
 * Reusable buffers for guidedFilter / guidedFilterPlanes at one size. Planes are allocated on first
 * use (the self-guided filter needs two, a separate guide five) and kept for the next call.
 */
export class GuidedWorkspace {
  readonly width: number;
  readonly height: number;
  readonly box: BoxScratch;
  private readonly planes = new Map<string, Float32Array>();

  /** box may be given to share its row plane with a caller's scratch. */
  constructor(width: number, height: number, box?: BoxScratch) {
    this.width = width;
    this.height = height;
    this.box = box ?? createBoxScratch(width, height);
  }

  plane(name: 'meanI' | 'varI' | 'meanP' | 'a' | 'b'): Float32Array {
    let p = this.planes.get(name);
    if (!p) this.planes.set(name, (p = new Float32Array(this.width * this.height)));
    return p;
  }
}

export function createGuidedWorkspace(width: number, height: number): GuidedWorkspace {
  return new GuidedWorkspace(width, height);
}

function check(guide: Float32Array, width: number, height: number, radius: number, eps: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`plane size must be positive integers, got ${width}x${height}`);
  }
  if (guide.length !== width * height) throw new RangeError(`guide must hold ${width * height} samples, got ${guide.length}`);
  if (!Number.isInteger(radius) || radius < 0) throw new RangeError(`radius must be a non-negative integer, got ${radius}`);
  if (!(eps > 0 && eps < Infinity)) throw new RangeError(`eps must be a positive number, got ${eps}`);
}

/** mean_I and var_I of the guide, shared by every source plane. */
function guideStats(guide: Float32Array, n: number, w: number, h: number, r: number, ws: GuidedWorkspace): void {
  const meanI = ws.plane('meanI');
  const varI = ws.plane('varI');
  const box = ws.box;
  boxFilter(guide, w, h, r, meanI, box);
  for (let i = 0; i < n; i++) varI[i] = guide[i] * guide[i];
  boxFilter(varI, w, h, r, varI, box);
  // Rounding can make E[I^2] - E[I]^2 slightly negative in flat areas; variance is never below 0.
  for (let i = 0; i < n; i++) {
    const v = varI[i] - meanI[i] * meanI[i];
    varI[i] = v > 0 ? v : 0;
  }
}

/** Filters one source plane (not the guide) with precomputed guide stats into out. */
function filterPlane(
  guide: Float32Array,
  src: Float32Array,
  out: Float32Array,
  n: number,
  w: number,
  h: number,
  r: number,
  eps: number,
  ws: GuidedWorkspace,
): void {
  if (src.length !== n) throw new RangeError(`source must hold ${n} samples, got ${src.length}`);
  if (out.length !== n) throw new RangeError(`output must hold ${n} samples, got ${out.length}`);
  const meanI = ws.plane('meanI');
  const varI = ws.plane('varI');
  const meanP = ws.plane('meanP');
  const a = ws.plane('a');
  const b = ws.plane('b');
  const box = ws.box;
  boxFilter(src, w, h, r, meanP, box);
  for (let i = 0; i < n; i++) a[i] = guide[i] * src[i];
  boxFilter(a, w, h, r, a, box);
  for (let i = 0; i < n; i++) {
    const ai = (a[i] - meanI[i] * meanP[i]) / (varI[i] + eps);
    a[i] = ai;
    b[i] = meanP[i] - ai * meanI[i];
  }
  boxFilter(a, w, h, r, a, box);
  boxFilter(b, w, h, r, b, box);
  for (let i = 0; i < n; i++) out[i] = a[i] * guide[i] + b[i];
}

/**
 * Self-guided (edge-preserving smoothing): cov(I, p) = var(I) and mean_p = mean_I, so a and b
 * overwrite the guide stats in place: two planes and four box filters instead of five and six.
 */
function filterSelf(guide: Float32Array, out: Float32Array, n: number, w: number, h: number, r: number, eps: number, ws: GuidedWorkspace): void {
  if (out.length !== n) throw new RangeError(`output must hold ${n} samples, got ${out.length}`);
  const a = ws.plane('varI');
  const b = ws.plane('meanI');
  for (let i = 0; i < n; i++) {
    const ai = a[i] / (a[i] + eps);
    a[i] = ai;
    b[i] -= ai * b[i];
  }
  boxFilter(a, w, h, r, a, ws.box);
  boxFilter(b, w, h, r, b, ws.box);
  for (let i = 0; i < n; i++) out[i] = a[i] * guide[i] + b[i];
}

function workspaceFor(width: number, height: number, ws?: GuidedWorkspace): GuidedWorkspace {
  if (!ws) return createGuidedWorkspace(width, height);
  if (ws.width !== width || ws.height !== height) throw new RangeError(`workspace is ${ws.width}x${ws.height}, image is ${width}x${height}`);
  return ws;
}

/**
 * Guided filter of src by the greyscale guide (both width x height, one sample per pixel).
 * eps is in the squared units of the guide (He uses 0.1^2..0.4^2 for guides in 0..1).
 * out may be src (not guide); pass src === guide for edge-preserving smoothing.
 */
export function guidedFilter(
  guide: Float32Array,
  src: Float32Array,
  width: number,
  height: number,
  radius: number,
  eps: number,
  out?: Float32Array,
  workspace?: GuidedWorkspace,
): Float32Array {
  check(guide, width, height, radius, eps);
  const n = width * height;
  const dst = out ?? new Float32Array(n);
  if (dst === guide && src !== guide) throw new RangeError('output must not be the guide');
  const ws = workspaceFor(width, height, workspace);
  guideStats(guide, n, width, height, radius, ws);
  if (src === guide) filterSelf(guide, dst, n, width, height, radius, eps, ws);
  else filterPlane(guide, src, dst, n, width, height, radius, eps, ws);
  return dst;
}

/**
 * Several source planes (e.g. one weight map per exposure, or R, G, B) filtered with one guide:
 * the guide's mean and variance are computed once. outs[i] may be srcs[i].
 */
export function guidedFilterPlanes(
  guide: Float32Array,
  srcs: readonly Float32Array[],
  width: number,
  height: number,
  radius: number,
  eps: number,
  outs?: Float32Array[],
  workspace?: GuidedWorkspace,
): Float32Array[] {
  check(guide, width, height, radius, eps);
  const n = width * height;
  if (outs && outs.length !== srcs.length) throw new RangeError(`${srcs.length} sources but ${outs.length} outputs`);
  const dsts = outs ?? srcs.map(() => new Float32Array(n));
  for (const d of dsts) if (d === guide) throw new RangeError('output must not be the guide');
  const ws = workspaceFor(width, height, workspace);
  guideStats(guide, n, width, height, radius, ws);
  for (let k = 0; k < srcs.length; k++) {
    if (srcs[k] === guide) throw new RangeError('a source plane must not be the guide here; use guidedFilter');
    filterPlane(guide, srcs[k], dsts[k], n, width, height, radius, eps, ws);
  }
  return dsts;
}

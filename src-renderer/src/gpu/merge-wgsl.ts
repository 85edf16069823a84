/**
 * WGSL of the preview's per-pixel and filtering stages: guidedLift (filters/guided-lift.ts: clipped
 * box means at low resolution, the coefficient solve, bilinear upsampling and A * I + B at full
 * resolution) and the weighted-sum blend (fusion/lift-weights.ts normaliseWeights, then
 * fusion/blend.ts 'weighted-sum' through the shared sRGB tables). The formulas mirror the CPU code
 * line by line; tests/e2e/gpu/merge-gpu.spec.ts compares the two. One module per entry point, so
 * each pipeline's 'auto' layout holds exactly the bindings it reads.
 */
import { SRGB_TABLE_SIZE } from '../../../src-shared/image/srgb-tables';

/** Workgroup of every kernel here: 16 x 16 pixels. */
export const MERGE_WORKGROUP = 16;
/** u32/f32 words in each uniform below (all are 8 words). */
export const UNIFORM_WORDS = 8;
/** Offset of the sRGB decode table in the tables buffer (the encode table comes first). */
export const DECODE_OFFSET = SRGB_TABLE_SIZE + 2;

const GRID = `@compute @workgroup_size(${MERGE_WORKGROUP}, ${MERGE_WORKGROUP})`;

/** The low-resolution plane and the box radius (box-filter.ts) and eps (guided-lift.ts). */
const LOW = /* wgsl */ `
struct Low {
  w: u32,
  h: u32,
  r: u32,
  _p0: u32,
  eps: f32,
  _p1: f32,
  _p2: f32,
  _p3: f32,
}
@group(0) @binding(0) var<uniform> low: Low;
`;

/** Un-normalised window sums along rows (box-filter.ts rowSums), of src or of src * src2. */
function boxRows(product: boolean): string {
  return /* wgsl */ `
${LOW}
@group(0) @binding(1) var<storage, read> src: array<f32>;
${product ? '@group(0) @binding(3) var<storage, read> src2: array<f32>;' : ''}
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= low.w || id.y >= low.h) { return; }
  let row = id.y * low.w;
  let x0 = select(0u, id.x - low.r, id.x > low.r);
  let x1 = min(low.w - 1u, id.x + low.r);
  var s = 0.0;
  for (var x = x0; x <= x1; x++) {
    ${product ? 's += src[row + x] * src2[row + x];' : 's += src[row + x];'}
  }
  dst[row + id.x] = s;
}
`;
}

export const BOX_ROWS_WGSL = boxRows(false);
/** Row sums of the product of two planes: guided-lift.ts's I * I and I * p, each rounded to f32 as the CPU stores them. */
export const BOX_ROWS_PRODUCT_WGSL = boxRows(true);

/** Column sums of the row sums, divided by the clipped window's size: the box mean. */
export const BOX_COLS_WGSL = /* wgsl */ `
${LOW}
@group(0) @binding(1) var<storage, read> rows: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= low.w || id.y >= low.h) { return; }
  let y0 = select(0u, id.y - low.r, id.y > low.r);
  let y1 = min(low.h - 1u, id.y + low.r);
  var s = 0.0;
  for (var y = y0; y <= y1; y++) { s += rows[y * low.w + id.x]; }
  let cx = min(low.w - 1u, id.x + low.r) - select(0u, id.x - low.r, id.x > low.r) + 1u;
  dst[id.y * low.w + id.x] = s * (1.0 / f32(cx)) * (1.0 / f32(y1 - y0 + 1u));
}
`;

/** guided-lift.ts's per-pixel solve: a = cov(I, p) / (var(I) + eps), b = mean(p) - a * mean(I). */
export const COEFFS_WGSL = /* wgsl */ `
${LOW}
@group(0) @binding(1) var<storage, read> meanI: array<f32>;
@group(0) @binding(2) var<storage, read> corrI: array<f32>;
@group(0) @binding(3) var<storage, read> meanP: array<f32>;
@group(0) @binding(4) var<storage, read> corrIP: array<f32>;
@group(0) @binding(5) var<storage, read_write> a: array<f32>;
@group(0) @binding(6) var<storage, read_write> b: array<f32>;

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= low.w || id.y >= low.h) { return; }
  let i = id.y * low.w + id.x;
  let mi = meanI[i];
  let mp = meanP[i];
  let varI = max(0.0, corrI[i] - mi * mi);
  let ai = (corrIP[i] - mi * mp) / (varI + low.eps);
  a[i] = ai;
  b[i] = mp - ai * mi;
}
`;

/** guided-lift.ts applyCoefficients for one map over one band of full-resolution rows. */
export const LIFT_APPLY_WGSL = /* wgsl */ `
struct Apply {
  width: u32,
  rows: u32,
  // first full-resolution row of the band
  y0: u32,
  w: u32,
  h: u32,
  _p0: u32,
  // w / W and h / H
  fx: f32,
  fy: f32,
}
@group(0) @binding(0) var<uniform> u: Apply;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> guide: array<f32>;
@group(0) @binding(4) var<storage, read_write> outPlane: array<f32>;

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.width || id.y >= u.rows) { return; }
  // Pixel centres aligned, clamped; the last cell interpolates up to t = 1 (lift-weights.ts upsamplePlane).
  let sx = clamp((f32(id.x) + 0.5) * u.fx - 0.5, 0.0, f32(u.w - 1u));
  let sy = clamp((f32(u.y0 + id.y) + 0.5) * u.fy - 0.5, 0.0, f32(u.h - 1u));
  var x0 = 0u;
  var tx = 0.0;
  var step = 0u;
  if (u.w > 1u) { x0 = min(u.w - 2u, u32(floor(sx))); tx = sx - f32(x0); step = 1u; }
  var yr = 0u;
  var ty = 0.0;
  var down = 0u;
  if (u.h > 1u) { yr = min(u.h - 2u, u32(floor(sy))); ty = sy - f32(yr); down = u.w; }
  let i0 = yr * u.w + x0;
  let i1 = i0 + down;
  let a0 = a[i0] + tx * (a[i0 + step] - a[i0]);
  let a1 = a[i1] + tx * (a[i1 + step] - a[i1]);
  let b0 = b[i0] + tx * (b[i0 + step] - b[i0]);
  let b1 = b[i1] + tx * (b[i1 + step] - b[i1]);
  let p = id.y * u.width + id.x;
  outPlane[p] = (a0 + ty * (a1 - a0)) * guide[p] + b0 + ty * (b1 - b0);
}
`;

/** Width, rows of the band, frames, and for the accumulate pass the frame and its channel layout. */
const BLEND = /* wgsl */ `
struct Blend {
  width: u32,
  rows: u32,
  frames: u32,
  k: u32,
  channels: u32,
  g1: u32,
  g2: u32,
  _p0: u32,
}
@group(0) @binding(0) var<uniform> u: Blend;
`;

/** lift-weights.ts normaliseWeights in place on the band's K planes (planar): >= 0, summing to 1, equal where all are 0. */
export const NORMALISE_WGSL = /* wgsl */ `
${BLEND}
@group(0) @binding(1) var<storage, read_write> weights: array<f32>;

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.width || id.y >= u.rows) { return; }
  let n = u.width * u.rows;
  let p = id.y * u.width + id.x;
  var s = 0.0;
  for (var k = 0u; k < u.frames; k++) {
    let c = max(weights[k * n + p], 0.0);
    weights[k * n + p] = c;
    s += c;
  }
  if (s > 0.0) {
    let inv = 1.0 / s;
    for (var k = 0u; k < u.frames; k++) { weights[k * n + p] *= inv; }
  } else {
    for (var k = 0u; k < u.frames; k++) { weights[k * n + p] = 1.0 / f32(u.frames); }
  }
}
`;

/** srgb-tables.ts readTable on the table at base, the NaN test on the bits (WGSL may assume no NaN); reads a binding named `tables`. */
export const READ_TABLE = /* wgsl */ `
const SIZE = ${SRGB_TABLE_SIZE}u;
fn readTable(base: u32, v: f32) -> f32 {
  let bits = bitcast<u32>(v);
  // 0, negatives (sign bit set, -0 and -NaN included) and +NaN read the first entry, as !(v > 0) does.
  if (bits == 0u || bits > 0x7f800000u) { return tables[base]; }
  if (v >= 1.0) { return tables[base + SIZE]; }
  let x = v * f32(SIZE);
  let i = u32(x);
  let t0 = tables[base + i];
  return t0 + (x - f32(i)) * (tables[base + i + 1u] - t0);
}
`;

/** blend.ts weightedSum for frame u.k: out += w_k * encode(frame), grey frames read one sample for all three. */
export const ACCUMULATE_WGSL = /* wgsl */ `
${BLEND}
@group(0) @binding(1) var<storage, read> tables: array<f32>;
@group(0) @binding(2) var<storage, read> frame: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> outRgb: array<f32>;
${READ_TABLE}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.width || id.y >= u.rows) { return; }
  let p = id.y * u.width + id.x;
  let wv = weights[u.k * u.width * u.rows + p];
  if (wv == 0.0) { return; }
  let i = p * u.channels;
  let o = p * 3u;
  outRgb[o] += wv * readTable(0u, frame[i]);
  outRgb[o + 1u] += wv * readTable(0u, frame[i + u.g1]);
  outRgb[o + 2u] += wv * readTable(0u, frame[i + u.g2]);
}
`;

/** blend.ts's return to linear light through the decode table (which clamps to the display range). */
export const DECODE_WGSL = /* wgsl */ `
${BLEND}
@group(0) @binding(1) var<storage, read> tables: array<f32>;
@group(0) @binding(4) var<storage, read_write> outRgb: array<f32>;
${READ_TABLE}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.width || id.y >= u.rows) { return; }
  let o = (id.y * u.width + id.x) * 3u;
  for (var c = 0u; c < 3u; c++) { outRgb[o + c] = readTable(${DECODE_OFFSET}u, outRgb[o + c]); }
}
`;

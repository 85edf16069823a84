/**
 * WGSL of the Laplacian pyramid blend (fusion/blend.ts 'pyramid', the learned merge's default): the sRGB encode
 * of a frame, reduce and expand with the 5-tap 1-4-6-4-1 kernel and OpenCV's pyrDown / pyrUp borders
 * (merge/pyramid-rows.ts: reflect-101 for reduce; for expand the first coarse sample mirrored, the last repeated),
 * a weighted band added into the result's level, and the decode back to linear light. The arithmetic follows the
 * CPU code's order (rows first, then columns, the same sums and scales) so that the two agree to float rounding;
 * tests/e2e/gpu/merge-gpu.spec.ts compares them.
 */
import { DECODE_OFFSET, MERGE_WORKGROUP, READ_TABLE } from './merge-wgsl';
import { CONTRAST_SCALE } from '../../../src-shared/fusion/detail-weights';

const GRID = `@compute @workgroup_size(${MERGE_WORKGROUP}, ${MERGE_WORKGROUP})`;

/** Every kernel's uniform: a plane's size, its channels, and the coarser (or finer) plane's size. */
const PLANE = /* wgsl */ `
struct Plane {
  w: u32,
  h: u32,
  ch: u32,
  cw: u32,
  chh: u32,
  top: u32,
  g1: u32,
  g2: u32,
}
@group(0) @binding(0) var<uniform> u: Plane;
`;


/** pyramid-rows.ts reflect: reflect-101, for the reduce's taps. */
const REFLECT = /* wgsl */ `
fn reflect101(i: i32, n: i32) -> u32 {
  if (n == 1) { return 0u; }
  let period = 2 * n - 2;
  var j = i % period;
  if (j < 0) { j += period; }
  return u32(select(period - j, j, j < n));
}
`;

/** pyramid-rows.ts coarseIndex: mirrored at the start, the edge repeated at the end (pyrUp). */
const COARSE_INDEX = /* wgsl */ `
fn coarseIndex(i: i32, n: u32) -> u32 {
  if (i < 0) { return select(0u, 1u, n > 1u); }
  return min(u32(i), n - 1u);
}
`;

/** A frame's pixel p (u.ch samples a pixel, RGB at offsets 0, u.g1, u.g2: grey frames read one for all three) through the encode table. */
const ENCODED = /* wgsl */ `
fn encodedRgb(p: u32) -> vec3<f32> {
  let i = p * u.ch;
  return vec3<f32>(readTable(0u, frame[i]), readTable(0u, frame[i + u.g1]), readTable(0u, frame[i + u.g2]));
}
`;

/** A frame encoded through the table, as blendFrameRows does. */
export const ENCODE_WGSL = /* wgsl */ `
${PLANE}
@group(0) @binding(1) var<storage, read> tables: array<f32>;
@group(0) @binding(2) var<storage, read> frame: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;
${READ_TABLE}
${ENCODED}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.w || id.y >= u.h) { return; }
  let p = id.y * u.w + id.x;
  let e = encodedRgb(p);
  dst[p * 3u] = e.x;
  dst[p * 3u + 1u] = e.y;
  dst[p * 3u + 2u] = e.z;
}
`;

/** reduce(): one coarse pixel (u.cw x u.chh) of a u.w x u.h plane of u.ch channels, the rows' sums first as RowReducer does. */
export const REDUCE_WGSL = /* wgsl */ `
${PLANE}
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;
${REFLECT}

fn rowTap(y: u32, x: i32, c: u32) -> f32 {
  let w = i32(u.w);
  let base = y * u.w;
  let a = src[(base + reflect101(x - 2, w)) * u.ch + c];
  let b = src[(base + reflect101(x - 1, w)) * u.ch + c];
  let m = src[(base + u32(x)) * u.ch + c];
  let d = src[(base + reflect101(x + 1, w)) * u.ch + c];
  let e = src[(base + reflect101(x + 2, w)) * u.ch + c];
  return (a + e + 4.0 * (b + d) + 6.0 * m) * 0.0625;
}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.cw || id.y >= u.chh) { return; }
  let h = i32(u.h);
  let x = i32(2u * id.x);
  let y = i32(2u * id.y);
  let t0 = reflect101(y - 2, h);
  let t1 = reflect101(y - 1, h);
  let t2 = u32(y);
  let t3 = reflect101(y + 1, h);
  let t4 = reflect101(y + 2, h);
  for (var c = 0u; c < u.ch; c++) {
    let r0 = rowTap(t0, x, c);
    let r1 = rowTap(t1, x, c);
    let r2 = rowTap(t2, x, c);
    let r3 = rowTap(t3, x, c);
    let r4 = rowTap(t4, x, c);
    dst[(id.y * u.cw + id.x) * u.ch + c] = (r0 + r4 + 4.0 * (r1 + r3) + 6.0 * r2) * 0.0625;
  }
}
`;

/** expand(coarse) at (x, y), channel c, of a 3-channel coarse plane u.cw x u.chh: RowExpander's rows, then its columns. */
const EXPAND = /* wgsl */ `
${COARSE_INDEX}
fn expandRow(j: u32, x: u32, c: u32) -> f32 {
  let i = x >> 1u;
  let base = j * u.cw;
  let m = coarse[(base + i) * 3u + c];
  let b = coarse[(base + coarseIndex(i32(i) + 1, u.cw)) * 3u + c];
  if ((x & 1u) == 1u) { return (m + b) * 0.5; }
  let a = coarse[(base + coarseIndex(i32(i) - 1, u.cw)) * 3u + c];
  return (a + b + 6.0 * m) * 0.125;
}

fn expandAt(x: u32, y: u32, c: u32) -> f32 {
  let j = i32(y >> 1u);
  if ((y & 1u) == 0u) {
    let a = expandRow(coarseIndex(j - 1, u.chh), x, c);
    let m = expandRow(coarseIndex(j, u.chh), x, c);
    let b = expandRow(coarseIndex(j + 1, u.chh), x, c);
    return (a + b + 6.0 * m) * 0.125;
  }
  let a = expandRow(coarseIndex(j, u.chh), x, c);
  let b = expandRow(coarseIndex(j + 1, u.chh), x, c);
  return (a + b) * 0.5;
}
`;

/** mertens-bands.ts accumulateBand: res += weight * (g - expand(coarse)), or weight * g at the top level (u.top = 1). */
export const BAND_WGSL = /* wgsl */ `
${PLANE}
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> coarse: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read_write> res: array<f32>;
${EXPAND}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.w || id.y >= u.h) { return; }
  let p = id.y * u.w + id.x;
  let wv = weight[p];
  for (var c = 0u; c < 3u; c++) {
    var v = g[p * 3u + c];
    if (u.top == 0u) { v -= expandAt(id.x, id.y, c); }
    res[p * 3u + c] += wv * v;
  }
}
`;

/** pyramid.ts collapse's step: fine += expand(coarse). */
export const EXPAND_ADD_WGSL = /* wgsl */ `
${PLANE}
@group(0) @binding(2) var<storage, read> coarse: array<f32>;
@group(0) @binding(4) var<storage, read_write> res: array<f32>;
${EXPAND}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.w || id.y >= u.h) { return; }
  let p = id.y * u.w + id.x;
  for (var c = 0u; c < 3u; c++) { res[p * 3u + c] += expandAt(id.x, id.y, c); }
}
`;

/** Back to linear light through the decode table, which clamps to the display range. */
export const TO_LINEAR_WGSL = /* wgsl */ `
${PLANE}
@group(0) @binding(1) var<storage, read> tables: array<f32>;
@group(0) @binding(4) var<storage, read_write> res: array<f32>;
${READ_TABLE}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.w || id.y >= u.h) { return; }
  let o = (id.y * u.w + id.x) * 3u;
  for (var c = 0u; c < 3u; c++) { res[o + c] = readTable(${DECODE_OFFSET}u, res[o + c]); }
}
`;

/**
 * fusion-input.ts encodedLuma of frame u.top (its samples u.ch a pixel, at offsets 0, u.g1, u.g2) into its plane
 * of `luma` (K planes), and the lift's guide (learned-fuse.ts: the mean over the u.cw frames) accumulated.
 */
export const LUMA_WGSL = /* wgsl */ `
${PLANE}
@group(0) @binding(1) var<storage, read> tables: array<f32>;
@group(0) @binding(2) var<storage, read> frame: array<f32>;
@group(0) @binding(3) var<storage, read_write> luma: array<f32>;
@group(0) @binding(4) var<storage, read_write> guide: array<f32>;
${READ_TABLE}
${ENCODED}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.w || id.y >= u.h) { return; }
  let p = id.y * u.w + id.x;
  let e = encodedRgb(p);
  // A grey frame's luma is its one sample, not 0.9999 of it.
  let v = select(0.2989 * e.x + 0.587 * e.y + 0.114 * e.z, e.x, u.ch == 1u);
  luma[u.top * u.w * u.h + p] = v;
  guide[p] += v / f32(u.cw);
}
`;

/**
 * detail-weights.ts: each frame's contrast (planeContrast: |4-neighbour Laplacian| of its luma, reflect-101, quantised
 * to 1 / CONTRAST_SCALE and saturated at 65535), then addDetail on the K normalised weight planes in place:
 * W_k <- W_k (C_k + floor) / sum_j W_j (C_j + floor). u.ch = K; u.g1 = the floor in quantised units (as f32 bits).
 */
export const DETAIL_WGSL = /* wgsl */ `
${PLANE}
@group(0) @binding(1) var<storage, read> luma: array<f32>;
@group(0) @binding(4) var<storage, read_write> weights: array<f32>;

fn mirror(i: i32, n: i32) -> i32 {
  if (n == 1) { return 0; }
  if (i < 0) { return 1; }
  if (i >= n) { return n - 2; }
  return i;
}

fn contrast(k: u32, x: i32, y: i32) -> f32 {
  let w = i32(u.w);
  let h = i32(u.h);
  let base = k * u.w * u.h;
  let mid = u32(y * w);
  let up = u32(mirror(y - 1, h) * w);
  let down = u32(mirror(y + 1, h) * w);
  let xl = u32(mirror(x - 1, w));
  let xr = u32(mirror(x + 1, w));
  let g = luma[base + mid + u32(x)];
  let lap = luma[base + up + u32(x)] + luma[base + down + u32(x)] + luma[base + mid + xl] + luma[base + mid + xr] - 4.0 * g;
  return min(65535.0, floor(abs(lap) * ${CONTRAST_SCALE}.0 + 0.5));
}

${GRID}
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= u.w || id.y >= u.h) { return; }
  let n = u.w * u.h;
  let p = id.y * u.w + id.x;
  let floorQ = bitcast<f32>(u.g1);
  var sum = 0.0;
  for (var k = 0u; k < u.ch; k++) { sum += weights[k * n + p] * (contrast(k, i32(id.x), i32(id.y)) + floorQ); }
  let inv = 1.0 / sum;
  for (var k = 0u; k < u.ch; k++) { weights[k * n + p] *= (contrast(k, i32(id.x), i32(id.y)) + floorQ) * inv; }
}
`;

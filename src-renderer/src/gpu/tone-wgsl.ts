/**
 * WGSL of the tone pass (applyTone's per-pixel loop) and the output histogram. Table layouts and
 * constants come from src-shared, so the shader reads the very tables applyTone reads; the
 * formulas mirror tone-map.ts line by line (keep them in step: tests/e2e/gpu/tone-gpu.spec.ts
 * compares the two on every operator).
 */
import { SRGB_TABLE_SIZE } from '../../../src-shared/image/srgb-tables';
import { BIN_BASE, BIN_SHIFT, BINS, BINS_PER_STOP, LOW_EXP, TABLE_LENGTH } from '../../../src-shared/tonemap/tone-tables';

/** Workgroup of the tone pass: 16 x 16 pixels. */
export const TONE_WORKGROUP = 16;
/** Threads per histogram workgroup; each loops over pixels with a grid stride. */
export const HISTOGRAM_WORKGROUP = 256;

/** Floats in the Settings uniform (see the struct below); 4-byte fields, 16-byte aligned. */
export const SETTINGS_FLOATS = 32;
/** u32s in the Band uniform. */
export const BAND_WORDS = 8;
/** Offset of the sRGB encode table in the tables buffer (after the curve table). */
export const ENCODE_OFFSET = TABLE_LENGTH;

const f = (x: number): string => (Number.isInteger(x) ? `${x}.0` : String(x));

const COMMON = /* wgsl */ `
struct Band {
  width: u32,
  rows: u32,
  // u32 words per output row (rows are padded to 256 bytes for copyBufferToTexture)
  stride: u32,
  channels: u32,
  g1: u32,
  g2: u32,
  _p0: u32,
  _p1: u32,
}
`;

export const TONE_WGSL = /* wgsl */ `
${COMMON}
struct Settings {
  mode: u32,        // 0 gain-table, 1 log-table, 2 reinhard-local
  useTable: u32,    // reinhard-local: the display curve's table applies
  hasLayers: u32,
  adjust: u32,
  convert: u32,
  _p0: u32,
  _p1: u32,
  _p2: u32,
  a: f32,
  b: f32,
  detailGain: f32,
  ev: f32,
  exposureGain: f32,
  scale: f32,
  invWhite2: f32,
  _p3: f32,
  saturation: f32,
  vibrance: f32,
  knee: f32,
  _p4: f32,
  m0: vec4<f32>,
  m1: vec4<f32>,
  m2: vec4<f32>,
}

@group(0) @binding(0) var<uniform> s: Settings;
@group(0) @binding(1) var<uniform> band: Band;
// The curve table (TABLE_LENGTH floats) then the sRGB encode table.
@group(0) @binding(2) var<storage, read> tables: array<f32>;
@group(0) @binding(3) var<storage, read> rgb: array<f32>;
@group(0) @binding(4) var<storage, read> lum: array<f32>;
@group(0) @binding(5) var<storage, read> base: array<f32>;
@group(0) @binding(6) var<storage, read> detail: array<f32>;
@group(0) @binding(7) var<storage, read> adapt: array<f32>;
@group(0) @binding(8) var<storage, read_write> outPx: array<u32>;

const BIN_SHIFT = ${BIN_SHIFT}u;
const BIN_BASE = ${BIN_BASE};
const BINS = ${BINS};
const LOW_EXP = ${f(LOW_EXP)};
const BINS_PER_STOP = ${f(BINS_PER_STOP)};
const ENC = ${ENCODE_OFFSET}u;
const ENC_SIZE = ${SRGB_TABLE_SIZE}u;
const POS_INF = 0x7f800000u;
const BLACK = 0xff000000u;
const WHITE = 0xffffffffu;

// tone-tables.ts readGain, on the float's bits.
fn readGain(bits: u32) -> f32 {
  if (bits == 0u || bits >= POS_INF) {
    if (bits == POS_INF) { return tables[BINS]; }
    return 0.0;
  }
  let x = i32(bits >> BIN_SHIFT) - BIN_BASE;
  if (x < 0) { return tables[0]; }
  if (x >= BINS) { return tables[BINS]; }
  let frac = f32(bits & ((1u << BIN_SHIFT) - 1u)) * (1.0 / f32(1u << BIN_SHIFT));
  let t0 = tables[x];
  return t0 + frac * (tables[x + 1] - t0);
}

// tone-tables.ts readLog.
fn readLog(x: f32) -> f32 {
  let u = (x - LOW_EXP) * BINS_PER_STOP;
  if (!(u > 0.0)) { return tables[0]; }
  if (u >= f32(BINS)) { return tables[BINS]; }
  let i = u32(u);
  let t0 = tables[i];
  return t0 + (u - f32(i)) * (tables[i + 1u] - t0);
}

// srgb-tables.ts readTable on the encode table.
fn encode(v: f32) -> f32 {
  if (!(v > 0.0)) { return tables[ENC]; }
  if (v >= 1.0) { return tables[ENC + ENC_SIZE]; }
  let x = v * f32(ENC_SIZE);
  let i = u32(x);
  let t0 = tables[ENC + i];
  return t0 + (x - f32(i)) * (tables[ENC + i + 1u] - t0);
}

// Uint8ClampedArray's conversion: clamp, round half to even (WGSL round() is half to even too).
fn toByte(v: f32) -> u32 {
  return u32(round(clamp(encode(v) * 255.0, 0.0, 255.0)));
}

// tone-map.ts gainPass, per pixel, for positive finite y.
fn gainAt(p: u32, y: f32, bits: u32) -> f32 {
  if (s.mode == 0u) { return readGain(bits); }
  if (s.mode == 1u) { return readLog(s.a * base[p] + s.b + s.detailGain * detail[p]) / y; }
  var l: f32;
  if (s.hasLayers != 0u) {
    l = exp2(base[p] + s.detailGain * detail[p] + s.ev);
  } else {
    l = y * s.scale;
  }
  var d = (l * (1.0 + l * s.invWhite2)) / (1.0 + adapt[p] * s.exposureGain);
  if (!(d < 1.0)) { d = 1.0; }
  if (s.useTable != 0u) { d = d * readGain(bitcast<u32>(d)); }
  return d / y;
}

// tone-map.ts skinGuard.
fn skinGuard(c: vec3<f32>) -> f32 {
  if (!(c.r >= c.g && c.g >= c.b && c.r > c.b)) { return 1.0; }
  let h = (c.g - c.b) / (c.r - c.b);
  let skin = 1.0 - abs(h - 0.45) / 0.25;
  if (skin > 0.0) { return 1.0 - 0.6 * skin; }
  return 1.0;
}

// output-space.ts chromaScale; tanh saturates to 1 long before 10 (and tanh of large x is NaN on some drivers).
fn chromaScale(q: f32, knee: f32) -> f32 {
  if (!(q > knee)) { return 1.0; }
  if (knee >= 1.0) { return 1.0 / q; }
  let room = 1.0 - knee;
  return (knee + room * tanh(min((q - knee) / room, 10.0))) / q;
}

@compute @workgroup_size(${TONE_WORKGROUP}, ${TONE_WORKGROUP})
fn tone(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= band.width || id.y >= band.rows) { return; }
  let p = id.y * band.width + id.x;
  let o = id.y * band.stride + id.x;
  let y0 = lum[p];
  let bits = bitcast<u32>(y0);
  // Classified by bits, not float compares (WGSL may assume no NaN/Inf): +Inf white; 0, NaN and negatives black.
  if (bits == POS_INF) { outPx[o] = WHITE; return; }
  if (bits == 0u || bits > POS_INF) { outPx[o] = BLACK; return; }
  let k = gainAt(p, y0, bits);
  let y = y0 * k;
  if (!(y > 0.0)) { outPx[o] = BLACK; return; }
  if (y >= 1.0) { outPx[o] = WHITE; return; }
  let i = p * band.channels;
  var c = vec3<f32>(rgb[i], rgb[i + band.g1], rgb[i + band.g2]) * k;
  if (s.adjust != 0u) {
    var fac = s.saturation;
    if (s.vibrance != 0.0) {
      let mx = max(c.r, max(c.g, c.b));
      let mn = max(min(c.r, min(c.g, c.b)), 0.0);
      var muted = 1.0;
      if (mx > 0.0) { muted = 1.0 - (mx - mn) / mx; }
      fac = fac * (1.0 + s.vibrance * muted * muted * skinGuard(c));
    }
    c = y + fac * (c - y);
  }
  if (s.convert != 0u) {
    c = vec3<f32>(
      s.m0.x * c.r + s.m0.y * c.g + s.m0.z * c.b,
      s.m1.x * c.r + s.m1.y * c.g + s.m1.z * c.b,
      s.m2.x * c.r + s.m2.y * c.g + s.m2.z * c.b,
    );
  }
  let mx = max(c.r, max(c.g, c.b));
  let mn = min(c.r, min(c.g, c.b));
  if (mx - y > s.knee * (1.0 - y) || y - mn > s.knee * y) {
    let up = (mx - y) / (1.0 - y);
    let down = (y - mn) / y;
    let t = chromaScale(max(up, down), s.knee);
    c = y + t * (c - y);
  }
  outPx[o] = toByte(c.r) | (toByte(c.g) << 8u) | (toByte(c.b) << 16u) | BLACK;
}
`;

/** histogram.ts at 256 bins over the packed RGBA8 output: r at 0, g at 256, b at 512, luminance at 768. */
export const HISTOGRAM_WGSL = /* wgsl */ `
${COMMON}
@group(0) @binding(0) var<uniform> band: Band;
@group(0) @binding(1) var<storage, read> px: array<u32>;
@group(0) @binding(2) var<storage, read_write> hist: array<atomic<u32>>;

var<workgroup> counts: array<atomic<u32>, 1024>;

@compute @workgroup_size(${HISTOGRAM_WORKGROUP})
fn histogram(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  for (var i = li; i < 1024u; i += ${HISTOGRAM_WORKGROUP}u) { atomicStore(&counts[i], 0u); }
  workgroupBarrier();
  let n = band.width * band.rows;
  let span = groups.x * ${HISTOGRAM_WORKGROUP}u;
  for (var q = wg.x * ${HISTOGRAM_WORKGROUP}u + li; q < n; q += span) {
    let row = q / band.width;
    let v = px[row * band.stride + (q - row * band.width)];
    let r = v & 255u;
    let g = (v >> 8u) & 255u;
    let b = (v >> 16u) & 255u;
    atomicAdd(&counts[r], 1u);
    atomicAdd(&counts[256u + g], 1u);
    atomicAdd(&counts[512u + b], 1u);
    // 54 + 183 + 19 = 256: BT.709 in 8-bit fixed point, + 128 rounds (as histogram.ts).
    atomicAdd(&counts[768u + ((54u * r + 183u * g + 19u * b + 128u) >> 8u)], 1u);
  }
  workgroupBarrier();
  for (var i = li; i < 1024u; i += ${HISTOGRAM_WORKGROUP}u) {
    let c = atomicLoad(&counts[i]);
    if (c != 0u) { atomicAdd(&hist[i], c); }
  }
}
`;

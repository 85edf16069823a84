/**
 * The preview's filtering and per-pixel merge stages on WebGPU, each matching its CPU reference:
 * gpuGuidedLift is filters/guided-lift.ts guidedLift, gpuBlendWeighted is normaliseWeights then
 * blendFrames(…, 'weighted-sum') (cpuBlendWeighted). Tolerances are stated and held by
 * tests/e2e/gpu/merge-gpu.spec.ts.
 *
 * Bands: the lift solves its coefficients on the whole low-resolution plane (small by design; a
 * plane over the buffer limit is GpuUnavailableError) and bands only the full-resolution apply,
 * which reads nothing but its own rows of the guide, so bands need no halo. The blend is per pixel
 * and bands freely. A band's buffers stay under maxStorageBufferBindingSize (or maxBandBytes).
 *
 * PreviewMerge runs either stage on the GPU and falls back to the CPU reference, saying why, when
 * WebGPU is unavailable or the device is lost (then it stays on the CPU, as PreviewTone does).
 */
import { checkLiftArgs, guidedLift } from '../../../src-shared/filters/guided-lift';
import { blendFrames, checkBlendInputs, usableCoarse, type CoarseWeights } from '../../../src-shared/fusion/blend';
import { maxPyramidLevels, reducedSize } from '../../../src-shared/merge/pyramid';
import { defaultLiftRadius, lowLiftRadius, lowPlanes, normaliseWeights, type WeightMaps } from '../../../src-shared/fusion/lift-weights';
import { DEFAULT_FUSION_OPTIONS } from '../../../src-shared/fusion/meta';
import type { LinearImage } from '../../../src-shared/image/linear-image';
import { srgbDecodeTable, srgbEncodeTable } from '../../../src-shared/image/srgb-tables';
import { getGpuRuntime, gpuFailureReason, GpuDeviceLostError, GpuUnavailableError, type GpuLoss, type GpuRequest, type GpuRuntime } from './gpu-device';
import {
  ACCUMULATE_WGSL,
  BOX_COLS_WGSL,
  BOX_ROWS_PRODUCT_WGSL,
  BOX_ROWS_WGSL,
  COEFFS_WGSL,
  DECODE_OFFSET,
  DECODE_WGSL,
  LIFT_APPLY_WGSL,
  MERGE_WORKGROUP,
  NORMALISE_WGSL,
  UNIFORM_WORDS,
} from './merge-wgsl';
import { BAND_WGSL, DETAIL_WGSL, ENCODE_WGSL, EXPAND_ADD_WGSL, LUMA_WGSL, REDUCE_WGSL, TO_LINEAR_WGSL } from './pyramid-wgsl';
import { CONTRAST_SCALE, DETAIL_FLOOR } from '../../../src-shared/fusion/detail-weights';
import { BufferUsage, MapMode, type GPUBuffer, type GPUCommandEncoder, type GPUComputePipeline, type GPUDevice } from './webgpu-types';

export interface GpuMergeOptions {
  /** Cap on any one buffer of a band, below the device's limits (tests use it to force bands). */
  maxBandBytes?: number;
}

const KERNELS = {
  encode: ENCODE_WGSL,
  reduce: REDUCE_WGSL,
  band: BAND_WGSL,
  expandAdd: EXPAND_ADD_WGSL,
  toLinear: TO_LINEAR_WGSL,
  luma: LUMA_WGSL,
  detail: DETAIL_WGSL,
  boxRows: BOX_ROWS_WGSL,
  boxRowsProduct: BOX_ROWS_PRODUCT_WGSL,
  boxCols: BOX_COLS_WGSL,
  coeffs: COEFFS_WGSL,
  liftApply: LIFT_APPLY_WGSL,
  normalise: NORMALISE_WGSL,
  accumulate: ACCUMULATE_WGSL,
  decode: DECODE_WGSL,
};
type Pipelines = Record<keyof typeof KERNELS, GPUComputePipeline>;

/** Compiled once per device: the preview calls these on every merge. */
const compiled = new WeakMap<GPUDevice, Promise<Pipelines>>();

function pipelines(device: GPUDevice): Promise<Pipelines> {
  let entry = compiled.get(device);
  if (!entry) {
    const names = Object.keys(KERNELS) as (keyof typeof KERNELS)[];
    entry = Promise.all(
      names.map((name) =>
        device.createComputePipelineAsync({ label: name, layout: 'auto', compute: { module: device.createShaderModule({ label: name, code: KERNELS[name] }), entryPoint: 'main' } }),
      ),
    ).then((list) => Object.fromEntries(names.map((n, i) => [n, list[i]])) as Pipelines);
    compiled.set(device, entry);
    entry.catch(() => compiled.delete(device));
  }
  return entry;
}

/**
 * One call's resources and its view of the device's loss: every failure once the device is lost
 * becomes GpuDeviceLostError, and every buffer is destroyed at the end whatever happened.
 */
class GpuJob {
  private lostWith: GpuLoss | null = null;
  private readonly lost: Promise<GpuLoss>;
  private readonly owned: GPUBuffer[] = [];
  /** A validation scope is pushed and not yet popped (readBack pops it; destroy does after a throw). */
  private scoped = false;

  constructor(readonly device: GPUDevice) {
    this.lost = device.lost.then((l) => (this.lostWith = { reason: l.reason, message: l.message }));
  }

  /** Opens the validation scope readBack closes; push, encode and pop run with no await between, so concurrent jobs cannot interleave scopes. */
  begin(): void {
    this.device.pushErrorScope('validation');
    this.scoped = true;
  }

  buffer(label: string, bytes: number, usage: number, data?: Float32Array | Uint32Array, offset = 0, length?: number): GPUBuffer {
    // WebGPU sizes are multiples of 4 and at least 4; storage bindings want 16 on some drivers.
    const buf = this.device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage });
    this.owned.push(buf);
    if (data) this.device.queue.writeBuffer(buf, 0, data, offset, length ?? data.length - offset);
    return buf;
  }

  uniform(label: string, words: ArrayLike<number>, floats: ArrayLike<number> = []): GPUBuffer {
    const u = new Uint32Array(UNIFORM_WORDS);
    u.set(words);
    new Float32Array(u.buffer).set(floats, words.length);
    return this.buffer(label, UNIFORM_WORDS * 4, BufferUsage.UNIFORM | BufferUsage.COPY_DST, u);
  }

  dispatch(encoder: GPUCommandEncoder, pipeline: GPUComputePipeline, buffers: Record<number, GPUBuffer>, width: number, rows: number): void {
    const group = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: Object.entries(buffers).map(([binding, buffer]) => ({ binding: Number(binding), resource: { buffer } })),
    });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(Math.ceil(width / MERGE_WORKGROUP), Math.ceil(rows / MERGE_WORKGROUP));
    pass.end();
  }

  check(): void {
    if (this.lostWith) throw new GpuDeviceLostError(this.lostWith);
  }

  /** Awaits p, turning a failure caused by the device's loss into GpuDeviceLostError. */
  async settle<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (error) {
      // The loss may be reported just after the failure: give it a moment.
      const loss = this.lostWith ?? (await Promise.race([this.lost, new Promise<null>((r) => setTimeout(() => r(null), 200))]));
      throw loss ? new GpuDeviceLostError(loss) : error;
    }
  }

  /** Copies each source into a mappable buffer, submits, and returns their contents. */
  async readBack(encoder: GPUCommandEncoder, sources: { buffer: GPUBuffer; bytes: number }[], what: string): Promise<Float32Array[]> {
    const staging = sources.map(({ buffer, bytes }) => {
      const s = this.buffer('readback', bytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST);
      encoder.copyBufferToBuffer(buffer, 0, s, 0, bytes);
      return s;
    });
    this.device.queue.submit([encoder.finish()]);
    this.scoped = false;
    const error = await this.settle(this.device.popErrorScope());
    this.check();
    if (error) throw new Error(`${what} failed: ${error.message}`);
    await this.settle(Promise.all(staging.map((s) => s.mapAsync(MapMode.READ))));
    return staging.map((s, i) => new Float32Array(s.getMappedRange(0, sources[i].bytes).slice(0)));
  }

  destroy(): void {
    if (this.scoped) void this.device.popErrorScope().catch(() => null);
    this.scoped = false;
    for (const buf of this.owned) buf.destroy();
  }
}

/** The smallest buffer limit that applies, maxBandBytes included. */
function bufferLimit(device: GPUDevice, opts: GpuMergeOptions): number {
  return Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, opts.maxBandBytes ?? Infinity);
}

/** Row ranges of at most limit / rowBytes rows each. */
function bands(device: GPUDevice, width: number, height: number, rowBytes: number, limit: number): { y0: number; rows: number }[] {
  const per = Math.min(height, Math.floor(limit / rowBytes), device.limits.maxComputeWorkgroupsPerDimension * MERGE_WORKGROUP);
  if (per < 1) throw new GpuUnavailableError(`a row of ${width} pixels needs ${rowBytes} bytes, over the ${limit}-byte buffer limit`);
  const out: { y0: number; rows: number }[] = [];
  for (let y0 = 0; y0 < height; y0 += per) out.push({ y0, rows: Math.min(per, height - y0) });
  return out;
}

/** The lift's low-resolution half on `encoder`: per map, the guided filter's coefficients a, b and their box means A, B. */
function recordLiftCoefficients(
  job: GpuJob,
  k: Pipelines,
  encoder: GPUCommandEncoder,
  guideLow: Float32Array,
  mapsLow: readonly Float32Array[],
  w: number,
  h: number,
  radius: number,
  eps: number,
): { A: GPUBuffer; B: GPUBuffer }[] {
  const n = w * h;
  const S = BufferUsage.STORAGE;
  const plane = (label: string, data?: Float32Array): GPUBuffer => job.buffer(label, n * 4, data ? S | BufferUsage.COPY_DST : S, data);
  const low = job.uniform('low', [w, h, radius, 0], [eps]);
  const tmp = plane('row sums');
  const box = (src: GPUBuffer, dst: GPUBuffer, times?: GPUBuffer): void => {
    if (times) job.dispatch(encoder, k.boxRowsProduct, { 0: low, 1: src, 2: tmp, 3: times }, w, h);
    else job.dispatch(encoder, k.boxRows, { 0: low, 1: src, 2: tmp }, w, h);
    job.dispatch(encoder, k.boxCols, { 0: low, 1: tmp, 2: dst }, w, h);
  };
  const guide = plane('guide low', guideLow);
  const meanI = plane('mean I');
  const corrI = plane('mean I*I');
  box(guide, meanI);
  box(guide, corrI, guide);
  const meanP = plane('mean p');
  const corrIP = plane('mean I*p');
  const a = plane('a');
  const b = plane('b');
  return mapsLow.map((map, i) => {
    const p = plane(`map ${i}`, map);
    box(p, meanP);
    box(guide, corrIP, p);
    job.dispatch(encoder, k.coeffs, { 0: low, 1: meanI, 2: corrI, 3: meanP, 4: corrIP, 5: a, 6: b }, w, h);
    const A = plane(`A ${i}`);
    const B = plane(`B ${i}`);
    box(a, A);
    box(b, B);
    return { A, B };
  });
}

/** The lift's full-resolution half on `encoder` for rows [y0, y0 + rows) of W x H, `guide` holding those rows: one plane per map. */
function recordLiftApply(
  job: GpuJob,
  k: Pipelines,
  encoder: GPUCommandEncoder,
  coeffs: readonly { A: GPUBuffer; B: GPUBuffer }[],
  w: number,
  h: number,
  guide: GPUBuffer,
  W: number,
  H: number,
  y0: number,
  rows: number,
): GPUBuffer[] {
  const u = job.uniform(`apply ${y0}`, [W, rows, y0, w, h, 0], [w / W, h / H]);
  return coeffs.map(({ A, B }) => {
    const out = job.buffer(`lifted ${y0}`, rows * W * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC);
    job.dispatch(encoder, k.liftApply, { 0: u, 1: A, 2: B, 3: guide, 4: out }, W, rows);
    return out;
  });
}

export interface GpuPlanes {
  planes: Float32Array[];
  /** Horizontal bands of the full-resolution pass (1 unless it exceeds the buffer limits). */
  bands: number;
}

/** guidedLift on the GPU: same arguments, same result within float32 rounding. Rejects with GpuDeviceLostError once the device is lost. */
export async function gpuGuidedLift(
  device: GPUDevice,
  guideLow: Float32Array,
  mapsLow: readonly Float32Array[],
  w: number,
  h: number,
  guideFull: Float32Array,
  W: number,
  H: number,
  radius: number,
  eps: number,
  opts: GpuMergeOptions = {},
): Promise<GpuPlanes> {
  checkLiftArgs(guideLow, mapsLow, w, h, guideFull, W, H, radius, eps);
  const job = new GpuJob(device);
  try {
    const k = await job.settle(pipelines(device));
    job.check();
    const limit = bufferLimit(device, opts);
    if (w * h * 4 > limit) throw new GpuUnavailableError(`a low-resolution plane of ${w}x${h} exceeds the ${limit}-byte buffer limit`);
    const plan = bands(device, W, H, W * 4, limit);
    job.begin();
    const encoder = device.createCommandEncoder({ label: 'guided lift' });
    const coeffs = recordLiftCoefficients(job, k, encoder, guideLow, mapsLow, w, h, radius, eps);
    const outs: { buffer: GPUBuffer; bytes: number }[] = [];
    for (const { y0, rows } of plan) {
      const g = job.buffer(`guide ${y0}`, rows * W * 4, BufferUsage.STORAGE | BufferUsage.COPY_DST, guideFull, y0 * W, rows * W);
      for (const buffer of recordLiftApply(job, k, encoder, coeffs, w, h, g, W, H, y0, rows)) outs.push({ buffer, bytes: rows * W * 4 });
    }
    const read = await job.readBack(encoder, outs, 'guided lift');
    const planes = mapsLow.map(() => new Float32Array(W * H));
    plan.forEach(({ y0 }, bi) => planes.forEach((pl, m) => pl.set(read[bi * mapsLow.length + m], y0 * W)));
    return { planes, bands: plan.length };
  } finally {
    job.destroy();
  }
}

export interface GpuBlend {
  image: LinearImage;
  bands: number;
}

function checkBlendInput(frames: readonly LinearImage[], weights: readonly Float32Array[]): void {
  if (frames.length === 0) throw new RangeError('no frames to blend');
  const { width: w, height: h } = frames[0];
  for (const f of frames) if (f.width !== w || f.height !== h) throw new RangeError(`frames of ${f.width}x${f.height} and ${w}x${h}`);
  if (weights.length !== frames.length) throw new RangeError(`${weights.length} weight maps for ${frames.length} frames`);
  for (const wk of weights) if (wk.length !== w * h) throw new RangeError(`weight map has ${wk.length} samples for ${w}x${h}`);
}

/** The CPU reference of gpuBlendWeighted: weights normalised (on copies), then the weighted sum in sRGB-encoded space. */
export function cpuBlendWeighted(frames: readonly LinearImage[], weights: readonly Float32Array[]): LinearImage {
  checkBlendInput(frames, weights);
  const planes = weights.map((p) => p.slice());
  normaliseWeights(planes);
  return blendFrames(frames, planes, 'weighted-sum');
}

/** cpuBlendWeighted on the GPU; the caller's weights are not modified. Rejects with GpuDeviceLostError once the device is lost. */
export async function gpuBlendWeighted(device: GPUDevice, frames: readonly LinearImage[], weights: readonly Float32Array[], opts: GpuMergeOptions = {}): Promise<GpuBlend> {
  checkBlendInput(frames, weights);
  const { width: W, height: H } = frames[0];
  const K = frames.length;
  const job = new GpuJob(device);
  try {
    const k = await job.settle(pipelines(device));
    job.check();
    const maxCh = Math.max(3, ...frames.map((f) => f.channels));
    const plan = bands(device, W, H, Math.max(K, maxCh) * W * 4, bufferLimit(device, opts));
    job.begin();
    const S = BufferUsage.STORAGE;
    const enc = srgbEncodeTable();
    const tables = job.buffer('srgb tables', (DECODE_OFFSET + enc.length) * 4, S | BufferUsage.COPY_DST);
    device.queue.writeBuffer(tables, 0, enc);
    device.queue.writeBuffer(tables, DECODE_OFFSET * 4, srgbDecodeTable());
    const encoder = device.createCommandEncoder({ label: 'blend' });
    const outs: { buffer: GPUBuffer; bytes: number }[] = [];
    for (const { y0, rows } of plan) {
      const px = rows * W;
      const wb = job.buffer(`weights ${y0}`, K * px * 4, S | BufferUsage.COPY_DST);
      weights.forEach((p, i) => device.queue.writeBuffer(wb, i * px * 4, p, y0 * W, px));
      const out = job.buffer(`blend ${y0}`, px * 3 * 4, S | BufferUsage.COPY_SRC | BufferUsage.COPY_DST);
      encoder.clearBuffer(out);
      const bandU = job.uniform(`band ${y0}`, [W, rows, K]);
      job.dispatch(encoder, k.normalise, { 0: bandU, 1: wb }, W, rows);
      frames.forEach((f, i) => {
        const ch = f.channels;
        const fb = job.buffer(`frame ${i} ${y0}`, px * ch * 4, S | BufferUsage.COPY_DST, f.data, y0 * W * ch, px * ch);
        const fu = job.uniform(`frame ${i} ${y0}`, [W, rows, K, i, ch, ch === 1 ? 0 : 1, ch === 1 ? 0 : 2]);
        job.dispatch(encoder, k.accumulate, { 0: fu, 1: tables, 2: fb, 3: wb, 4: out }, W, rows);
      });
      job.dispatch(encoder, k.decode, { 0: bandU, 1: tables, 4: out }, W, rows);
      outs.push({ buffer: out, bytes: px * 3 * 4 });
    }
    const read = await job.readBack(encoder, outs, 'blend');
    const data = new Float32Array(W * H * 3);
    plan.forEach(({ y0 }, i) => data.set(read[i], y0 * W * 3));
    return { image: { width: W, height: H, channels: 3, data, ev: null, meta: { sourceTransfer: 'srgb', clipLevel: 1 } }, bands: plan.length };
  } finally {
    job.destroy();
  }
}

/**
 * blendFrames(frames, weights, 'pyramid', coarse) on the GPU: the Laplacian pyramid blend of the learned merge's
 * default (with coarse, its detail levels' weights from coarse.level up). Weights are used as given (>= 0,
 * summing to 1 per pixel, as blendFrames takes them). Every level of one frame's pyramids is on the GPU at
 * once, frame after frame, each frame in its own submission; no bands: a plane over the buffer limit is
 * GpuUnavailableError. Rejects with GpuDeviceLostError once the device is lost.
 */
export async function gpuBlendPyramid(device: GPUDevice, frames: readonly LinearImage[], weights: readonly Float32Array[], coarse?: CoarseWeights, opts: GpuMergeOptions = {}): Promise<GpuBlend> {
  checkBlendInput(frames, weights);
  checkBlendInputs(frames, weights, 'pyramid', coarse);
  const { width: W, height: H } = frames[0];
  const from = usableCoarse(coarse, W, H);
  const job = new GpuJob(device);
  try {
    const k = await job.settle(pipelines(device));
    job.check();
    const limit = bufferLimit(device, opts);
    const maxCh = Math.max(3, ...frames.map((f) => f.channels));
    if (W * H * maxCh * 4 > limit) throw new GpuUnavailableError(`a ${W}x${H} frame exceeds the ${limit}-byte buffer limit (the pyramid blend has no bands)`);
    job.begin();
    const tables = tablesBuffer(job, device);
    const encoder = recordPyramidBlend(job, k, device.createCommandEncoder({ label: 'pyramid blend' }), W, H, frames.length, tables, from?.level ?? 0, (i, encoder, wt, level) => {
      // Uploads land in the queue's order, not the encoder's: the next frame's go to buffers this frame's commands
      // read, so its commands are submitted first.
      if (level === 0 && i > 0) {
        device.queue.submit([encoder.finish()]);
        encoder = device.createCommandEncoder({ label: 'pyramid blend' });
      }
      if (level === 0) device.queue.writeBuffer(wt, 0, weights[i]);
      else device.queue.writeBuffer(wt, 0, from!.weights[i].data);
      const f = frames[i];
      return { encoder, frame: level === 0 ? { buffer: job.buffer(`frame ${i}`, W * H * f.channels * 4, BufferUsage.STORAGE | BufferUsage.COPY_DST, f.data), channels: f.channels } : null };
    });
    const [data] = await job.readBack(encoder.encoder, [{ buffer: encoder.result, bytes: W * H * 12 }], 'pyramid blend');
    return { image: { width: W, height: H, channels: 3, data, ev: null, meta: { sourceTransfer: 'srgb', clipLevel: 1 } }, bands: 1 };
  } finally {
    job.destroy();
  }
}

/**
 * Fills a weight plane for frame i: level 0 (the frame's weights; also returns the frame) or the coarse level (its
 * coarse weights); may finish `encoder` and return a new one.
 */
type PyramidSource = (i: number, encoder: GPUCommandEncoder, weights: GPUBuffer, level: number) => { encoder: GPUCommandEncoder; frame: FrameBuffer | null };

/**
 * The pyramid blend on `encoder`: every level of one frame's pyramids at once, frame after frame, then the collapse and
 * the decode to linear light. `coarseLevel` > 0: the weights from that level up come from `source` too (the detail
 * levels' coarse weights), else from the Gaussian pyramid of the level-0 weights. Returns the encoder left open and the
 * W x H x 3 result.
 */
function recordPyramidBlend(
  job: GpuJob,
  k: Pipelines,
  first: GPUCommandEncoder,
  W: number,
  H: number,
  K: number,
  tables: GPUBuffer,
  coarseLevel: number,
  source: PyramidSource,
): { encoder: GPUCommandEncoder; result: GPUBuffer } {
  const device = job.device;
  const levels = maxPyramidLevels(W, H);
  const S = BufferUsage.STORAGE;
  const sizes: [number, number][] = [[W, H]];
  for (let l = 1; l < levels; l++) sizes.push([reducedSize(sizes[l - 1][0]), reducedSize(sizes[l - 1][1])]);
  // The result's pyramid, one frame's Gaussian pyramid and weight pyramid (reused frame after frame).
  const res = sizes.map((sz, l) => job.buffer(`result ${l}`, sz[0] * sz[1] * 12, S | BufferUsage.COPY_DST | (l === 0 ? BufferUsage.COPY_SRC : 0)));
  const g = sizes.map((sz, l) => job.buffer(`gaussian ${l}`, sz[0] * sz[1] * 12, S));
  const wt = sizes.map((sz, l) => job.buffer(`weight ${l}`, sz[0] * sz[1] * 4, S | BufferUsage.COPY_DST));
  const uniforms = new Map<string, GPUBuffer>();
  const u = (words: number[]): GPUBuffer => {
    const key = words.join(',');
    let b = uniforms.get(key);
    if (!b) uniforms.set(key, (b = job.uniform(`plane ${key}`, words)));
    return b;
  };
  const clear = device.createCommandEncoder({ label: 'pyramid clear' });
  for (const b of res) clear.clearBuffer(b);
  device.queue.submit([clear.finish()]);
  let encoder = first;
  for (let i = 0; i < K; i++) {
    const loaded = source(i, encoder, wt[0], 0);
    encoder = loaded.encoder;
    const { buffer: frame, channels: ch } = loaded.frame!;
    job.dispatch(encoder, k.encode, { 0: u([W, H, ch, 0, 0, 0, ch === 1 ? 0 : 1, ch === 1 ? 0 : 2]), 1: tables, 2: frame, 3: g[0] }, W, H);
    for (let l = 0; l < levels; l++) {
      const [w, h] = sizes[l];
      const top = l === levels - 1;
      if (l > 0) {
        if (coarseLevel > 0 && l === coarseLevel) encoder = source(i, encoder, wt[l], l).encoder;
        else job.dispatch(encoder, k.reduce, { 0: u([...sizes[l - 1], 1, w, h, 0, 0, 0]), 1: wt[l - 1], 2: wt[l] }, w, h);
      }
      if (!top) job.dispatch(encoder, k.reduce, { 0: u([w, h, 3, ...sizes[l + 1], 0, 0, 0]), 1: g[l], 2: g[l + 1] }, ...sizes[l + 1]);
      const [cw, chh] = top ? [1, 1] : sizes[l + 1];
      job.dispatch(encoder, k.band, { 0: u([w, h, 3, cw, chh, top ? 1 : 0, 0, 0]), 1: g[l], 2: top ? g[l] : g[l + 1], 3: wt[l], 4: res[l] }, w, h);
    }
  }
  for (let l = levels - 2; l >= 0; l--) {
    const [w, h] = sizes[l];
    job.dispatch(encoder, k.expandAdd, { 0: u([w, h, 3, ...sizes[l + 1], 0, 0, 0]), 2: res[l + 1], 4: res[l] }, w, h);
  }
  job.dispatch(encoder, k.toLinear, { 0: u([W, H, 3, 0, 0, 0, 0, 0]), 1: tables, 4: res[0] }, W, H);
  return { encoder, result: res[0] };
}

/** A frame on the GPU: its samples and how many channels they interleave. */
interface FrameBuffer {
  buffer: GPUBuffer;
  channels: number;
}

/** Uploads each frame whole. */
function uploadFrames(job: GpuJob, frames: readonly LinearImage[]): FrameBuffer[] {
  const { width: W, height: H } = frames[0];
  return frames.map((f, i) => ({ buffer: job.buffer(`frame ${i}`, W * H * f.channels * 4, BufferUsage.STORAGE | BufferUsage.COPY_DST, f.data), channels: f.channels }));
}

/** Writes each frame's encoded luma into plane k of `luma` and the mean of them into `guide` (cleared here). */
function lumaPasses(job: GpuJob, k: Pipelines, encoder: GPUCommandEncoder, frames: readonly FrameBuffer[], W: number, H: number, tables: GPUBuffer, luma: GPUBuffer, guide: GPUBuffer): void {
  encoder.clearBuffer(guide);
  frames.forEach(({ buffer, channels: ch }, i) => {
    job.dispatch(encoder, k.luma, { 0: job.uniform(`luma ${i}`, [W, H, ch, frames.length, 0, i, ch === 1 ? 0 : 1, ch === 1 ? 0 : 2]), 1: tables, 2: buffer, 3: luma, 4: guide }, W, H);
  });
}

function tablesBuffer(job: GpuJob, device: GPUDevice): GPUBuffer {
  const enc = srgbEncodeTable();
  const tables = job.buffer('srgb tables', (DECODE_OFFSET + enc.length) * 4, BufferUsage.STORAGE | BufferUsage.COPY_DST);
  device.queue.writeBuffer(tables, 0, enc);
  device.queue.writeBuffer(tables, DECODE_OFFSET * 4, srgbDecodeTable());
  return tables;
}

/** learned-fuse.ts's full-size guide on the GPU: the mean over the frames of their encoded luma (encodedLuma). */
export async function gpuLumaGuide(device: GPUDevice, frames: readonly LinearImage[], opts: GpuMergeOptions = {}): Promise<Float32Array> {
  if (frames.length === 0) throw new RangeError('no frames');
  const { width: W, height: H } = frames[0];
  for (const f of frames) if (f.width !== W || f.height !== H) throw new RangeError(`frames of ${f.width}x${f.height} and ${W}x${H}`);
  const job = new GpuJob(device);
  try {
    const k = await job.settle(pipelines(device));
    job.check();
    const limit = bufferLimit(device, opts);
    if (W * H * frames.length * 4 > limit || W * H * Math.max(3, ...frames.map((f) => f.channels)) * 4 > limit) throw new GpuUnavailableError(`a ${W}x${H} bracket exceeds the ${limit}-byte buffer limit (the guide has no bands)`);
    job.begin();
    const tables = tablesBuffer(job, device);
    const luma = job.buffer('luma', W * H * frames.length * 4, BufferUsage.STORAGE);
    const guide = job.buffer('guide', W * H * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST);
    const encoder = device.createCommandEncoder({ label: 'guide' });
    lumaPasses(job, k, encoder, uploadFrames(job, frames), W, H, tables, luma, guide);
    return (await job.readBack(encoder, [{ buffer: guide, bytes: W * H * 4 }], 'guide'))[0];
  } finally {
    job.destroy();
  }
}

/**
 * gpuDetailWeights' work on `encoder`, on K lifted planes in `wb` (replaced by the detail weights) and the frames' encoded
 * luma (K planes; null when level is 0): the normalised weights' Gaussian level `level` per frame (none where the
 * pyramid is shorter or level is 0) and that level's size.
 */
function recordDetailWeights(
  job: GpuJob,
  k: Pipelines,
  encoder: GPUCommandEncoder,
  wb: GPUBuffer,
  luma: GPUBuffer | null,
  W: number,
  H: number,
  K: number,
  level: number,
): { chains: GPUBuffer[]; size: [number, number] } {
  const n = W * H;
  const S = BufferUsage.STORAGE;
  job.dispatch(encoder, k.normalise, { 0: job.uniform('normalise', [W, H, K]), 1: wb }, W, H);
  const chains: GPUBuffer[] = [];
  let size: [number, number] = [W, H];
  if (level > 0 && level < maxPyramidLevels(W, H)) {
    const sizes: [number, number][] = [[W, H]];
    for (let l = 1; l <= level; l++) sizes.push([reducedSize(sizes[l - 1][0]), reducedSize(sizes[l - 1][1])]);
    size = sizes[level];
    for (let i = 0; i < K; i++) {
      const chain = sizes.map(([w, h], l) => job.buffer(`coarse ${i} ${l}`, w * h * 4, S | BufferUsage.COPY_DST | BufferUsage.COPY_SRC));
      encoder.copyBufferToBuffer(wb, i * n * 4, chain[0], 0, n * 4);
      for (let l = 1; l <= level; l++) job.dispatch(encoder, k.reduce, { 0: job.uniform(`reduce ${i} ${l}`, [...sizes[l - 1], 1, ...sizes[l], 0, 0, 0]), 1: chain[l - 1], 2: chain[l] }, ...sizes[l]);
      chains.push(chain[level]);
    }
  }
  if (level > 0) {
    if (!luma) throw new Error('internal error: detail levels without the frames\' luma');
    const floorBits = new Uint32Array(new Float32Array([DETAIL_FLOOR * CONTRAST_SCALE]).buffer)[0];
    job.dispatch(encoder, k.detail, { 0: job.uniform('detail', [W, H, K, 0, 0, 0, floorBits, 0]), 1: luma, 4: wb }, W, H);
  }
  return { chains, size };
}

export interface GpuDetailWeights {
  /** The lifted weights clamped and normalised, then made detail-aware (addDetail): the finest levels' weights. */
  weights: Float32Array[];
  /** The normalised weights' Gaussian level `level`, for the bands from there up; undefined where the pyramid is shorter or level is 0. */
  coarse: CoarseWeights | undefined;
}

/**
 * learned-fuse.ts between the lift and the pyramid blend, on the GPU: normaliseWeights on the lifted planes, their
 * Gaussian pyramid's level `level` (the detail levels' coarse weights), then addDetail with each frame's contrast
 * (planeContrast of its encoded luma). The caller's planes are not modified.
 */
export async function gpuDetailWeights(device: GPUDevice, frames: readonly LinearImage[], lifted: readonly Float32Array[], level: number, opts: GpuMergeOptions = {}): Promise<GpuDetailWeights> {
  checkBlendInput(frames, lifted);
  if (!Number.isInteger(level) || level < 0) throw new RangeError(`detail levels must be an integer >= 0, got ${level}`);
  const { width: W, height: H } = frames[0];
  const K = frames.length;
  const n = W * H;
  const job = new GpuJob(device);
  try {
    const k = await job.settle(pipelines(device));
    job.check();
    const limit = bufferLimit(device, opts);
    if (n * K * 4 > limit || n * Math.max(3, ...frames.map((f) => f.channels)) * 4 > limit) throw new GpuUnavailableError(`a ${W}x${H} bracket exceeds the ${limit}-byte buffer limit (the detail weights have no bands)`);
    job.begin();
    const S = BufferUsage.STORAGE;
    const tables = tablesBuffer(job, device);
    const wb = job.buffer('weights', n * K * 4, S | BufferUsage.COPY_DST | BufferUsage.COPY_SRC);
    lifted.forEach((p, i) => device.queue.writeBuffer(wb, i * n * 4, p));
    const encoder = device.createCommandEncoder({ label: 'detail weights' });
    const luma = level > 0 ? job.buffer('luma', n * K * 4, S) : null;
    if (luma) lumaPasses(job, k, encoder, uploadFrames(job, frames), W, H, tables, luma, job.buffer('guide', n * 4, S | BufferUsage.COPY_DST));
    const { chains, size } = recordDetailWeights(job, k, encoder, wb, luma, W, H, K, level);
    const outs: { buffer: GPUBuffer; bytes: number }[] = [{ buffer: wb, bytes: n * K * 4 }, ...chains.map((buffer) => ({ buffer, bytes: size[0] * size[1] * 4 }))];
    const useCoarse = chains.length > 0;
    const read = await job.readBack(encoder, outs, 'detail weights');
    const weights = Array.from({ length: K }, (_, i) => read[0].slice(i * n, (i + 1) * n));
    const coarse = useCoarse ? { level, weights: read.slice(1).map((data) => ({ width: size[0], height: size[1], channels: 1, data })) } : undefined;
    return { weights, coarse };
  } finally {
    job.destroy();
  }
}

export interface GpuLearnedFuseArgs {
  /** The network's weights in its layout (K x paddedHeight x paddedWidth, as FusionInput), with the input's sizes. */
  maps: WeightMaps;
  /** The network input's guide at working resolution (workingGuide). */
  guideLow: Float32Array;
  /** The lift's radius at full resolution and its regularisation (LiftOptions; learned-fuse.ts's defaults where unset). */
  radius?: number;
  eps?: number;
  /** LearnedFuseOptions.detailLevels. */
  detailLevels?: number;
  /** Read the finest levels' weights back too (the weight-map overlay): K more planes off the GPU. */
  keepWeights?: boolean;
}

export interface GpuLearnedFuse {
  image: LinearImage;
  /** The finest levels' weights, when asked for (keepWeights). */
  weights: Float32Array[] | null;
}

/**
 * learnedFuse after the network, with the app's defaults (the fast lift, the pyramid blend with detail levels), in one
 * submission on one device: the frames go up once, the lifted, normalised and detail weights and the pyramids never
 * come back; only the fused image does (and the weights if asked). The same stages as gpuLumaGuide, gpuGuidedLift,
 * gpuDetailWeights and gpuBlendPyramid in a row, without their uploads and read-backs in between. A bracket over the
 * buffer limit is GpuUnavailableError (the staged functions band where they can).
 */
export async function gpuLearnedFuse(device: GPUDevice, frames: readonly LinearImage[], args: GpuLearnedFuseArgs, opts: GpuMergeOptions = {}): Promise<GpuLearnedFuse> {
  if (frames.length === 0) throw new RangeError('no frames to fuse');
  const { width: W, height: H } = frames[0];
  for (const f of frames) if (f.width !== W || f.height !== H) throw new RangeError(`frames of ${f.width}x${f.height} and ${W}x${H}`);
  const { maps } = args;
  const K = frames.length;
  if (maps.exposures !== K) throw new RangeError(`weight maps for ${maps.exposures} frames, ${K} given`);
  const level = args.detailLevels ?? DEFAULT_FUSION_OPTIONS.detailLevels;
  if (!Number.isInteger(level) || level < 0) throw new RangeError(`detail levels must be an integer >= 0, got ${level}`);
  const { width: w, height: h } = maps;
  const mapsLow = lowPlanes(maps);
  const radius = lowLiftRadius(args.radius ?? defaultLiftRadius(W, w), w, W);
  const eps = args.eps ?? DEFAULT_FUSION_OPTIONS.liftEps;
  const guide = new Float32Array(W * H);
  checkLiftArgs(args.guideLow, mapsLow, w, h, guide, W, H, radius, eps);
  const n = W * H;
  const job = new GpuJob(device);
  try {
    const k = await job.settle(pipelines(device));
    job.check();
    const limit = bufferLimit(device, opts);
    if (n * Math.max(K, 3, ...frames.map((f) => f.channels)) * 4 > limit) throw new GpuUnavailableError(`a ${W}x${H} bracket of ${K} exceeds the ${limit}-byte buffer limit (the fused merge has no bands)`);
    job.begin();
    const S = BufferUsage.STORAGE;
    const tables = tablesBuffer(job, device);
    const frameBufs = uploadFrames(job, frames);
    const encoder = device.createCommandEncoder({ label: 'learned fuse' });
    const luma = job.buffer('luma', n * K * 4, S);
    const guideBuf = job.buffer('guide', n * 4, S | BufferUsage.COPY_DST);
    lumaPasses(job, k, encoder, frameBufs, W, H, tables, luma, guideBuf);
    const coeffs = recordLiftCoefficients(job, k, encoder, args.guideLow, mapsLow, w, h, radius, eps);
    const wb = job.buffer('weights', n * K * 4, S | BufferUsage.COPY_DST | BufferUsage.COPY_SRC);
    recordLiftApply(job, k, encoder, coeffs, w, h, guideBuf, W, H, 0, H).forEach((plane, i) => encoder.copyBufferToBuffer(plane, 0, wb, i * n * 4, n * 4));
    const { chains, size } = recordDetailWeights(job, k, encoder, wb, level > 0 ? luma : null, W, H, K, level);
    const coarseLevel = chains.length > 0 ? level : 0;
    const blend = recordPyramidBlend(job, k, encoder, W, H, K, tables, coarseLevel, (i, enc, wt, l) => {
      if (l === 0) enc.copyBufferToBuffer(wb, i * n * 4, wt, 0, n * 4);
      else enc.copyBufferToBuffer(chains[i], 0, wt, 0, size[0] * size[1] * 4);
      return { encoder: enc, frame: l === 0 ? frameBufs[i] : null };
    });
    const outs = [{ buffer: blend.result, bytes: n * 12 }];
    if (args.keepWeights) outs.push({ buffer: wb, bytes: n * K * 4 });
    const read = await job.readBack(blend.encoder, outs, 'learned fuse');
    const weights = args.keepWeights ? Array.from({ length: K }, (_, i) => read[1].slice(i * n, (i + 1) * n)) : null;
    return { image: { width: W, height: H, channels: 3, data: read[0], ev: null, meta: { sourceTransfer: 'srgb', clipLevel: 1 } }, weights };
  } finally {
    job.destroy();
  }
}

export type MergePath = 'gpu' | 'cpu';

export interface PathResult<T> {
  value: T;
  path: MergePath;
  /** Why the CPU path ran (null on the GPU path). */
  fallback: string | null;
}

export interface PreviewMergeOptions {
  /** How to ask for the device; false keeps these stages on the CPU. */
  gpu?: GpuRequest | false;
  merge?: GpuMergeOptions;
}

/**
 * The lift and the blend with their path chosen per session: the GPU while a device is available,
 * the CPU reference otherwise and from the first failure on (a loss mid-call redoes that call on
 * the CPU). Input errors (RangeError) are thrown, not fallen back from: the CPU would throw too.
 */
export class PreviewMerge {
  private runtime: Promise<GpuRuntime | null> | null = null;
  private fallback: string | null = null;

  constructor(private readonly opts: PreviewMergeOptions = {}) {}

  /** The device this session runs on, once acquired (tests destroy it to simulate a loss). */
  async gpuRuntime(): Promise<GpuRuntime | null> {
    const req = this.opts.gpu ?? {};
    if (req === false) {
      this.fallback = 'GPU preview switched off';
      return null;
    }
    return (this.runtime ??= getGpuRuntime(req).catch((error: unknown) => {
      this.fallback = gpuFailureReason(error);
      return null;
    }));
  }

  private async run<T>(gpu: (device: GPUDevice) => Promise<T>, cpu: () => T): Promise<PathResult<T>> {
    const rt = await this.gpuRuntime();
    if (rt) {
      try {
        return { value: await gpu(rt.device), path: 'gpu', fallback: null };
      } catch (error) {
        if (error instanceof RangeError) throw error;
        this.fallback = gpuFailureReason(error);
        console.warn('[preview] GPU merge stage failed, using the CPU from now on:', error);
        this.runtime = Promise.resolve(null);
      }
    }
    return { value: cpu(), path: 'cpu', fallback: this.fallback };
  }

  /** guidedLift, on the GPU where it can. */
  lift(guideLow: Float32Array, mapsLow: readonly Float32Array[], w: number, h: number, guideFull: Float32Array, W: number, H: number, radius: number, eps: number): Promise<PathResult<Float32Array[]>> {
    return this.run(
      async (device) => (await gpuGuidedLift(device, guideLow, mapsLow, w, h, guideFull, W, H, radius, eps, this.opts.merge)).planes,
      () => guidedLift(guideLow, mapsLow, w, h, guideFull, W, H, radius, eps),
    );
  }

  /** cpuBlendWeighted, on the GPU where it can. */
  blend(frames: readonly LinearImage[], weights: readonly Float32Array[]): Promise<PathResult<LinearImage>> {
    return this.run(
      async (device) => (await gpuBlendWeighted(device, frames, weights, this.opts.merge)).image,
      () => cpuBlendWeighted(frames, weights),
    );
  }
}

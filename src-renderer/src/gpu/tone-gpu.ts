/**
 * applyTone on WebGPU: the per-slider-move pass (gain from the plan's table and planes, colour by
 * the luminance ratio, saturation, vibrance, P3, gamut mapping, sRGB encode to RGBA8) and the
 * output histogram, both on the GPU; only the histogram comes back per move. The image, its
 * luminance and the per-merge planes (detail layers, Reinhard's adaptation) are uploaded once;
 * a move uploads one 40 KB table and a uniform. Images larger than the device's buffer limits are
 * processed in horizontal bands. Tables and constants come from planTone, shared with the CPU.
 */
import type { Histogram } from '../../../src-shared/tonemap/histogram';
import type { GamutMode, Mat3, OutputSpace } from '../../../src-shared/tonemap/output-space';
import type { ToneCache } from '../../../src-shared/tonemap/tone-cache';
import { planTone, type TonePlan } from '../../../src-shared/tonemap/tone-plan';
import { resolveToneSettings, type ToneSettings } from '../../../src-shared/tonemap/tone-settings';
import { srgbEncodeTable } from '../../../src-shared/image/srgb-tables';
import { TABLE_LENGTH } from '../../../src-shared/tonemap/tone-tables';
import { GpuDeviceLostError, GpuUnavailableError, type GpuLoss } from './gpu-device';
import { BAND_WORDS, ENCODE_OFFSET, HISTOGRAM_WGSL, HISTOGRAM_WORKGROUP, SETTINGS_FLOATS, TONE_WGSL, TONE_WORKGROUP } from './tone-wgsl';
import {
  BufferUsage,
  MapMode,
  TextureUsage,
  webgpuContext,
  type GPUBindGroup,
  type GPUBuffer,
  type GPUCanvasContext,
  type GPUComputePipeline,
  type GPUDevice,
  type GpuCanvas,
} from './webgpu-types';

export interface GpuToneOptions {
  /** Cap on any one buffer of a band, below the device's limits (tests use it to force bands). */
  maxBandBytes?: number;
}

export interface GpuToneResult {
  histogram: Histogram;
}

export interface GpuTone {
  /** Horizontal bands the image is processed in (1 unless it exceeds the buffer limits). */
  readonly bands: number;
  /**
   * Renders the settings into the GPU output and, when target is given, into its WebGPU context
   * (sized to the image). Everything is submitted before apply returns, so the target holds the
   * frame at once (drawImage it in the same task); the promise settles with the histogram. Use one
   * target per output space: Chromium keeps tagging a canvas with the colour space it was first
   * configured with. `source`: the image's colorants where it is not sRGB (ToneOutputOptions.source).
   * Rejects with GpuDeviceLostError once the device is lost.
   */
  apply(settings: ToneSettings, output: OutputSpace, target: GpuCanvas | null, gamut?: GamutMode, source?: Mat3 | null): Promise<GpuToneResult>;
  /** The last apply's RGBA8 pixels (for tests and export checks; the preview never reads them back). */
  readPixels(): Promise<Uint8ClampedArray>;
  /** The loss once the device is lost, else null. */
  loss(): GpuLoss | null;
  destroy(): void;
}

const MODE = { 'gain-table': 0, 'log-table': 1, 'reinhard-local': 2 } as const;
/** Histogram workgroups per band: enough to fill a GPU, few enough that the global atomics stay cheap. */
const HISTOGRAM_GROUPS = 256;
const HISTOGRAM_BYTES = 1024 * 4;

interface Band {
  y0: number;
  rows: number;
  uniform: GPUBuffer;
  rgb: GPUBuffer;
  lum: GPUBuffer;
  out: GPUBuffer;
  planes: { base: GPUBuffer | null; detail: GPUBuffer | null; adapt: GPUBuffer | null };
  toneGroup: GPUBindGroup | null;
  histogramGroup: GPUBindGroup;
}

type PlaneName = keyof Band['planes'];

/** Rows per band so that no buffer of the band exceeds limit bytes. */
function bandRows(device: GPUDevice, width: number, height: number, channels: number, stride: number, limit: number): number {
  const rowBytes = Math.max(width * channels * 4, stride * 4);
  const rows = Math.floor(limit / rowBytes);
  if (rows < 1) throw new GpuUnavailableError(`a row of ${width} pixels needs ${rowBytes} bytes, over the ${limit}-byte buffer limit`);
  return Math.min(height, rows, device.limits.maxComputeWorkgroupsPerDimension * TONE_WORKGROUP);
}

function settingsUniform(plan: TonePlan): Float32Array<ArrayBuffer> {
  const f = new Float32Array(SETTINGS_FLOATS);
  const u = new Uint32Array(f.buffer);
  const c = plan.colour;
  u[0] = MODE[plan.mode];
  u[1] = plan.table ? 1 : 0;
  u[2] = plan.layers ? 1 : 0;
  u[3] = c.adjust ? 1 : 0;
  u[4] = c.convert ? 1 : 0;
  f.set([plan.a, plan.b, plan.detailGain, plan.ev, plan.exposureGain, plan.scale, plan.invWhite2, 0, c.saturation, c.vibrance, c.knee, 0], 8);
  const m = c.matrix;
  f.set([m[0], m[1], m[2], 0, m[3], m[4], m[5], 0, m[6], m[7], m[8], 0], 20);
  return f;
}

function histogramOf(counts: Uint32Array): Histogram {
  return { bins: 256, r: counts.slice(0, 256), g: counts.slice(256, 512), b: counts.slice(512, 768), luminance: counts.slice(768, 1024) };
}

/** Compiles the kernels and uploads the image (and its luminance) from a prepared cache. */
export async function createGpuTone(device: GPUDevice, cache: ToneCache, opts: GpuToneOptions = {}): Promise<GpuTone> {
  const { width, height, image, lum } = cache;
  const ch = image.channels;
  let lostWith: GpuLoss | null = null;
  const lost = device.lost.then((l) => (lostWith = { reason: l.reason, message: l.message }));
  const lostError = (): GpuDeviceLostError => new GpuDeviceLostError(lostWith ?? { reason: 'unknown', message: '' });

  device.pushErrorScope('validation');
  const [tonePipeline, histogramPipeline]: GPUComputePipeline[] = await Promise.all([
    device.createComputePipelineAsync({ label: 'tone', layout: 'auto', compute: { module: device.createShaderModule({ label: 'tone', code: TONE_WGSL }), entryPoint: 'tone' } }),
    device.createComputePipelineAsync({ label: 'histogram', layout: 'auto', compute: { module: device.createShaderModule({ label: 'histogram', code: HISTOGRAM_WGSL }), entryPoint: 'histogram' } }),
  ]).catch((error: unknown) => {
    throw lostWith ? lostError() : error;
  });

  // Rows padded to 256 bytes: copyBufferToTexture's bytesPerRow alignment.
  const stride = Math.ceil((width * 4) / 256) * 64;
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, opts.maxBandBytes ?? Infinity);
  const perBand = bandRows(device, width, height, ch, stride, limit);

  const enc = srgbEncodeTable();
  const tables = device.createBuffer({ label: 'tone tables', size: (ENCODE_OFFSET + enc.length) * 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
  device.queue.writeBuffer(tables, ENCODE_OFFSET * 4, enc);
  const settingsBuffer = device.createBuffer({ label: 'tone settings', size: SETTINGS_FLOATS * 4, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
  const histogram = device.createBuffer({ label: 'histogram', size: HISTOGRAM_BYTES, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST });
  // Bound where a plane the settings do not read would go.
  const emptyPlane = device.createBuffer({ label: 'empty plane', size: 16, usage: BufferUsage.STORAGE });
  const owned: GPUBuffer[] = [tables, settingsBuffer, histogram, emptyPlane];

  const bands: Band[] = [];
  for (let y0 = 0; y0 < height; y0 += perBand) {
    const rows = Math.min(perBand, height - y0);
    const px = rows * width;
    const uniform = device.createBuffer({ label: `band ${y0}`, size: BAND_WORDS * 4, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST });
    device.queue.writeBuffer(uniform, 0, new Uint32Array([width, rows, stride, ch, ch >= 3 ? 1 : 0, ch >= 3 ? 2 : 0, 0, 0]));
    const rgb = device.createBuffer({ label: `rgb ${y0}`, size: px * ch * 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
    device.queue.writeBuffer(rgb, 0, image.data, y0 * width * ch, px * ch);
    const lumBuffer = device.createBuffer({ label: `lum ${y0}`, size: px * 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
    device.queue.writeBuffer(lumBuffer, 0, lum, y0 * width, px);
    const out = device.createBuffer({ label: `out ${y0}`, size: rows * stride * 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC });
    owned.push(uniform, rgb, lumBuffer, out);
    const histogramGroup = device.createBindGroup({
      label: `histogram ${y0}`,
      layout: histogramPipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniform } },
        { binding: 1, resource: { buffer: out } },
        { binding: 2, resource: { buffer: histogram } },
      ],
    });
    bands.push({ y0, rows, uniform, rgb, lum: lumBuffer, out, planes: { base: null, detail: null, adapt: null }, toneGroup: null, histogramGroup });
  }
  const creationError = await device.popErrorScope();
  if (creationError) throw new Error(`tone kernels failed to build: ${creationError.message}`);

  /** The CPU planes now on the GPU, by identity: the cache makes new arrays only when options change. */
  const uploaded: Record<PlaneName, Float32Array | null> = { base: null, detail: null, adapt: null };
  const uploadPlane = (name: PlaneName, plane: Float32Array | null): void => {
    if (!plane || uploaded[name] === plane) return;
    for (const band of bands) {
      let buf = band.planes[name];
      if (!buf) {
        buf = device.createBuffer({ label: `${name} ${band.y0}`, size: band.rows * width * 4, usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
        owned.push(buf);
        band.planes[name] = buf;
        band.toneGroup = null;
      }
      device.queue.writeBuffer(buf, 0, plane, band.y0 * width, band.rows * width);
    }
    uploaded[name] = plane;
  };
  const toneGroup = (band: Band): GPUBindGroup =>
    (band.toneGroup ??= device.createBindGroup({
      label: `tone ${band.y0}`,
      layout: tonePipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: settingsBuffer } },
        { binding: 1, resource: { buffer: band.uniform } },
        { binding: 2, resource: { buffer: tables } },
        { binding: 3, resource: { buffer: band.rgb } },
        { binding: 4, resource: { buffer: band.lum } },
        { binding: 5, resource: { buffer: band.planes.base ?? emptyPlane } },
        { binding: 6, resource: { buffer: band.planes.detail ?? emptyPlane } },
        { binding: 7, resource: { buffer: band.planes.adapt ?? emptyPlane } },
        { binding: 8, resource: { buffer: band.out } },
      ],
    }));

  const contexts = new WeakMap<GpuCanvas, { ctx: GPUCanvasContext; colorSpace: string }>();
  const configured = (canvas: GpuCanvas, output: OutputSpace): GPUCanvasContext => {
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    let entry = contexts.get(canvas);
    if (!entry) {
      const ctx = webgpuContext(canvas);
      if (!ctx) throw new GpuUnavailableError('the target canvas already has a non-WebGPU context');
      entry = { ctx, colorSpace: '' };
      contexts.set(canvas, entry);
    }
    if (entry.colorSpace !== output) {
      entry.ctx.configure({ device, format: 'rgba8unorm', usage: TextureUsage.COPY_DST, alphaMode: 'opaque', colorSpace: output });
      entry.colorSpace = output;
    }
    return entry.ctx;
  };

  const idleReadbacks: GPUBuffer[] = [];
  let destroyed = false;
  let applied = false;

  /** Maps a read-back buffer, turning a rejection caused by the device's loss into GpuDeviceLostError. */
  const mapRead = async (buf: GPUBuffer): Promise<void> => {
    try {
      await buf.mapAsync(MapMode.READ);
    } catch (error) {
      // The loss may be reported just after the map fails: give it a moment.
      const loss = lostWith ?? (await Promise.race([lost, new Promise<null>((r) => setTimeout(() => r(null), 200))]));
      throw loss ? new GpuDeviceLostError(loss) : error;
    }
  };

  function apply(settings: ToneSettings, output: OutputSpace, target: GpuCanvas | null, gamut?: GamutMode, source: Mat3 | null = null): Promise<GpuToneResult> {
    if (destroyed) return Promise.reject(new Error('this GPU tone pass was destroyed'));
    if (lostWith) return Promise.reject(lostError());
    let plan: TonePlan;
    let ctx: GPUCanvasContext | null;
    try {
      plan = planTone(cache, resolveToneSettings(settings), output, gamut, source);
      ctx = target ? configured(target, output) : null;
    } catch (error) {
      return Promise.reject(error);
    }
    device.pushErrorScope('validation');
    uploadPlane('base', plan.layers?.base ?? null);
    uploadPlane('detail', plan.layers?.detail ?? null);
    uploadPlane('adapt', plan.adaptation);
    if (plan.table) device.queue.writeBuffer(tables, 0, plan.table, 0, TABLE_LENGTH);
    device.queue.writeBuffer(settingsBuffer, 0, settingsUniform(plan));

    const encoder = device.createCommandEncoder({ label: 'tone' });
    encoder.clearBuffer(histogram);
    const pass = encoder.beginComputePass({ label: 'tone + histogram' });
    for (const band of bands) {
      pass.setPipeline(tonePipeline);
      pass.setBindGroup(0, toneGroup(band));
      pass.dispatchWorkgroups(Math.ceil(width / TONE_WORKGROUP), Math.ceil(band.rows / TONE_WORKGROUP));
      // A dispatch sees the previous one's storage writes: the output stays on the GPU.
      pass.setPipeline(histogramPipeline);
      pass.setBindGroup(0, band.histogramGroup);
      pass.dispatchWorkgroups(Math.min(HISTOGRAM_GROUPS, Math.ceil((band.rows * width) / HISTOGRAM_WORKGROUP)));
    }
    pass.end();
    if (ctx) {
      const texture = ctx.getCurrentTexture();
      for (const band of bands) {
        encoder.copyBufferToTexture({ buffer: band.out, bytesPerRow: stride * 4, rowsPerImage: band.rows }, { texture, origin: { x: 0, y: band.y0 } }, { width, height: band.rows });
      }
    }
    const readback = idleReadbacks.pop() ?? device.createBuffer({ label: 'histogram readback', size: HISTOGRAM_BYTES, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    encoder.copyBufferToBuffer(histogram, 0, readback, 0, HISTOGRAM_BYTES);
    device.queue.submit([encoder.finish()]);
    applied = true;
    const scope = device.popErrorScope();

    return (async () => {
      const error = await scope.catch(() => null);
      if (error) throw new Error(`tone pass failed: ${error.message}`);
      await mapRead(readback);
      const counts = new Uint32Array(readback.getMappedRange().slice(0));
      readback.unmap();
      if (!destroyed) idleReadbacks.push(readback);
      else readback.destroy();
      return { histogram: histogramOf(counts) };
    })();
  }

  async function readPixels(): Promise<Uint8ClampedArray> {
    if (!applied) throw new Error('readPixels before apply');
    if (lostWith) throw lostError();
    const bytes = height * stride * 4;
    const staging = device.createBuffer({ label: 'pixels readback', size: bytes, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST });
    try {
      const encoder = device.createCommandEncoder({ label: 'read pixels' });
      for (const band of bands) encoder.copyBufferToBuffer(band.out, 0, staging, band.y0 * stride * 4, band.rows * stride * 4);
      device.queue.submit([encoder.finish()]);
      await mapRead(staging);
      const padded = new Uint8Array(staging.getMappedRange());
      const out = new Uint8ClampedArray(width * height * 4);
      for (let y = 0; y < height; y++) out.set(padded.subarray(y * stride * 4, y * stride * 4 + width * 4), y * width * 4);
      staging.unmap();
      return out;
    } finally {
      staging.destroy();
    }
  }

  return {
    bands: bands.length,
    apply,
    readPixels,
    loss: () => lostWith,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      for (const buf of owned.concat(idleReadbacks)) buf.destroy();
      idleReadbacks.length = 0;
    },
  };
}

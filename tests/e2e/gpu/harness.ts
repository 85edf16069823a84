/**
 * Browser half of the GPU tone golden tests (tone-gpu.spec.ts builds this page with Vite): runs
 * applyTone (CPU reference) and the WebGPU pass on the same procedural radiance map and reports
 * how far apart they are, so only small summaries cross to the test.
 */
import { probe } from './probe';
import { histogram as cpuHistogram, type Histogram } from '../../../src-shared/tonemap/histogram';
import type { LinearImage } from '../../../src-shared/image/linear-image';
import { autoKey } from '../../../src-shared/tonemap/global';
import type { GamutMode, Mat3, OutputSpace } from '../../../src-shared/tonemap/output-space';
import { applyTone, prepareTone, type ToneCache } from '../../../src-shared/tonemap/tone-map';
import type { ToneSettings } from '../../../src-shared/tonemap/tone-settings';
import { getGpuRuntime, GpuDeviceLostError } from '../../../src-renderer/src/gpu/gpu-device';
import { PreviewTone } from '../../../src-renderer/src/gpu/preview-tone';
import { createGpuTone } from '../../../src-renderer/src/gpu/tone-gpu';

export interface ToneCase {
  name: string;
  settings: ToneSettings;
  output: OutputSpace;
  gamut?: GamutMode;
  /** The image's colorants where it is taken as not sRGB (ToneOutputOptions.source). */
  source?: number[];
}

export interface CaseResult {
  name: string;
  /** Largest |GPU - CPU| over the RGB codes. */
  maxDiff: number;
  /** RGB samples that differ at all. */
  differing: number;
  samples: number;
  /** Largest difference of any histogram bin count. */
  histogramMaxDiff: number;
  /** Largest |canvas - readPixels|: what the WebGPU canvas shows against the buffer read back. */
  canvasMaxDiff: number;
  /** The worst pixel, for a failure message. */
  worst: { x: number; y: number; cpu: number[]; gpu: number[] } | null;
}

/** Scene-referred test map: 18 stops left to right with texture, hue by row, chroma in 4 row bands, a bright disc, and NaN/Inf/0/negative pixels. */
export function radianceMap(width: number, height: number): LinearImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const hue = (2 * Math.PI * y) / height;
    const chroma = ((y >> 3) % 4) / 3;
    for (let x = 0; x < width; x++) {
      let stops = -8 + (18 * x) / Math.max(1, width - 1) + 0.7 * Math.sin(x * 0.7) * Math.sin(y * 0.9);
      const dx = x - width * 0.7;
      const dy = y - height * 0.3;
      if (dx * dx + dy * dy < (height * 0.12) ** 2) stops += 6;
      const scale = 2 ** stops;
      const i = (y * width + x) * 3;
      data[i] = Math.max(0, 1 + chroma * Math.cos(hue)) * scale;
      data[i + 1] = Math.max(0, 1 + chroma * Math.cos(hue - (2 * Math.PI) / 3)) * scale;
      data[i + 2] = Math.max(0, 1 + chroma * Math.cos(hue + (2 * Math.PI) / 3)) * scale;
    }
  }
  data[0] = NaN;
  data.fill(Infinity, 3, 6);
  data.fill(0, 6, 9);
  data.fill(-0.5, 9, 12);
  return { width, height, channels: 3, data, ev: 0, meta: {} };
}

function histogramDiff(a: Histogram, b: Histogram): number {
  let worst = 0;
  for (const k of ['r', 'g', 'b', 'luminance'] as const) for (let i = 0; i < a.bins; i++) worst = Math.max(worst, Math.abs(a[k][i] - b[k][i]));
  return worst;
}

function compareRgb(width: number, cpu: Uint8ClampedArray, gpu: Uint8ClampedArray): Pick<CaseResult, 'maxDiff' | 'differing' | 'samples' | 'worst'> {
  let maxDiff = 0;
  let differing = 0;
  let worstAt = -1;
  for (let i = 0; i < cpu.length; i++) {
    if ((i & 3) === 3) continue;
    const d = Math.abs(cpu[i] - gpu[i]);
    if (d === 0) continue;
    differing++;
    if (d > maxDiff) {
      maxDiff = d;
      worstAt = i >> 2;
    }
  }
  const px = (a: Uint8ClampedArray, p: number): number[] => Array.from(a.subarray(p * 4, p * 4 + 4));
  const worst = worstAt < 0 ? null : { x: worstAt % width, y: Math.floor(worstAt / width), cpu: px(cpu, worstAt), gpu: px(gpu, worstAt) };
  return { maxDiff, differing, samples: (cpu.length / 4) * 3, worst };
}

/** What a 2D canvas shows after drawing the WebGPU canvas across (as the preview does). */
function viaCanvas(source: OffscreenCanvas, output: OutputSpace): Uint8ClampedArray {
  const colorSpace = output === 'display-p3' ? 'display-p3' : 'srgb';
  const view = document.getElementById('view') as HTMLCanvasElement;
  const canvas = document.createElement('canvas');
  canvas.width = source.width;
  canvas.height = source.height;
  const ctx = canvas.getContext('2d', { colorSpace })!;
  ctx.drawImage(source, 0, 0);
  view.replaceWith(canvas);
  canvas.id = 'view';
  return ctx.getImageData(0, 0, source.width, source.height, { colorSpace }).data;
}

async function compare(opts: { width: number; height: number; cases: ToneCase[]; maxBandBytes?: number }): Promise<{ bands: number; results: CaseResult[] }> {
  const img = radianceMap(opts.width, opts.height);
  const key = autoKey(img);
  const { device } = await getGpuRuntime({ allowSoftware: true });
  // One cache per path: the GPU planes are uploaded from the same arrays the CPU reads.
  const cache = prepareTone(img, key);
  const gpu = await createGpuTone(device, cache, { maxBandBytes: opts.maxBandBytes });
  // One target per output space, as PreviewTone does (a canvas keeps its first colour space in Chromium).
  const targets = { srgb: new OffscreenCanvas(opts.width, opts.height), 'display-p3': new OffscreenCanvas(opts.width, opts.height) };
  const results: CaseResult[] = [];
  try {
    for (const c of opts.cases) {
      const source = (c.source as unknown as Mat3 | undefined) ?? null;
      const pending = gpu.apply(c.settings, c.output, targets[c.output], c.gamut, source);
      const shown = viaCanvas(targets[c.output], c.output);
      const { histogram } = await pending;
      const gpuPixels = await gpu.readPixels();
      const cpuPixels = applyTone(cache, c.settings, { output: c.output, gamut: c.gamut, source }).data;
      const canvasDiff = compareRgb(opts.width, gpuPixels, shown).maxDiff;
      results.push({ name: c.name, ...compareRgb(opts.width, cpuPixels, gpuPixels), histogramMaxDiff: histogramDiff(cpuHistogram(cpuPixels), histogram), canvasMaxDiff: canvasDiff });
    }
  } finally {
    gpu.destroy();
  }
  return { bands: gpu.bands, results };
}

/** Renders through PreviewTone, destroys its device mid-session, renders again: the loss is reported and the CPU path takes over with the same image. */
async function deviceLoss(opts: { width: number; height: number; settings: ToneSettings }): Promise<Record<string, unknown>> {
  const img = radianceMap(opts.width, opts.height);
  const cache: ToneCache = prepareTone(img, autoKey(img));
  const preview = new PreviewTone(cache, { gpu: { allowSoftware: true } });
  const canvas = document.createElement('canvas');
  const read = (): Uint8ClampedArray => canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
  const first = await preview.render(opts.settings, 'srgb', canvas);
  const gpuShown = read();
  const runtime = preview.gpuRuntime!;
  runtime.device.destroy();
  const loss = await runtime.lost;
  // A pass made directly on the dead device fails with the named error.
  let direct = '';
  try {
    await createGpuTone(runtime.device, cache).then((t) => t.apply(opts.settings, 'srgb', null));
  } catch (error) {
    direct = error instanceof GpuDeviceLostError ? `GpuDeviceLostError: ${error.loss.reason}` : `${(error as Error).name}: ${(error as Error).message}`;
  }
  const second = await preview.render(opts.settings, 'srgb', canvas);
  const cpuShown = read();
  const reference = applyTone(cache, opts.settings, { output: 'srgb' }).data;
  // A fresh request after the loss gets a new device.
  const again = await getGpuRuntime({ allowSoftware: true });
  preview.destroy();
  return {
    firstPath: first.path,
    loss: loss.reason,
    reportedByRuntime: runtime.loss()?.reason ?? null,
    direct,
    secondPath: second.path,
    fallback: second.fallback,
    cpuVsReference: compareRgb(opts.width, reference, cpuShown).maxDiff,
    gpuVsCpu: compareRgb(opts.width, cpuShown, gpuShown).maxDiff,
    histogramDiff: histogramDiff(first.histogram, second.histogram),
    newDeviceAfterLoss: again.device !== runtime.device && again.loss() === null,
  };
}

/** Milliseconds per slider move (settings to pixels + histogram, GPU completion included), median of moves, on each path. */
async function bench(opts: { width: number; height: number; moves: number }): Promise<Record<string, unknown>> {
  const img = radianceMap(opts.width, opts.height);
  const cache = prepareTone(img, autoKey(img), { operator: 'local-contrast' });
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1];
  const out: Record<string, unknown> = { pixels: opts.width * opts.height };
  for (const operator of ['reinhard', 'local-contrast'] as const) {
    const cpu = new PreviewTone(cache, { gpu: false });
    const gpu = new PreviewTone(cache, { gpu: { allowSoftware: true } });
    const canvas = document.createElement('canvas');
    for (const [name, preview] of [['cpu', cpu], ['gpu', gpu]] as const) {
      const times: number[] = [];
      let path = '';
      // The first render builds kernels and uploads the image: not a slider move.
      await preview.render({ operator, exposure: 0 }, 'srgb', canvas);
      for (let i = 0; i < opts.moves; i++) {
        const frame = await preview.render({ operator, exposure: (i % 10) * 0.1, saturation: 0.2 }, 'srgb', canvas);
        times.push(frame.millis);
        path = frame.path;
      }
      out[`${operator}/${name}`] = { path, medianMs: Number(median(times).toFixed(1)), minMs: Number(Math.min(...times).toFixed(1)) };
    }
    cpu.destroy();
    gpu.destroy();
  }
  return out;
}

declare global {
  interface Window {
    gpuHarness: { probe: typeof probe; compare: typeof compare; deviceLoss: typeof deviceLoss; bench: typeof bench };
  }
}

window.gpuHarness = { probe, compare, deviceLoss, bench };

/**
 * The preview's tone pass with its path chosen per merge: WebGPU where a device is available,
 * applyTone on the CPU otherwise or once the device is lost (the per-merge ToneCache lives on the
 * CPU, so a loss costs one CPU re-render and nothing else). The visible canvas stays a 2D canvas
 * on both paths (a canvas keeps its first context kind, and a fallback must be able to draw into
 * it): the GPU path renders into an OffscreenCanvas's WebGPU context and draws that across.
 */
import { histogram as cpuHistogram, type Histogram } from '../../../src-shared/tonemap/histogram';
import type { Mat3, OutputSpace } from '../../../src-shared/tonemap/output-space';
import { applyTone, type ToneCache } from '../../../src-shared/tonemap/tone-map';
import type { ToneSettings } from '../../../src-shared/tonemap/tone-settings';
import { getGpuRuntime, gpuFailureReason, type GpuRequest, type GpuRuntime } from './gpu-device';
import { createGpuTone, type GpuTone, type GpuToneOptions } from './tone-gpu';

export type TonePath = 'gpu' | 'cpu';

export interface PreviewFrame {
  path: TonePath;
  /** Why the CPU path is used (null on the GPU path). */
  fallback: string | null;
  histogram: Histogram;
  /** Settings to pixels and histogram, GPU completion included. */
  millis: number;
}

export interface PreviewToneOptions {
  /** How to ask for the device; false keeps the preview on the CPU. */
  gpu?: GpuRequest | false;
  tone?: GpuToneOptions;
  /**
   * The image's colorants where its frames are not sRGB (Adobe RGB, Display P3: iccColorantMatrix of their
   * profile). Such an image is always shown through a Display P3 canvas, converted from its own space, so its
   * colours are the frames' whatever the export's space (an sRGB export of them keeps their profile).
   */
  source?: Mat3 | null;
}

/** localStorage 'luxfuse:gpu': 'off' keeps the preview on the CPU, 'software' accepts SwiftShader-like adapters. */
export function previewGpuRequest(): GpuRequest | false {
  let pref: string | null = null;
  try {
    pref = globalThis.localStorage?.getItem('luxfuse:gpu') ?? null;
  } catch {
    // Storage can be blocked; the default stands.
  }
  if (pref === 'off') return false;
  return { allowSoftware: pref === 'software' };
}

function draw(canvas: HTMLCanvasElement, output: OutputSpace, source: CanvasImageSource | ImageData): void {
  const colorSpace = output === 'display-p3' ? 'display-p3' : 'srgb';
  const { width, height } = source instanceof ImageData ? source : (source as OffscreenCanvas);
  // Assigning the size clears the canvas even when it does not change it: only when it changes.
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const ctx = canvas.getContext('2d', { colorSpace })!;
  if (source instanceof ImageData) ctx.putImageData(source, 0, 0);
  else ctx.drawImage(source, 0, 0);
}

export class PreviewTone {
  private gpu: Promise<GpuTone | null> | null = null;
  private runtime: GpuRuntime | null = null;
  private fallback: string | null = null;
  /**
   * WebGPU canvases by output space: Chromium (156) keeps tagging a canvas's frames with the
   * colour space of its first configure, so switching sRGB <-> P3 on one canvas draws wrong colours.
   */
  private readonly targets = new Map<OutputSpace, OffscreenCanvas>();
  /** The CPU path's RGBA buffer, reused across moves. */
  private pixels: Uint8ClampedArray | null = null;
  private destroyed = false;

  constructor(
    readonly cache: ToneCache,
    private readonly opts: PreviewToneOptions = {},
  ) {}

  /** The device this preview renders on (tests destroy it to simulate a loss). */
  get gpuRuntime(): GpuRuntime | null {
    return this.runtime;
  }

  private gpuTone(): Promise<GpuTone | null> {
    const req = this.opts.gpu ?? previewGpuRequest();
    if (req === false) {
      this.fallback = 'GPU preview switched off';
      return Promise.resolve(null);
    }
    return (this.gpu ??= (async () => {
      try {
        const runtime = await getGpuRuntime(req);
        const tone = await createGpuTone(runtime.device, this.cache, this.opts.tone);
        if (this.destroyed) {
          tone.destroy();
          return null;
        }
        this.runtime = runtime;
        return tone;
      } catch (error) {
        this.fallback = gpuFailureReason(error);
        return null;
      }
    })());
  }

  /** Renders the settings into canvas and returns the histogram, on the GPU unless it is unavailable or lost. */
  async render(settings: ToneSettings, asked: OutputSpace, canvas: HTMLCanvasElement): Promise<PreviewFrame> {
    const started = performance.now();
    const source = this.opts.source ?? null;
    const output: OutputSpace = source ? 'display-p3' : asked;
    const gpu = await this.gpuTone();
    if (gpu && !this.destroyed) {
      try {
        let target = this.targets.get(output);
        if (!target) this.targets.set(output, (target = new OffscreenCanvas(this.cache.width, this.cache.height)));
        const pending = gpu.apply(settings, output, target, undefined, source);
        // In the same task as the submit, while the WebGPU canvas still holds the frame.
        draw(canvas, output, target);
        const { histogram } = await pending;
        return { path: 'gpu', fallback: null, histogram, millis: performance.now() - started };
      } catch (error) {
        this.fallback = gpuFailureReason(error);
        console.warn('[preview] GPU tone pass failed, using the CPU from now on:', error);
        gpu.destroy();
        this.gpu = Promise.resolve(null);
      }
    }
    const { width, height } = this.cache;
    const n = width * height * 4;
    if (!this.pixels || this.pixels.length !== n) this.pixels = new Uint8ClampedArray(n);
    const out = applyTone(this.cache, settings, { output, out: this.pixels, source });
    const colorSpace = output === 'display-p3' ? 'display-p3' : 'srgb';
    draw(canvas, output, new ImageData(out.data as Uint8ClampedArray<ArrayBuffer>, width, height, { colorSpace }));
    return { path: 'cpu', fallback: this.fallback, histogram: cpuHistogram(out.data), millis: performance.now() - started };
  }

  destroy(): void {
    this.destroyed = true;
    void this.gpu?.then((tone) => tone?.destroy());
    this.gpu = Promise.resolve(null);
  }
}

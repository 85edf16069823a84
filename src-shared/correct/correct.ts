/**
 * Single-frame correction: an under- or over-exposed frame to (a) a scene-referred HDR estimate
 * (linear Rec.709, scene median luminance at 0.18) and (b) a well-exposed display image (linear
 * light, 0..1; sRGB-encode it to write it).
 *
 * 'classical' is the physics: the exposure error estimated from the pixels (exposure.ts), a
 * gain, and clipped highlights filled with their expected value under a log-normal scene model.
 * 'learned' runs the two DRHT networks (meta.ts) at the working resolution and lifts their
 * correction to full resolution as smooth per-pixel log-gains (HDR) and display residuals (LDR),
 * guided-filtered on the full-resolution frame, so fine detail comes from the input and the cost
 * at full resolution does not depend on the networks.
 */
import { guidedLift } from '../filters/guided-lift';
import { createLinearImage, type LinearImage } from '../image/linear-image';
import { downsample } from '../image/resample';
import { readTable, srgbDecodeTable, srgbEncodeTable } from '../image/srgb-tables';
import { asRgb, correctInput, type CorrectInput } from './correct-input';
import { denoiseDisplay, type DenoiseOptions } from './denoise';
import { CLIP_LINEAR, clippedExpectation, estimateExposure } from './exposure';
import { CORRECT_WORKING_SIDE } from './meta';

export type CorrectMethod = 'learned' | 'classical';
export const CORRECT_METHODS: readonly CorrectMethod[] = ['learned', 'classical'];

export interface CorrectOptions {
  /** Long side of the working resolution (networks, exposure estimate). */
  workingSide?: number;
  /** Classical only: clipped highlights filled with their expected value ('expected') or left at the gain ('clip'). */
  highlights?: 'expected' | 'clip';
  /** Noise removal of the display image; false to skip. */
  denoise?: DenoiseOptions | false;
}

export interface CorrectResult {
  method: CorrectMethod;
  /** Well-exposed display image: linear light, 0..1, 3 channels. */
  ldr: LinearImage;
  /** Scene-referred estimate: linear Rec.709, scene median luminance 0.18, 3 channels. */
  hdr: LinearImage;
  /** The exposure change applied to the frame, in stops (negative: it was over-exposed). */
  stops: number;
  /** Fraction of pixels with a clipped channel at working resolution. */
  clipped: number;
}

/** The networks, however they are run (onnxruntime-web WASM in Node, WebGPU or WASM in the renderer). */
export interface CorrectNets {
  /** 5 x ph x pw input (meta.ts) to 3 x ph x pw natural-log radiance. */
  hdr(input: CorrectInput): Promise<Float32Array>;
  /** 3 x ph x pw log radiance to 3 x ph x pw sRGB-encoded display values. */
  ldr(logHdr: Float32Array, paddedWidth: number, paddedHeight: number): Promise<Float32Array>;
}

const LOG_EPS = 1e-4;
/** Guided lift of the networks' corrections: window radius at working resolution, and regularisation (display luma units squared). */
const LIFT_RADIUS = 2;
const LIFT_EPS = 1e-3;

function smoothstep(a: number, b: number, v: number): number {
  const t = Math.min(1, Math.max(0, (v - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

/** The physics alone: exposure from the pixels, a gain, expected values in the clipped highlights. */
export function correctClassical(frame: LinearImage, options: CorrectOptions = {}): CorrectResult {
  const rgb = asRgb(frame);
  const work = downsample(rgb, options.workingSide ?? CORRECT_WORKING_SIDE);
  const est = estimateExposure(work);
  const g = est.gain;
  const fill = clippedExpectation(g * CLIP_LINEAR, est.tail);
  const fillHighlights = (options.highlights ?? 'expected') === 'expected';
  const { width: W, height: H } = rgb;
  const n = W * H;
  const hdr = createLinearImage(W, H, 3, { ...rgb.meta, sourceTransfer: 'linear' });
  const ldr = createLinearImage(W, H, 3, { ...rgb.meta, sourceTransfer: 'linear' });
  const d = rgb.data;
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    const r = d[i];
    const gg = d[i + 1];
    const b = d[i + 2];
    const w = fillHighlights ? smoothstep(0.94, CLIP_LINEAR, Math.max(r, gg, b)) : 0;
    let kh = g;
    let kl = g;
    if (w > 0) {
      const lum = g * (0.2126 * r + 0.7152 * gg + 0.0722 * b);
      if (lum > 0) {
        kh = g * (1 + w * (Math.max(1, fill.radiance / lum) - 1));
        kl = g * (1 + w * (Math.max(1, fill.display / lum) - 1));
      }
    }
    hdr.data[i] = kh * r;
    hdr.data[i + 1] = kh * gg;
    hdr.data[i + 2] = kh * b;
    ldr.data[i] = Math.min(1, kl * r);
    ldr.data[i + 1] = Math.min(1, kl * gg);
    ldr.data[i + 2] = Math.min(1, kl * b);
  }
  if (options.denoise !== false) denoiseDisplay(ldr, options.denoise);
  return { method: 'classical', ldr, hdr, stops: Math.log2(g), clipped: est.clipped };
}

/** The networks at working resolution, their correction lifted to the full frame. */
export async function correctLearned(frame: LinearImage, nets: CorrectNets, options: CorrectOptions = {}): Promise<CorrectResult> {
  const rgb = asRgb(frame);
  const inp = correctInput(rgb, options.workingSide ?? CORRECT_WORKING_SIDE);
  const { width: w, height: h, paddedWidth: pw, paddedHeight: ph, preGain: g0, work } = inp;
  const plane = pw * ph;
  const logHdr = await nets.hdr(inp);
  if (logHdr.length !== 3 * plane) throw new RangeError(`the HDR net returned ${logHdr.length} samples, expected 3x${ph}x${pw}`);
  const ldrW = await nets.ldr(logHdr, pw, ph);
  if (ldrW.length !== 3 * plane) throw new RangeError(`the LDR net returned ${ldrW.length} samples, expected 3x${ph}x${pw}`);

  // Working-resolution corrections relative to the physics: log-gain for HDR, linear residual for the display.
  const dec = srgbDecodeTable();
  const read = readTable;
  const logGain = new Float32Array(3 * plane);
  const ldrResidual = new Float32Array(3 * plane);
  let clipped = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = y * pw + x;
      const s = (y * w + x) * 3;
      if (inp.data[3 * plane + o] > 0) clipped++;
      for (let c = 0; c < 3; c++) {
        const lh = logHdr[c * plane + o];
        logGain[c * plane + o] = lh - Math.log(g0 * work.data[s + c] + LOG_EPS);
        const physics = Math.min(1, Math.max(0, Math.exp(lh) - LOG_EPS));
        ldrResidual[c * plane + o] = read(dec, ldrW[c * plane + o]) - physics;
      }
    }
  }

  const { width: W, height: H } = rgb;
  const n = W * H;
  const d = rgb.data;
  const enc = srgbEncodeTable();
  // The guide: display luma of the pre-gained frame, at full and at working resolution.
  const guide = new Float32Array(n);
  for (let p = 0, i = 0; p < n; p++, i += 3) {
    guide[p] = read(enc, g0 * (0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2]));
  }
  const guideLow = new Float32Array(w * h);
  for (let p = 0, i = 0; p < w * h; p++, i += 3) {
    guideLow[p] = read(enc, g0 * (0.2126 * work.data[i] + 0.7152 * work.data[i + 1] + 0.0722 * work.data[i + 2]));
  }
  const unpad = (src: Float32Array, c: number): Float32Array => {
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) out.set(src.subarray(c * plane + y * pw, c * plane + y * pw + w), y * w);
    return out;
  };
  const lift = (src: Float32Array): Float32Array[] => {
    const planes = [0, 1, 2].map((c) => unpad(src, c));
    return W === w && H === h ? planes : guidedLift(guideLow, planes, w, h, guide, W, H, LIFT_RADIUS, LIFT_EPS);
  };

  const hdr = createLinearImage(W, H, 3, { ...rgb.meta, sourceTransfer: 'linear' });
  const gains = lift(logGain);
  for (let c = 0; c < 3; c++) {
    const gp = gains[c];
    for (let p = 0; p < n; p++) hdr.data[p * 3 + c] = Math.max(0, (g0 * d[p * 3 + c] + LOG_EPS) * Math.exp(gp[p]) - LOG_EPS);
  }
  gains.length = 0;
  const ldr = createLinearImage(W, H, 3, { ...rgb.meta, sourceTransfer: 'linear' });
  const residual = lift(ldrResidual);
  for (let c = 0; c < 3; c++) {
    const rp = residual[c];
    for (let p = 0; p < n; p++) {
      const v = Math.min(1, hdr.data[p * 3 + c]) + rp[p];
      ldr.data[p * 3 + c] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  if (options.denoise !== false) denoiseDisplay(ldr, options.denoise);
  // The exposure the networks settled on: median luminance of their estimate against the frame's.
  return { method: 'learned', ldr, hdr, stops: Math.log2(g0) + medianLogGain(logGain, inp), clipped: clipped / (w * h) };
}

/** Median over unclipped working pixels of the green log-gain, in stops: how far the nets moved from the pre-gain. */
function medianLogGain(logGain: Float32Array, inp: CorrectInput): number {
  const { width: w, height: h, paddedWidth: pw, paddedHeight: ph } = inp;
  const plane = pw * ph;
  const vals: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (inp.data[3 * plane + y * pw + x] === 0) vals.push(logGain[plane + y * pw + x]);
  if (vals.length === 0) return 0;
  vals.sort((a, b) => a - b);
  return vals[vals.length >> 1] / Math.LN2;
}

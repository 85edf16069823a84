// Film-like camera curves (not sRGB) and a renderer that photographs a radiance map through one,
// as a camera writing 8-bit JPEG/PNG would: exposure, sensor noise, clipping, tone curve, quantisation.
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { srgb16ToLinearLut, srgb8ToLinearLut } from '../../../../src-shared/image/srgb';
import { gaussian, rng } from './synthetic-bracket';

/** Encoded value (0..1) of linear sensor exposure x (0..1, 1 = clip), per channel. */
export type CameraCurve = (x: number, channel: number) => number;

const logistic = (t: number): number => 1 / (1 + Math.exp(-t));

/** An S-curve on 0..1 (fixed ends), of strength a, mixed with the identity by m. */
function sCurve(e: number, a: number, m: number): number {
  const lo = logistic(-a / 2);
  const hi = logistic(a / 2);
  return (1 - m) * e + (m * (logistic(a * (e - 0.5)) - lo)) / (hi - lo);
}

/** Hable's filmic operator (toe and shoulder), white point w, normalised to 1 at x = 1. */
function hable(x: number, w: number): number {
  const f = (v: number): number => (v * (0.15 * v + 0.05) + 0.004) / (v * (0.15 * v + 0.5) + 0.06) - 0.02 / 0.3;
  return f(x * w) / f(w);
}

export const CURVES: Record<string, CameraCurve> = {
  /** Gamma 2.2 followed by a moderate S-curve: the typical camera JPEG look. */
  'gamma-s': (x) => sCurve(x ** (1 / 2.2), 5, 0.5),
  /** Hable filmic toe and shoulder, then a 2.0 gamma. */
  filmic: (x) => hable(x, 6) ** (1 / 2),
  /** Per-channel gammas (1.9 / 2.2 / 2.5) and a soft shoulder: channels that do not share a curve. */
  'per-channel': (x, c) => {
    const g = [1.9, 2.2, 2.5][c];
    const e = x ** (1 / g);
    return (1.25 * e) / (1 + 0.25 * e);
  },
  /** Grossberg-Nayar-like: a power curve perturbed by a smooth monotone wiggle. */
  'gn-like': (x) => {
    const e = x ** (1 / 2.6);
    return e + 0.05 * Math.sin(Math.PI * e) * (1 - e) * e * 4;
  },
  /** The decoders' own curve: a camera that really writes sRGB. */
  srgb: (x) => (x <= 0.0031308 ? x * 12.92 : 1.055 * x ** (1 / 2.4) - 0.055),
};

export interface CameraOptions {
  curve: CameraCurve;
  /** Shot noise: std of the signal is shot * sqrt(x) (x in 0..1 of clip). */
  shot?: number;
  /** Read noise std (0..1 of clip). */
  read?: number;
  bits?: 8 | 16;
  seed?: number;
  name?: string;
}

/** One frame: the radiance map times 2^ev, noise, clipping at 1, the curve, quantisation; decoded as sRGB like our decoders. */
export function photograph(radiance: LinearImage, ev: number, opts: CameraOptions): { frame: LinearImage; codes: Uint8Array | Uint16Array } {
  const { curve, shot = 0.01, read = 0.001, bits = 8, seed = 11, name = `ev${ev}.png` } = opts;
  const rand = rng(seed);
  const gain = 2 ** ev;
  const n = radiance.width * radiance.height * 3;
  const max = bits === 8 ? 255 : 65535;
  const codes = bits === 8 ? new Uint8Array(n) : new Uint16Array(n);
  const lut = bits === 8 ? srgb8ToLinearLut() : srgb16ToLinearLut();
  const data = new Float32Array(n);
  const rc = radiance.channels;
  for (let i = 0; i < n; i++) {
    const p = Math.floor(i / 3);
    const c = i % 3;
    let x = radiance.data[p * rc + (rc >= 3 ? c : 0)] * gain;
    x += Math.sqrt(shot * shot * Math.max(x, 0) + read * read) * gaussian(rand);
    x = Math.min(1, Math.max(0, x));
    const code = Math.round(curve(x, c) * max);
    codes[i] = code;
    data[i] = lut[code];
  }
  const frame: LinearImage = {
    width: radiance.width,
    height: radiance.height,
    channels: 3,
    data,
    ev,
    meta: { sourceName: name, sourceTransfer: 'srgb', sourceBits: bits, clipLevel: 1 },
  };
  return { frame, codes };
}

export function photographBracket(radiance: LinearImage, evs: number[], opts: CameraOptions): LinearImage[] {
  return evs.map((ev, i) => photograph(radiance, ev, { ...opts, seed: (opts.seed ?? 11) * 31 + i, name: `frame${i}.png` }).frame);
}

/**
 * Median relative error of a merge against the truth, per channel sample, over pixels unclipped
 * (no channel at the top code) in at least one frame, after one global scale: the median ratio.
 */
export function radianceError(merged: LinearImage, truth: LinearImage, frames: LinearImage[]): { median: number; p90: number; pixels: number } {
  const n = truth.width * truth.height;
  const ratios: number[] = [];
  const idx: number[] = [];
  for (let p = 0; p < n; p++) {
    const ok = frames.some((f) => Math.max(f.data[p * 3], f.data[p * 3 + 1], f.data[p * 3 + 2]) < 0.9999);
    if (!ok) continue;
    for (let c = 0; c < 3; c++) {
      const t = truth.data[p * truth.channels + c];
      if (t > 0) {
        ratios.push(merged.data[p * 3 + c] / t);
        idx.push(p * 3 + c);
      }
    }
  }
  const sorted = Float64Array.from(ratios).sort();
  const s = sorted[sorted.length >> 1];
  const errs = Float64Array.from(ratios, (r) => Math.abs(r / s - 1)).sort();
  return { median: errs[errs.length >> 1], p90: errs[Math.floor(errs.length * 0.9)], pixels: idx.length / 3 };
}

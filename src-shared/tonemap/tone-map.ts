/**
 * The tone stage: a scene-referred radiance map (or a display-referred image with operator 'none')
 * to 8-bit sRGB or Display P3, with an operator and the live controls. Order: exposure, local
 * detail (guided-filter layers of log luminance), the operator on luminance, the display curve
 * (contrast, highlights, shadows, white/black point), colour by the luminance ratio, saturation,
 * vibrance, output primaries, gamut mapping at constant luminance, transfer curve.
 * prepareTone does the per-image work once; applyTone is the per-slider-move pass, its tables and
 * constants planned by tone-plan.ts (which the WebGPU pass shares).
 */
import type { LinearImage, Rgba8Image } from '../image/linear-image';
import type { ProfileTransfer } from '../codecs/icc-trc';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { readRootTable, transferEncodeTables } from '../image/transfer-tables';
import { chromaScale, type GamutMode, type Mat3, type OutputSpace } from './output-space';
import { ToneCache } from './tone-cache';
import { layerOptions, planTone, type TonePlan } from './tone-plan';
import { readGain, readLog } from './tone-tables';
import { resolveToneSettings, type ToneSettings } from './tone-settings';

export { ToneCache } from './tone-cache';

export interface ToneOutputOptions {
  output: OutputSpace;
  /** Reused output bytes (width * height * 4); allocated when absent. */
  out?: Uint8ClampedArray;
  /**
   * 'soft' compresses near-boundary chroma smoothly; 'hard' only moves out-of-gamut colours onto the boundary. Default
   * (tone-plan.ts defaultGamut): 'hard' for an image shown as it is (operator 'none') in a space inside the output's,
   * else 'soft'.
   */
  gamut?: GamutMode;
  /**
   * The colorants of the image's linear RGB (RGB -> PCS XYZ, D50) where it is not sRGB: frames in Adobe RGB or
   * Display P3 (iccColorantMatrix of their profile). The pass converts into the output space; absent: sRGB.
   */
  source?: Mat3 | null;
  /**
   * The tone curves of an sRGB output that keeps the frames' own profile (Adobe RGB's 2.2 power: iccTransfer), which
   * the samples are encoded with instead of the sRGB curve, so that a frame's codes come back as they were. Only for
   * output 'srgb' without `source`; absent or sRGB's: the output's own curve. The WebGPU pass has no such option: the
   * preview of such frames is always Display P3 converted from `source` (PreviewTone).
   */
  transfer?: ProfileTransfer | null;
}

/** Per-image work for the stage, plus what settings (if given) will need, so the first applyTone is fast too. */
export function prepareTone(img: LinearImage, key: number, settings?: ToneSettings): ToneCache {
  const cache = new ToneCache(img, key);
  if (settings) {
    const s = resolveToneSettings(settings);
    if (s.operator === 'reinhard-local') cache.localAdaptation(s.options);
    const layers = layerOptions(s);
    if (layers) cache.detailLayers(layers.radius, layers.eps);
  }
  return cache;
}

/** Fills cache.gain with display luminance / image luminance per pixel, by the plan's formula. */
function gainPass(cache: ToneCache, plan: TonePlan): void {
  const { lum, gain } = cache;
  const n = lum.length;
  const { layers, detailGain } = plan;
  const gainAt = readGain;
  const logAt = readLog;

  if (plan.mode === 'reinhard-local') {
    const v = plan.adaptation!;
    const { ev, invWhite2: invW2, exposureGain: e, scale, table: t } = plan;
    for (let p = 0; p < n; p++) {
      const y = lum[p];
      if (!(y > 0 && y < Infinity)) {
        // NaN and negatives are black, +Infinity white (gain 1 keeps it infinite).
        gain[p] = y > 0 ? 1 : 0;
        continue;
      }
      const l = layers ? Math.exp((layers.base[p] + detailGain * layers.detail[p] + ev) * Math.LN2) : y * scale;
      let d = (l * (1 + l * invW2)) / (1 + v[p] * e);
      if (!(d < 1)) d = 1;
      gain[p] = (t ? d * gainAt(t, d) : d) / y;
    }
    return;
  }

  const table = plan.table!;
  if (plan.mode === 'log-table') {
    const { base, detail } = layers!;
    const { a, b } = plan;
    for (let p = 0; p < n; p++) {
      const y = lum[p];
      gain[p] = y > 0 && y < Infinity ? logAt(table, a * base[p] + b + detailGain * detail[p]) / y : y > 0 ? 1 : 0;
    }
    return;
  }

  for (let p = 0; p < n; p++) gain[p] = gainAt(table, lum[p]);
}

/** Relative vibrance boost for a colour with r >= g >= b in the skin-hue band (about 15..45 degrees). */
function skinGuard(r: number, g: number, b: number): number {
  if (!(r >= g && g >= b && r > b)) return 1;
  const h = (g - b) / (r - b);
  const skin = 1 - Math.abs(h - 0.45) / 0.25;
  return skin > 0 ? 1 - 0.6 * skin : 1;
}

/** A 16-bit display image (16-bit TIFF export): RGBA, 0..65535, the same encoding as the 8-bit one. */
export interface Rgba16Image {
  width: number;
  height: number;
  data: Uint16Array;
}

/** Re-renders the image for new settings from a prepared cache; only per-pixel work unless layers for new options are needed. */
export function applyTone(cache: ToneCache, settings: ToneSettings, opts: ToneOutputOptions): Rgba8Image {
  const n = cache.width * cache.height;
  const dst = opts.out ?? new Uint8ClampedArray(n * 4);
  if (dst.length !== n * 4) throw new RangeError(`output must hold ${n * 4} bytes, got ${dst.length}`);
  tonePass(cache, settings, opts, dst, 255, 0);
  return { width: cache.width, height: cache.height, data: dst };
}

/** The same pass at 16 bits per sample (rounded to nearest), for exports that keep the precision. */
export function applyTone16(cache: ToneCache, settings: ToneSettings, opts: Omit<ToneOutputOptions, 'out'>): Rgba16Image {
  const dst = new Uint16Array(cache.width * cache.height * 4);
  tonePass(cache, settings, opts, dst, 65535, 0.5);
  return { width: cache.width, height: cache.height, data: dst };
}

/**
 * The per-pixel pass into RGBA samples of full scale `top`. `bias` rounds where the array truncates
 * (Uint16Array: 0.5); Uint8ClampedArray rounds by itself (0).
 */
function tonePass(cache: ToneCache, settings: ToneSettings, opts: Omit<ToneOutputOptions, 'out'>, dst: Uint8ClampedArray | Uint16Array, top: number, bias: number): void {
  const s = resolveToneSettings(settings);
  const { width, height, image, lum, gain } = cache;
  const n = width * height;
  const plan = planTone(cache, s, opts.output, opts.gamut, opts.source ?? null);
  gainPass(cache, plan);

  const { data, channels: ch } = image;
  const g1 = ch >= 3 ? 1 : 0;
  const g2 = ch >= 3 ? 2 : 0;
  const { saturation: sat, vibrance: vib, adjust, convert, knee } = plan.colour;
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = plan.colour.matrix;
  const enc = srgbEncodeTable();
  const read = readTable;
  const kept = opts.transfer && !opts.transfer.srgb ? transferEncodeTables(opts.transfer) : null;
  if (kept && (opts.output !== 'srgb' || convert)) throw new RangeError('a kept profile\'s tone curves apply to an sRGB output of the frames\' own space only');
  const [encR, encG, encB] = kept ?? [enc, enc, enc];
  const readKept = readRootTable;
  const squeeze = chromaScale;
  const guard = skinGuard;
  for (let p = 0, i = 0, o = 0; p < n; p++, i += ch, o += 4) {
    const k = gain[p];
    const y = lum[p] * k;
    dst[o + 3] = top;
    if (!(y > 0)) {
      dst[o] = dst[o + 1] = dst[o + 2] = 0;
      continue;
    }
    if (y >= 1) {
      dst[o] = dst[o + 1] = dst[o + 2] = top;
      continue;
    }
    let r = data[i] * k;
    let g = data[i + g1] * k;
    let b = data[i + g2] * k;
    if (adjust) {
      let f = sat;
      if (vib !== 0) {
        const mx = r > g ? (r > b ? r : b) : g > b ? g : b;
        const mn0 = r < g ? (r < b ? r : b) : g < b ? g : b;
        const mn = mn0 > 0 ? mn0 : 0;
        const muted = mx > 0 ? 1 - (mx - mn) / mx : 1;
        f *= 1 + vib * muted * muted * guard(r, g, b);
      }
      r = y + f * (r - y);
      g = y + f * (g - y);
      b = y + f * (b - y);
    }
    if (convert) {
      const pr = m0 * r + m1 * g + m2 * b;
      const pg = m3 * r + m4 * g + m5 * b;
      b = m6 * r + m7 * g + m8 * b;
      r = pr;
      g = pg;
    }
    const mx = r > g ? (r > b ? r : b) : g > b ? g : b;
    const mn = r < g ? (r < b ? r : b) : g < b ? g : b;
    if (mx - y > knee * (1 - y) || y - mn > knee * y) {
      const up = (mx - y) / (1 - y);
      const down = (y - mn) / y;
      const t = squeeze(up > down ? up : down, knee);
      r = y + t * (r - y);
      g = y + t * (g - y);
      b = y + t * (b - y);
    }
    if (kept) {
      dst[o] = readKept(encR, r) * top + bias;
      dst[o + 1] = readKept(encG, g) * top + bias;
      dst[o + 2] = readKept(encB, b) * top + bias;
    } else {
      dst[o] = read(enc, r) * top + bias;
      dst[o + 1] = read(enc, g) * top + bias;
      dst[o + 2] = read(enc, b) * top + bias;
    }
  }
}

/** One-shot tone mapping (export, CLI): prepare and apply. For live previews keep the cache of prepareTone instead. */
export function toneMap(img: LinearImage, settings: ToneSettings, opts: ToneOutputOptions & { key: number }): Rgba8Image {
  return applyTone(prepareTone(img, opts.key, settings), settings, opts);
}

/** One-shot tone mapping at 16 bits per sample. */
export function toneMap16(img: LinearImage, settings: ToneSettings, opts: Omit<ToneOutputOptions, 'out'> & { key: number }): Rgba16Image {
  return applyTone16(prepareTone(img, opts.key, settings), settings, opts);
}

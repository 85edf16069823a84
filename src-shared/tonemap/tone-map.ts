/**
 * The tone stage: a scene-referred radiance map (or a display-referred image with operator 'none')
 * to 8-bit sRGB or Display P3, with an operator and the live controls. Order: exposure, local
 * detail (guided-filter layers of log luminance), the operator on luminance, the display curve
 * (contrast, highlights, shadows, white/black point), colour by the luminance ratio, saturation,
 * vibrance, output primaries, gamut mapping at constant luminance, transfer curve.
 * prepareTone does the per-image work once; applyTone is the per-slider-move pass.
 */
import type { LinearImage, Rgba8Image } from '../image/linear-image';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { displayCurve, isNeutralCurve } from './display-curve';
import { dragoCurve, filmicCurve, LOG2_MID_GREY, reinhardCurve, softShoulder } from './operators';
import { chromaScale, SOFT_KNEE, SRGB_TO_DISPLAY_P3, type GamutMode, type OutputSpace } from './output-space';
import { DETAIL_LAYER_OPTIONS, ToneCache, type DetailLayers } from './tone-cache';
import { buildGainTable, buildLogTable, readGain, readLog } from './tone-tables';
import { resolveToneSettings, type ResolvedToneSettings, type ToneSettings } from './tone-settings';

export { ToneCache } from './tone-cache';

/** The detail control d gives the detail layer a gain of DETAIL_BASE^d (1/3 .. 3). */
const DETAIL_BASE = 3;
/** Stops of base-layer range that the local-contrast operator aims to fit on the display. */
const TARGET_STOPS = 6;

export interface ToneOutputOptions {
  output: OutputSpace;
  /** Reused output bytes (width * height * 4); allocated when absent. */
  out?: Uint8ClampedArray;
  /** 'soft' (default) compresses near-boundary chroma smoothly; 'hard' only moves out-of-gamut colours onto the boundary. */
  gamut?: GamutMode;
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

/** The guided-filter layers the settings need: always for local-contrast, for any operator when detail is not neutral. */
function layerOptions(s: ResolvedToneSettings): { radius: number; eps: number } | null {
  if (s.operator === 'local-contrast') return s.options;
  return s.detail !== 0 ? DETAIL_LAYER_OPTIONS : null;
}

/** The global operator's luminance curve (key-scaled scene luminance after exposure -> display 0..1). */
function globalCurve(s: ResolvedToneSettings, cache: ToneCache): (l: number) => number {
  switch (s.operator) {
    case 'none':
      return (l) => (l < 1 ? l : 1);
    case 'reinhard':
      return reinhardCurve(s.options.whiteStops);
    case 'drago':
      return dragoCurve(s.options.bias, cache.whiteLum);
    case 'filmic':
      return filmicCurve(s.options.curve);
    default:
      throw new RangeError(`${s.operator} is not a global operator`);
  }
}

/** Fills cache.gain with display luminance / image luminance per pixel. */
function gainPass(cache: ToneCache, s: ResolvedToneSettings): void {
  const { lum, gain, key } = cache;
  const n = lum.length;
  const ev = s.exposure;
  const curve = displayCurve(s);
  const detailGain = DETAIL_BASE ** s.detail;
  const lo = layerOptions(s);
  const layers: DetailLayers | null = lo ? cache.detailLayers(lo.radius, lo.eps) : null;
  const gainAt = readGain;
  const logAt = readLog;

  if (s.operator === 'reinhard-local') {
    const v = cache.localAdaptation(s.options);
    const white = 0.18 * 2 ** s.options.whiteStops;
    const invW2 = 1 / (white * white);
    const e = 2 ** ev;
    const scale = key * e;
    const t = isNeutralCurve(s) ? null : buildGainTable(curve, cache.table);
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

  if (layers) {
    const { base, detail } = layers;
    let a = 1;
    let b = ev;
    let table: Float32Array;
    if (s.operator === 'local-contrast') {
      const c = layers.baseRange > TARGET_STOPS ? (TARGET_STOPS / layers.baseRange) ** s.options.compression : 1;
      // Compress the base around mid-grey (where the key put the log-average); exposure after it.
      a = c;
      b = (1 - c) * LOG2_MID_GREY + ev;
      table = buildLogTable((l) => curve(softShoulder(l)), cache.table);
    } else {
      const op = globalCurve(s, cache);
      // 'none' is display-referred: undo the key the layers were built with.
      if (s.operator === 'none') b -= Math.log2(key);
      table = buildLogTable((l) => curve(op(l)), cache.table);
    }
    for (let p = 0; p < n; p++) {
      const y = lum[p];
      gain[p] = y > 0 && y < Infinity ? logAt(table, a * base[p] + b + detailGain * detail[p]) / y : y > 0 ? 1 : 0;
    }
    return;
  }

  const op = globalCurve(s, cache);
  const scale = (s.operator === 'none' ? 1 : key) * 2 ** ev;
  const table = buildGainTable((y) => curve(op(y * scale)), cache.table);
  for (let p = 0; p < n; p++) gain[p] = gainAt(table, lum[p]);
}

/** Relative vibrance boost for a colour with r >= g >= b in the skin-hue band (about 15..45 degrees). */
function skinGuard(r: number, g: number, b: number): number {
  if (!(r >= g && g >= b && r > b)) return 1;
  const h = (g - b) / (r - b);
  const skin = 1 - Math.abs(h - 0.45) / 0.25;
  return skin > 0 ? 1 - 0.6 * skin : 1;
}

/** Re-renders the image for new settings from a prepared cache; only per-pixel work unless layers for new options are needed. */
export function applyTone(cache: ToneCache, settings: ToneSettings, opts: ToneOutputOptions): Rgba8Image {
  const s = resolveToneSettings(settings);
  if (opts.output !== 'srgb' && opts.output !== 'display-p3') throw new RangeError(`unknown output space ${String(opts.output)}`);
  const gamut = opts.gamut ?? 'soft';
  if (gamut !== 'soft' && gamut !== 'hard') throw new RangeError(`unknown gamut mode ${String(gamut)}`);
  const { width, height, image, lum, gain } = cache;
  const n = width * height;
  const dst = opts.out ?? new Uint8ClampedArray(n * 4);
  if (dst.length !== n * 4) throw new RangeError(`output must hold ${n * 4} bytes, got ${dst.length}`);
  gainPass(cache, s);

  const { data, channels: ch } = image;
  const g1 = ch >= 3 ? 1 : 0;
  const g2 = ch >= 3 ? 2 : 0;
  const sat = 1 + s.saturation;
  const vib = s.vibrance;
  const adjust = sat !== 1 || vib !== 0;
  const p3 = opts.output === 'display-p3';
  const [m0, m1, m2, m3, m4, m5, m6, m7, m8] = SRGB_TO_DISPLAY_P3;
  const knee = gamut === 'soft' ? SOFT_KNEE : 1;
  const enc = srgbEncodeTable();
  const read = readTable;
  const squeeze = chromaScale;
  const guard = skinGuard;
  for (let p = 0, i = 0, o = 0; p < n; p++, i += ch, o += 4) {
    const k = gain[p];
    const y = lum[p] * k;
    dst[o + 3] = 255;
    if (!(y > 0)) {
      dst[o] = dst[o + 1] = dst[o + 2] = 0;
      continue;
    }
    if (y >= 1) {
      dst[o] = dst[o + 1] = dst[o + 2] = 255;
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
    if (p3) {
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
    dst[o] = read(enc, r) * 255;
    dst[o + 1] = read(enc, g) * 255;
    dst[o + 2] = read(enc, b) * 255;
  }
  return { width, height, data: dst };
}

/** One-shot tone mapping (export, CLI): prepare and apply. For live previews keep the cache of prepareTone instead. */
export function toneMap(img: LinearImage, settings: ToneSettings, opts: ToneOutputOptions & { key: number }): Rgba8Image {
  return applyTone(prepareTone(img, opts.key, settings), settings, opts);
}

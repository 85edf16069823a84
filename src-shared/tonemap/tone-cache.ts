/**
 * Per-image state of the tone stage, computed once per merge so that a slider move only re-runs
 * the cheap per-pixel pass: luminance, its white level, and (on first need) the guided-filter
 * base/detail layers of log luminance and Reinhard's local adaptation. Also owns the buffers the
 * per-pixel pass reuses. One cache per image and key; not shared between threads.
 */
import type { BoxScratch } from '../filters/box-filter';
import { guidedFilter, GuidedWorkspace } from '../filters/guided-filter';
import type { LinearImage } from '../image/linear-image';
import { reinhardAdaptation, type AdaptationOptions } from './local-adaptation';
import { LOG2_MID_GREY } from './operators';
import { LUMA_B, LUMA_G, LUMA_R } from './output-space';
import { TABLE_LENGTH } from './tone-tables';
import { defaultOptions, type OperatorOptions } from './tone-settings';

/** Log luminance is floored here (stops relative to mid-grey, about 2^-30) and capped at +40 stops, so filters see finite numbers. */
const LOG_FLOOR = -30;
const LOG_CEIL = 40;
/** Key-scaled luminance is clamped to this for the running-sum blurs (28 stops over mid-grey). */
const LUM_CEIL = 0.18 * 2 ** 28;
/** Quantile taken as the white level: the top 0.05% (hot pixels, specular points, a sun disc) may clip. */
const WHITE_QUANTILE = 0.9995;
/** Percentiles of the base layer that define its range for the local-contrast compression. */
const BASE_LOW = 0.005;
const BASE_HIGH = 0.995;

export interface DetailLayers {
  radiusPx: number;
  eps: number;
  /** Guided-filtered log2 of key-scaled luminance. */
  base: Float32Array;
  /** log2 of key-scaled luminance minus base. */
  detail: Float32Array;
  /** Stops between the 0.5th and 99.5th percentile of base. */
  baseRange: number;
  /** Middle of that range (log2, key-scaled). */
  baseMiddle: number;
}

interface Adaptation extends AdaptationOptions {
  /** Reinhard's V1(s_m), key-scaled at exposure 0. */
  v: Float32Array;
}

/** Quantiles of log2 values from a histogram at 1/16 stop over LOG_FLOOR..LOG_CEIL. */
class LogHistogram {
  private static readonly PER_STOP = 16;
  /** A float32's bits >>> 19 (exponent and 4 mantissa bits) minus this is its bin: no log per sample. */
  private static readonly BITS_BASE = (127 + LOG_FLOOR) << 4;
  private readonly counts = new Uint32Array((LOG_CEIL - LOG_FLOOR) * LogHistogram.PER_STOP + 1);
  private total = 0;

  private count(b: number): void {
    this.counts[b < 0 ? 0 : b >= this.counts.length ? this.counts.length - 1 : b]++;
    this.total++;
  }

  /** Adds log2 of every positive finite value, binned by its float bits (even in the mantissa, within 1/16 stop). */
  addBitsOf(values: Float32Array): void {
    const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
    const counts = this.counts;
    const last = counts.length - 1;
    const base = LogHistogram.BITS_BASE;
    let added = 0;
    for (let i = 0; i < bits.length; i++) {
      const u = bits[i];
      // Sign bit clear and below the all-ones exponent: positive and finite (0 falls in bin 0).
      if (u >= 0x7f800000 || u === 0) continue;
      const b = (u >>> 19) - base;
      counts[b < 0 ? 0 : b > last ? last : b]++;
      added++;
    }
    this.total += added;
  }

  addLog(x: number): void {
    this.count(Math.floor((x - LOG_FLOOR) * LogHistogram.PER_STOP));
  }

  /** Upper edge (log2) of the bin holding quantile q. */
  quantile(q: number): number {
    const target = q * this.total;
    let acc = 0;
    for (let i = 0; i < this.counts.length; i++) {
      acc += this.counts[i];
      if (acc >= target) return LOG_FLOOR + (i + 1) / LogHistogram.PER_STOP;
    }
    return LOG_CEIL;
  }
}

export class ToneCache {
  readonly image: LinearImage;
  /** 0.18 / log-average luminance, as autoKey gives it for the merge. */
  readonly key: number;
  readonly width: number;
  readonly height: number;
  /** Linear Rec. 709 luminance of every pixel, as in the image (not key-scaled). */
  readonly lum: Float32Array;
  /** Key-scaled luminance that all but 0.05% of the pixels stay under (Drago's Lw_max). */
  readonly whiteLum: number;
  /** Per-pixel output gain, rewritten by every applyTone. */
  readonly gain: Float32Array;
  /** Curve table, rewritten by every applyTone. */
  readonly table = new Float32Array(TABLE_LENGTH);
  private layers: DetailLayers | null = null;
  private adaptation: Adaptation | null = null;

  constructor(image: LinearImage, key: number) {
    const { width, height, channels: ch, data } = image;
    const n = width * height;
    if (data.length !== n * ch) throw new RangeError(`image has ${data.length} samples for ${width}x${height}x${ch}`);
    if (!(key > 0 && key < Infinity)) throw new RangeError(`key must be a positive number, got ${key}`);
    this.image = image;
    this.key = key;
    this.width = width;
    this.height = height;
    this.lum = new Float32Array(n);
    this.gain = new Float32Array(n);
    const g1 = ch >= 3 ? 1 : 0;
    const g2 = ch >= 3 ? 2 : 0;
    const lum = this.lum;
    for (let p = 0, i = 0; p < n; p++, i += ch) lum[p] = LUMA_R * data[i] + LUMA_G * data[i + g1] + LUMA_B * data[i + g2];
    const hist = new LogHistogram();
    // Key-scaled in float32, binned by bits: no log and no method call per pixel.
    const scaled = this.gain;
    for (let p = 0; p < n; p++) scaled[p] = lum[p] * key;
    hist.addBitsOf(scaled);
    this.whiteLum = 2 ** hist.quantile(WHITE_QUANTILE);
  }

  /**
   * Box-filter scratch whose row plane is the gain buffer: it is rewritten by every applyTone
   * anyway, and fresh planes are costly to first touch (page faults), so prepare borrows it.
   */
  private scratch(): BoxScratch {
    return { rows: this.gain, cols: new Float64Array(this.width) };
  }

  /** Base/detail decomposition for a radius (fraction of the longer side) and eps (stops^2); computed once per pair. */
  detailLayers(radius: number, eps: number): DetailLayers {
    const radiusPx = Math.max(1, Math.round(radius * Math.max(this.width, this.height)));
    const cached = this.layers;
    if (cached && cached.radiusPx === radiusPx && cached.eps === eps) return cached;
    const { width: w, height: h, lum, key } = this;
    const n = w * h;
    // Drop the old layers first: at 24 MP each pair is 200 MB.
    this.layers = null;
    const log = new Float32Array(n);
    for (let p = 0; p < n; p++) {
      const y = lum[p] * key;
      // NaN and negatives floor, +Infinity caps: the running sums need finite numbers.
      log[p] = y > 0 ? Math.min(LOG_CEIL, Math.max(LOG_FLOOR, Math.log2(y) - LOG2_MID_GREY)) + LOG2_MID_GREY : LOG_FLOOR + LOG2_MID_GREY;
    }
    const base = guidedFilter(log, log, w, h, radiusPx, eps, new Float32Array(n), new GuidedWorkspace(w, h, this.scratch()));
    const hist = new LogHistogram();
    for (let p = 0; p < n; p++) {
      log[p] -= base[p];
      hist.addLog(base[p] - LOG2_MID_GREY);
    }
    const lo = hist.quantile(BASE_LOW);
    const hi = hist.quantile(BASE_HIGH);
    this.layers = { radiusPx, eps, base, detail: log, baseRange: hi - lo, baseMiddle: (hi + lo) / 2 + LOG2_MID_GREY };
    return this.layers;
  }

  /** Reinhard's local adaptation for phi and threshold; computed once per pair. */
  localAdaptation(opts: AdaptationOptions): Float32Array {
    const cached = this.adaptation;
    if (cached && cached.phi === opts.phi && cached.threshold === opts.threshold) return cached.v;
    this.adaptation = null;
    const { lum, key } = this;
    const scaled = new Float32Array(lum.length);
    for (let p = 0; p < lum.length; p++) {
      const y = lum[p] * key;
      scaled[p] = y > 0 ? (y < LUM_CEIL ? y : LUM_CEIL) : 0;
    }
    const v = reinhardAdaptation(scaled, this.width, this.height, opts, this.scratch());
    this.adaptation = { phi: opts.phi, threshold: opts.threshold, v };
    return v;
  }
}

/** The local-contrast options the detail control uses when another operator is selected. */
export const DETAIL_LAYER_OPTIONS: Readonly<OperatorOptions['local-contrast']> = defaultOptions('local-contrast');

/**
 * What one tone render needs beyond the per-image cache, derived from the settings once per slider
 * move: which gain formula runs, its luminance table (built here, by the CPU table code), its
 * constants, the per-pixel planes it reads, and the colour stage's constants. applyTone (CPU) and
 * the WebGPU pass (src-renderer/src/gpu/tone-gpu.ts) both consume a plan, so they can differ only
 * in per-pixel float arithmetic, which a golden test bounds.
 */
import { displayCurve, isNeutralCurve } from './display-curve';
import { dragoCurve, filmicCurve, LOG2_MID_GREY, reinhardCurve, softShoulder } from './operators';
import { iccColorants } from '../codecs/icc';
import { DISPLAY_P3_PRIMARIES, invert, multiply, SOFT_KNEE, SRGB_PRIMARIES, SRGB_TO_DISPLAY_P3, type GamutMode, type Mat3, type OutputSpace } from './output-space';
import { DETAIL_LAYER_OPTIONS, type DetailLayers, type ToneCache } from './tone-cache';
import { buildGainTable, buildLogTable } from './tone-tables';
import type { ResolvedToneSettings } from './tone-settings';

/** The detail control d gives the detail layer a gain of DETAIL_BASE^d (1/3 .. 3). */
const DETAIL_BASE = 3;
/** Stops of base-layer range that the local-contrast operator aims to fit on the display. */
const TARGET_STOPS = 6;

/**
 * How the per-pixel gain (display luminance / image luminance) is found:
 * - 'gain-table': readGain(table, lum), a global curve with no layers;
 * - 'log-table': readLog(table, a * base + b + detailGain * detail) / lum, the detail layers;
 * - 'reinhard-local': Reinhard's local operator on the adaptation plane, then the display curve's
 *   gain table (none when the curve is neutral).
 */
export type GainMode = 'gain-table' | 'log-table' | 'reinhard-local';

export interface ToneColour {
  /** 1 + saturation: the chroma factor before vibrance. */
  saturation: number;
  vibrance: number;
  /** Whether saturation or vibrance moves chroma at all. */
  adjust: boolean;
  /** Whether the working RGB is converted (with matrix) into the output's: Display P3 output, or frames in another space. */
  convert: boolean;
  /** Linear working RGB -> linear output RGB, row-major (identity where convert is false). */
  matrix: Mat3;
  /** Chroma fraction where gamut compression starts: SOFT_KNEE, or 1 for 'hard'. */
  knee: number;
}

export interface TonePlan {
  mode: GainMode;
  /** The curve table of the mode ('reinhard-local': null when the display curve is neutral); it is cache.table, rewritten by the next plan. */
  table: Float32Array | null;
  /** Guided-filter layers read by 'log-table', and by 'reinhard-local' when detail is not neutral. */
  layers: DetailLayers | null;
  /** Reinhard's V1(s_m) per pixel ('reinhard-local' only). */
  adaptation: Float32Array | null;
  /** 'log-table': the base layer's slope in x = a * base + b + detailGain * detail. */
  a: number;
  b: number;
  detailGain: number;
  /** Exposure in stops and as a gain ('reinhard-local'). */
  ev: number;
  exposureGain: number;
  /** 'reinhard-local' without layers: key * 2^ev on the image luminance. */
  scale: number;
  /** 'reinhard-local': 1 / white^2 of Reinhard's eq. 4. */
  invWhite2: number;
  colour: ToneColour;
}

/** The guided-filter layers the settings need: always for local-contrast, for any operator when detail is not neutral. */
export function layerOptions(s: ResolvedToneSettings): { radius: number; eps: number } | null {
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

/**
 * The gamut mapping a render gets when none is asked for: 'hard' for an image shown as it is (operator 'none': a
 * fusion, display-referred) whose colour space fits inside the output's, so the colours it has come out as they are
 * (a soft knee would pull the most saturated of them, on the boundary, 2-3 % of their chroma towards grey: sRGB's red
 * 255,0,0 came out 253,16,16); 'soft' for a tone-mapped radiance map, whose bright saturated colours go far out, and
 * for frames in a wider space than the output's (Adobe RGB into sRGB), where texture in the colours beyond is kept.
 */
export function defaultGamut(s: Pick<ResolvedToneSettings, 'operator'>, matrix: Mat3 | null): GamutMode {
  return s.operator === 'none' && fitsInside(matrix) ? 'hard' : 'soft';
}

/** Whether the working RGB cube maps inside the output's (each primary within 0..1, a ten-thousandth's slack). */
function fitsInside(matrix: Mat3 | null): boolean {
  if (!matrix) return true;
  return matrix.every((v) => v >= -1e-4) && [0, 3, 6].every((row) => matrix[row] + matrix[row + 1] + matrix[row + 2] <= 1 + 1e-4);
}

/** The colour stage's constants; throws a RangeError for an unknown output space or gamut mode (none: defaultGamut). */
export function planColour(s: ResolvedToneSettings, output: OutputSpace, gamut?: GamutMode, source: Mat3 | null = null): ToneColour {
  if (output !== 'srgb' && output !== 'display-p3') throw new RangeError(`unknown output space ${String(output)}`);
  const matrix = outputMatrix(output, source);
  gamut ??= defaultGamut(s, matrix);
  if (gamut !== 'soft' && gamut !== 'hard') throw new RangeError(`unknown gamut mode ${String(gamut)}`);
  const saturation = 1 + s.saturation;
  return {
    saturation,
    vibrance: s.vibrance,
    adjust: saturation !== 1 || s.vibrance !== 0,
    convert: matrix !== null,
    matrix: matrix ?? IDENTITY,
    knee: gamut === 'soft' ? SOFT_KNEE : 1,
  };
}

const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

/**
 * Linear working RGB -> linear output RGB, or null where they are one space. `source` is the working RGB's
 * colorants as an ICC profile gives them (RGB -> PCS XYZ, D50: iccColorantMatrix of the frames' profile);
 * null means the frames are sRGB (Rec. 709 primaries). The output's colorants are built the same way, so the
 * chromatic adaptation to D50 cancels between the two.
 */
export function outputMatrix(output: OutputSpace, source: Mat3 | null = null): Mat3 | null {
  if (!source) return output === 'display-p3' ? SRGB_TO_DISPLAY_P3 : null;
  return multiply(invert(iccColorants(output === 'display-p3' ? DISPLAY_P3_PRIMARIES : SRGB_PRIMARIES)), source);
}

/**
 * The plan of one render: fills cache.table for the settings (and computes the cache's layers or
 * adaptation on first need). Everything else per pixel is the formula of the plan's mode.
 */
export function planTone(cache: ToneCache, s: ResolvedToneSettings, output: OutputSpace, gamut?: GamutMode, source: Mat3 | null = null): TonePlan {
  const colour = planColour(s, output, gamut, source);
  const ev = s.exposure;
  const curve = displayCurve(s);
  const detailGain = DETAIL_BASE ** s.detail;
  const lo = layerOptions(s);
  const layers = lo ? cache.detailLayers(lo.radius, lo.eps) : null;
  const plan: TonePlan = {
    mode: 'gain-table',
    table: null,
    layers,
    adaptation: null,
    a: 1,
    b: ev,
    detailGain,
    ev,
    exposureGain: 2 ** ev,
    scale: 1,
    invWhite2: 0,
    colour,
  };

  if (s.operator === 'reinhard-local') {
    const white = 0.18 * 2 ** s.options.whiteStops;
    plan.mode = 'reinhard-local';
    plan.adaptation = cache.localAdaptation(s.options);
    plan.invWhite2 = 1 / (white * white);
    plan.scale = cache.key * plan.exposureGain;
    plan.table = isNeutralCurve(s) ? null : buildGainTable(curve, cache.table);
    return plan;
  }

  if (layers) {
    plan.mode = 'log-table';
    if (s.operator === 'local-contrast') {
      const c = layers.baseRange > TARGET_STOPS ? (TARGET_STOPS / layers.baseRange) ** s.options.compression : 1;
      // Compress the base around mid-grey (where the key put the log-average); exposure after it.
      plan.a = c;
      plan.b = (1 - c) * LOG2_MID_GREY + ev;
      plan.table = buildLogTable((l) => curve(softShoulder(l)), cache.table);
    } else {
      const op = globalCurve(s, cache);
      // 'none' is display-referred: undo the key the layers were built with.
      if (s.operator === 'none') plan.b -= Math.log2(cache.key);
      plan.table = buildLogTable((l) => curve(op(l)), cache.table);
    }
    return plan;
  }

  const op = globalCurve(s, cache);
  const scale = (s.operator === 'none' ? 1 : cache.key) * plan.exposureGain;
  plan.table = buildGainTable((y) => curve(op(y * scale)), cache.table);
  return plan;
}

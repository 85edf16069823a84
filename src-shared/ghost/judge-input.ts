/**
 * Pre- and post-processing of the judge network (resources/models/judge.md), pure. The judge looks at
 * one (reference, frame k) pair at a time with shared weights, so any number of frames works: the
 * frames are area-downsampled to JUDGE_SIDE, the classical detector (detect.ts) runs there and gives
 * the pair's intensity mapping and its own uncertainty, and each pair becomes JUDGE_CHANNELS planes:
 *   0-2  frame k, sRGB-encoded level of full scale (0..1)
 *   3-5  the reference mapped to frame k's exposure (detect.ts's level map, median): exposure-aligned
 *   6-8  frame k's signed distance from that prediction in noise units, capped at JUDGE_Z_CAP, / cap
 *        (half-open where the reference is clipped or black: it only bounds the reading)
 *   9    the classical detector's uncertainty for frame k (0.5 at its threshold)
 *   10   the reference's brightest channel (0..1): where the reference itself is clipped
 * The network returns per pair a ghost probability (0.5 at its threshold); the masks get the same
 * morphology as detect.ts's and are read at the frames' size by nearest lookup.
 */
import { downsample } from '../image/resample';
import type { LinearImage } from '../image/linear-image';
import { expandPlane, nearestIndex, planeArea, scaledPlane, type ScaledPlane } from '../image/scaled-plane';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { cleanGhostMask, detectGhosts, EXCLUDE_RADIUS, fullScale, LEVELS, levelMap, type GhostDetection, type LevelMap } from './detect';
import { dilate } from './morphology';

export const JUDGE_MODEL_FILE = 'judge.onnx';
export const JUDGE_INPUT = 'pairs';
export const JUDGE_OUTPUT = 'uncertainty';
/** Working resolution: frames are judged at most this many pixels on their long side. */
export const JUDGE_SIDE = 512;
export const JUDGE_CHANNELS = 11;
/** The network downsamples twice: the planes are padded (edge) to multiples of this. */
export const JUDGE_MULTIPLE = 4;
/** Noise units the distance planes are capped at. */
export const JUDGE_Z_CAP = 5;
/** Ghost probability from which a pixel is masked. */
export const DEFAULT_JUDGE_THRESHOLD = 0.5;

export interface JudgeInput {
  /** Working size (before padding) and the frames' size. */
  width: number;
  height: number;
  paddedWidth: number;
  paddedHeight: number;
  fullWidth: number;
  fullHeight: number;
  reference: number;
  /** The frame index of each pair, in order: every frame but the reference. */
  pairs: number[];
  /** pairs x JUDGE_CHANNELS x paddedHeight x paddedWidth, the network's input. */
  data: Float32Array;
  /** Per frame, its working-resolution encoded levels (RGB interleaved, 0..1). */
  encoded: Float32Array[];
}

export interface JudgeInputOptions {
  reference: number;
  /** Long side of the working resolution; default JUDGE_SIDE. */
  side?: number;
}

/** A frame's sRGB-encoded levels of full scale (0..1), RGB interleaved, as detect.ts compares them. */
export function encodeFrame(frame: LinearImage): Float32Array {
  const { width: w, height: h, channels: ch, data } = frame;
  const enc = srgbEncodeTable();
  const inv = 1 / fullScale(frame);
  const out = new Float32Array(w * h * 3);
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = readTable(enc, data[p * ch + (ch >= 3 ? c : 0)] * inv);
  }
  return out;
}

/** The prediction planes of one pair: reference mapped to frame k, and k's capped signed distance from it. */
function pairPlanes(ref: Float32Array, k: Float32Array, map: LevelMap, mapped: Float32Array, z: Float32Array): void {
  const { median, sigma, side, bound } = map;
  const top = LEVELS - 1;
  const n = ref.length / 3;
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < n; p++) {
      const pos = Math.min(1, Math.max(0, ref[p * 3 + c])) * top;
      const j = pos >= top ? top - 1 : pos | 0;
      const t = pos - j;
      const o = c * LEVELS + j;
      const near = t < 0.5 ? o : o + 1;
      const m = median[o] + t * (median[o + 1] - median[o]);
      const s = sigma[o] + t * (sigma[o + 1] - sigma[o]);
      const sd = side[near];
      const lo = sd === 0 ? m : sd > 0 ? bound[near] : -Infinity;
      const hi = sd === 0 ? m : sd > 0 ? Infinity : bound[near];
      const v = k[p * 3 + c];
      const gap = v < lo ? v - lo : v > hi ? v - hi : 0;
      mapped[c * n + p] = m;
      z[c * n + p] = Math.min(JUDGE_Z_CAP, Math.max(-JUDGE_Z_CAP, gap / s)) / JUDGE_Z_CAP;
    }
  }
}

/** Copies a w x h plane into a pw x ph one, repeating the last column and row. */
function padPlane(src: Float32Array, w: number, h: number, pw: number, ph: number, dst: Float32Array, offset: number): void {
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(h - 1, y) * w;
    for (let x = 0; x < pw; x++) dst[offset + y * pw + x] = src[sy + Math.min(w - 1, x)];
  }
}

/** The network's input for a bracket and a reference frame. */
export function judgeInput(frames: LinearImage[], options: JudgeInputOptions): JudgeInput {
  const { reference } = options;
  const side = options.side ?? JUDGE_SIDE;
  if (frames.length < 2) throw new RangeError(`the judge needs at least 2 frames, got ${frames.length}`);
  if (!Number.isInteger(side) || side < 16) throw new RangeError(`the working side must be a whole number >= 16, got ${side}`);
  if (!Number.isInteger(reference) || reference < 0 || reference >= frames.length) {
    throw new RangeError(`reference must be a frame index 0..${frames.length - 1}, got ${reference}`);
  }
  const { width: fw, height: fh } = frames[0];
  for (const f of frames) if (f.width !== fw || f.height !== fh) throw new RangeError(`frames differ in size: ${f.width}x${f.height} and ${fw}x${fh}`);
  const work = frames.map((f) => downsample(f, side));
  const { width: w, height: h } = work[0];
  const pw = Math.ceil(w / JUDGE_MULTIPLE) * JUDGE_MULTIPLE;
  const ph = Math.ceil(h / JUDGE_MULTIPLE) * JUDGE_MULTIPLE;
  const n = w * h;
  const classical = detectGhosts(work, { reference });
  const encoded = work.map(encodeFrame);
  const ref = encoded[reference];
  const pairs = frames.map((_, i) => i).filter((i) => i !== reference);
  const plane = ph * pw;
  const data = new Float32Array(pairs.length * JUDGE_CHANNELS * plane);
  const planes = new Float32Array(JUDGE_CHANNELS * n);
  pairs.forEach((k, pi) => {
    const enc = encoded[k];
    for (let c = 0; c < 3; c++) for (let p = 0; p < n; p++) planes[c * n + p] = enc[p * 3 + c];
    pairPlanes(ref, enc, classical.fromReference[k]!, planes.subarray(3 * n, 6 * n), planes.subarray(6 * n, 9 * n));
    planes.set(expandPlane(classical.frameUncertainty[k]!), 9 * n);
    for (let p = 0; p < n; p++) planes[10 * n + p] = Math.max(ref[p * 3], ref[p * 3 + 1], ref[p * 3 + 2]);
    for (let c = 0; c < JUDGE_CHANNELS; c++) padPlane(planes.subarray(c * n, (c + 1) * n), w, h, pw, ph, data, (pi * JUDGE_CHANNELS + c) * plane);
  });
  return { width: w, height: h, paddedWidth: pw, paddedHeight: ph, fullWidth: fw, fullHeight: fh, reference, pairs, data, encoded };
}

/**
 * The detection from the network's output (pairs x paddedHeight x paddedWidth ghost probabilities):
 * rescaled so `threshold` reads 0.5, thresholded, opened, closed and hole-filled as detect.ts does,
 * and kept at the working size, read at the frames' size by nearest lookup (ScaledPlane); each
 * frame's level map from the reference is learnt again without what the judge masked.
 */
export function judgeDetection(input: JudgeInput, probability: Float32Array, threshold = DEFAULT_JUDGE_THRESHOLD): GhostDetection {
  const { width: w, height: h, paddedWidth: pw, paddedHeight: ph, fullWidth: fw, fullHeight: fh, reference, pairs, encoded } = input;
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`the judge threshold must be in (0, 1), got ${threshold}`);
  if (probability.length !== pairs.length * pw * ph) throw new RangeError(`${probability.length} probabilities for ${pairs.length} pairs of ${pw}x${ph}`);
  const n = w * h;
  const shift = Math.log(threshold / (1 - threshold));
  const frames = encoded.length;
  const frameMasks: (ScaledPlane<Uint8Array> | null)[] = new Array(frames).fill(null);
  // Per frame only the masks: the uncertainty is kept as the union's (see GhostDetection.frameUncertainty).
  const frameUncertainty: (ScaledPlane | null)[] = new Array(frames).fill(null);
  const fromReference: (LevelMap | null)[] = new Array(frames).fill(null);
  const mask = new Uint8Array(n);
  const cols = nearestIndex(w, fw);
  const rows = nearestIndex(h, fh);
  // The union's uncertainty at the working size: nearest upsampling picks the same working pixel for every
  // frame, so this read at full size is the maximum of the frames' upsampled maps.
  const unsureLow = new Float32Array(n);
  const u = new Float32Array(n);
  pairs.forEach((k, pi) => {
    let binary: Uint8Array = new Uint8Array(n);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const q = Math.min(1 - 1e-7, Math.max(1e-7, probability[pi * pw * ph + y * pw + x]));
        const v = shift === 0 ? q : 1 / (1 + Math.exp(shift - Math.log(q / (1 - q))));
        u[y * w + x] = v;
        binary[y * w + x] = v > 0.5 ? 1 : 0;
      }
    }
    binary = cleanGhostMask(binary, w, h);
    fromReference[k] = levelMap(encoded[reference], encoded[k], dilate(binary, w, h, EXCLUDE_RADIUS));
    for (let p = 0; p < n; p++) {
      mask[p] |= binary[p];
      if (u[p] > unsureLow[p]) unsureLow[p] = u[p];
    }
    frameMasks[k] = scaledPlane(binary, w, h, cols, rows);
  });
  const union = scaledPlane(mask, w, h, cols, rows);
  return { width: fw, height: fh, reference, frameMasks, frameUncertainty, fromReference, mask: union, uncertainty: scaledPlane(unsureLow, w, h, cols, rows), area: planeArea(union) };
}

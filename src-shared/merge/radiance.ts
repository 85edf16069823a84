/**
 * Scene-referred radiance from a bracket: per pixel, the weighted mean of each frame's value
 * divided by 2^ev (so the result is relative to exposure ev 0), trusting well-exposed,
 * unclipped pixels and, among those, longer exposures. With a recovered camera response the
 * frames are read through it (radiance-response.ts) instead of the decoders' sRGB curve.
 */
import { BracketMismatchError } from '../errors';
import { createLinearImage, type LinearImage } from '../image/linear-image';
import { linearToSrgb } from '../image/srgb';
import { buildUnitTable, readTable } from '../image/srgb-tables';
import { responseRows, responseRowsJob, type ResponseRowsJob } from './radiance-response';
import { frameSamples } from '../image/samples';
import type { RowRunner } from '../parallel/row-kernels';
import { responseApplies, type CameraResponse } from './response';
import { exposureWeights } from './exposure-weights';

export interface MergeRadianceOptions {
  /** sRGB-encoded level of the brightest channel where trust starts to fall; default 0.8. */
  highlightStart?: number;
  /** Encoded level from which a pixel counts as clipped (weight 0); default 0.96 (code 245: JPEG rolls off before 255). */
  clipThreshold?: number;
  /**
   * The camera's recovered response (recoverResponse). When every frame is a tone-mapped integer
   * file (responseApplies), frames are read through it instead of the sRGB curve and weighted by
   * its slope; otherwise (linear frames, mixed brackets) it is not used.
   */
  response?: CameraResponse | null;
}

/** Trust rises from black to this encoded level: below it quantisation and noise dominate. */
const SHADOW_END = 0.1;
/**
 * Trust at black is low but not zero: a black pixel in a long exposure is strong evidence of a
 * dark scene, and with zero weight the noise of the shorter frames would show as bright speckles.
 */
const BLACK_FLOOR = 0.05;

const smoothstep = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 1 : t * t * (3 - 2 * t));

/** Hat on the sRGB-encoded brightest channel, tabulated over linear 0..1 of the clip level. */
function hatTable(highlightStart: number, clip: number): Float32Array {
  return buildUnitTable((x) => {
    const e = linearToSrgb(x);
    const shadow = BLACK_FLOOR + (1 - BLACK_FLOOR) * smoothstep(e / SHADOW_END);
    return shadow * smoothstep((clip - e) / (clip - highlightStart));
  });
}

function checkInputs(frames: LinearImage[], ev: number[]): void {
  if (frames.length === 0) throw new RangeError('mergeRadiance needs at least one frame');
  if (ev.length !== frames.length) throw new RangeError(`${ev.length} exposures for ${frames.length} frames`);
  const { width, height } = frames[0];
  frames.forEach((f, k) => {
    if (f.width !== width || f.height !== height) {
      throw new BracketMismatchError(`${f.meta.sourceName ?? 'a frame'} is ${f.width}x${f.height}, the bracket is ${width}x${height}`, f.meta.sourceName);
    }
    if (f.data.length !== f.width * f.height * f.channels) throw new RangeError(`${f.meta.sourceName ?? 'a frame'} has the wrong number of samples`);
    if (!Number.isFinite(ev[k])) throw new RangeError(`exposure of ${f.meta.sourceName ?? `frame ${k + 1}`} must be a finite ev, got ${ev[k]}`);
  });
}

/** The arguments checked: the hat's limits, and the job of a merge through the camera response when the frames are read through it. */
function responseMerge(frames: LinearImage[], ev: number[], opts: MergeRadianceOptions): { highlightStart: number; clipThreshold: number; job: ResponseRowsJob | null } {
  checkInputs(frames, ev);
  const highlightStart = opts.highlightStart ?? 0.8;
  const clipThreshold = opts.clipThreshold ?? 0.96;
  if (!(highlightStart > SHADOW_END && highlightStart < clipThreshold && clipThreshold <= 1)) {
    throw new RangeError(`need ${SHADOW_END} < highlightStart < clipThreshold <= 1, got ${highlightStart}, ${clipThreshold}`);
  }
  if (!opts.response || !frames.every(responseApplies)) return { highlightStart, clipThreshold, job: null };
  const { width, height } = frames[0];
  // Frame-sized: in shared memory where this thread keeps frames there, for the rows a worker writes.
  const merged: LinearImage = { width, height, channels: 3, data: frameSamples(width * height * 3), ev: 0, meta: { sourceTransfer: 'linear', clipLevel: Infinity } };
  return { highlightStart, clipThreshold, job: responseRowsJob(frames, ev, opts.response, merged) };
}

/** mergeRadiance with the rows of a merge through the camera response run by `rows` (src-main's: on two threads); the same samples. */
export async function mergeRadianceRows(frames: LinearImage[], ev: number[], opts: MergeRadianceOptions, rows: RowRunner): Promise<LinearImage> {
  const { job } = responseMerge(frames, ev, opts);
  if (!job) return mergeRadiance(frames, ev, opts);
  await rows('responseRows', job, frames[0].height);
  return job.out;
}

/** Pixels (a share of the frame) at its largest value that make that value a clip level. */
const PLATEAU_SHARE = 5e-4;

/**
 * The level a float frame was clipped at, where it was: a float file says nothing of clipping, but one made from a
 * clipped source (a sensor's saturation, a display-referred frame linearised) has many pixels with a channel at
 * its largest value; a rendered or merged HDR image has a few at most. 0 where there is no such plateau.
 */
export function plateau(f: LinearImage): number {
  const { data } = f;
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > max && data[i] < Infinity) max = data[i];
  if (!(max > 0)) return 0;
  const near = max * 0.999;
  const ch = f.channels;
  const n = f.width * f.height;
  let at = 0;
  for (let p = 0; p < n; p++) {
    const i = p * ch;
    if (data[i] >= near || (ch >= 3 && (data[i + 1] >= near || data[i + 2] >= near))) at++;
  }
  return at >= Math.max(16, PLATEAU_SHARE * n) ? max : 0;
}

export function mergeRadiance(frames: LinearImage[], ev: number[], opts: MergeRadianceOptions = {}): LinearImage {
  const { highlightStart, clipThreshold, job } = responseMerge(frames, ev, opts);
  if (job) {
    responseRows(job, 0, frames[0].height);
    return job.out;
  }
  const { width, height } = frames[0];
  const k = frames.length;
  const hat = hatTable(highlightStart, clipThreshold);
  const read = readTable;
  const data = frames.map((f) => f.data);
  const stride = new Int32Array(frames.map((f) => f.channels));
  // 1 / clip level; 0 marks a float frame with no clip level (trusted wherever it has signal).
  const invClip = new Float64Array(frames.map((f) => {
    const c = f.meta.clipLevel;
    if (c !== undefined && Number.isFinite(c) && c > 0) return 1 / c;
    const found = plateau(f);
    return found > 0 ? 1 / found : 0;
  }));
  const { scale, gain, darkest, brightest } = exposureWeights(ev);
  const out = createLinearImage(width, height, 3, { sourceTransfer: 'linear', clipLevel: Infinity }, 0);
  const o = out.data;
  const n = width * height;
  for (let p = 0; p < n; p++) {
    let sw = 0;
    let sr = 0;
    let sg = 0;
    let sb = 0;
    for (let f = 0; f < k; f++) {
      const d = data[f];
      const st = stride[f];
      const i = p * st;
      const r = d[i];
      const g = st >= 3 ? d[i + 1] : r;
      const b = st >= 3 ? d[i + 2] : r;
      const m = r > g ? (r > b ? r : b) : g > b ? g : b;
      const ic = invClip[f];
      // Every channel counts: a pixel clipped in one channel has a wrong colour.
      let w = ic > 0 ? read(hat, m * ic) : m < Infinity ? 1 : 0;
      if (!(r >= 0 && g >= 0 && b >= 0)) w = 0;
      if (w > 0) {
        w *= gain[f];
        const s = w * scale[f];
        sw += w;
        sr += s * r;
        sg += s * g;
        sb += s * b;
      }
    }
    const q = p * 3;
    if (sw > 0) {
      const inv = 1 / sw;
      o[q] = sr * inv;
      o[q + 1] = sg * inv;
      o[q + 2] = sb * inv;
    } else {
      // No frame is trusted here: blown out everywhere (take the darkest, its value is the best lower
      // bound) or invalid (negative, NaN) everywhere (take the brightest, clamped).
      const d = data[brightest];
      const st = stride[brightest];
      const i0 = p * st;
      const mb = st >= 3 ? Math.max(d[i0], d[i0 + 1], d[i0 + 2]) : d[i0];
      const clippedBright = invClip[brightest] > 0 && mb * invClip[brightest] > 0.5;
      const f = clippedBright ? darkest : brightest;
      const src = data[f];
      const sf = stride[f];
      const i = p * sf;
      const c0 = src[i];
      const c1 = sf >= 3 ? src[i + 1] : c0;
      const c2 = sf >= 3 ? src[i + 2] : c0;
      o[q] = c0 > 0 && c0 < Infinity ? c0 * scale[f] : 0;
      o[q + 1] = c1 > 0 && c1 < Infinity ? c1 * scale[f] : 0;
      o[q + 2] = c2 > 0 && c2 < Infinity ? c2 * scale[f] : 0;
    }
  }
  return out;
}

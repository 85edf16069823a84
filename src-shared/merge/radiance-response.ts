/**
 * The radiance merge for frames read through a recovered camera response: per pixel and channel,
 * the inverse-variance weighted mean of exposure(level) / 2^ev over the frames, where the variance
 * of a level comes from the response's slope there (noise-amplified shadows and a compressed
 * shoulder count less) and the trust in the level falls to 0 at clip.
 */
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { exposureWeights } from './exposure-weights';
import { readCurve, type CameraResponse } from './response';
import { trust } from './response-curve';

/** Weight of a black level relative to a mid-tone's trust: a black pixel in a long exposure is still evidence. */
const BLACK_FLOOR = 0.05;
/**
 * A channel clipped in a frame makes the pixel's other channels in that frame suspect (a camera
 * mixes channels before its curve); they count this much, so they matter only where no frame is clean.
 */
const CLIPPED_NEIGHBOUR = 0.01;

/**
 * The response each radiance map was merged through, so a check of the map against its frames
 * (radianceConsistency) reads the frames the same way without every caller passing it along.
 */
const mergedThrough = new WeakMap<LinearImage, CameraResponse>();

/** The response a radiance map from mergeRadiance was merged through; undefined for an sRGB/linear merge. */
export function responseOfMerge(merged: LinearImage): CameraResponse | undefined {
  return mergedThrough.get(merged);
}

/** Writes the merge into out (3 channels). Every frame must be one responseApplies accepts. */
export function mergeWithResponse(frames: LinearImage[], ev: readonly number[], response: CameraResponse, out: LinearImage): void {
  mergedThrough.set(out, response);
  const { width, height } = frames[0];
  const k = frames.length;
  const { levels, curves, variance } = response;
  const top = levels - 1;
  const enc = srgbEncodeTable();
  const read = readTable;
  const weights = curves.map((_, c) => Float64Array.from(variance[c], (v, z) => trust(z, levels, BLACK_FLOOR) / v));
  const { scale, gain, darkest, brightest } = exposureWeights(ev);
  const o = out.data;
  const pos = new Float64Array(k * 3);
  const n = width * height;
  for (let p = 0; p < n; p++) {
    for (let f = 0; f < k; f++) {
      const fr = frames[f];
      const st = fr.channels;
      const d = fr.data;
      const i = p * st;
      for (let c = 0; c < 3; c++) pos[f * 3 + c] = read(enc, d[i + (st >= 3 ? c : 0)]) * top;
    }
    for (let c = 0; c < 3; c++) {
      const curve = curves[c];
      const wt = weights[c];
      let sw = 0;
      let sv = 0;
      for (let f = 0; f < k; f++) {
        const z = pos[f * 3 + c];
        const zi = Math.min(top - 1, z | 0);
        const t = z - zi;
        let w = wt[zi] + t * (wt[zi + 1] - wt[zi]);
        if (!(w > 0)) continue;
        const clipped = pos[f * 3] > top - 0.5 || pos[f * 3 + 1] > top - 0.5 || pos[f * 3 + 2] > top - 0.5;
        if (clipped) w *= CLIPPED_NEIGHBOUR;
        w *= gain[f];
        sw += w;
        sv += w * readCurve(curve, z) * scale[f];
      }
      const q = p * 3 + c;
      if (sw > 0) {
        o[q] = sv / sw;
      } else {
        // No frame can be trusted: blown out everywhere (the darkest frame holds the brightest
        // reading) or black everywhere (the brightest frame holds the deepest shadow).
        const f = pos[brightest * 3 + c] > top / 2 ? darkest : brightest;
        o[q] = readCurve(curve, pos[f * 3 + c]) * scale[f];
      }
    }
  }
}

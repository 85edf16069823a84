/**
 * The radiance merge for frames read through a recovered camera response: per pixel and channel,
 * the inverse-variance weighted mean of exposure(level) / 2^ev over the frames, where the variance
 * of a level comes from the response's slope there (noise-amplified shadows and a compressed
 * shoulder count less) and the trust in the level falls to 0 at clip.
 */
import type { LinearImage } from '../image/linear-image';
import { srgbToLinear } from '../image/srgb';
import { buildUnitTable, readTable, srgbEncodeTable } from '../image/srgb-tables';
import { exposureWeights } from './exposure-weights';
import { exposureTables, type CameraResponse } from './response';
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

/**
 * Per channel, what the merge reads at a decoded value v (0..1), tabulated for readTable: the
 * exposure (the curve at the level v encodes to) and the weight there (trust over variance). One
 * table read per sample instead of the encode table, then the curve and the weights in turn.
 */
function channelTables(response: CameraResponse): { exposure: Float32Array[]; weight: Float32Array[] } {
  const { levels, variance } = response;
  const top = levels - 1;
  const enc = srgbEncodeTable();
  const at = (t: Float64Array, z: number): number => {
    const zi = Math.min(top - 1, z | 0);
    return t[zi] + (z - zi) * (t[zi + 1] - t[zi]);
  };
  const exposure = exposureTables(response);
  const weight = variance.map((_, c) => {
    const wt = Float64Array.from(variance[c], (x, z) => trust(z, levels, BLACK_FLOOR) / x);
    return buildUnitTable((v) => at(wt, readTable(enc, v) * top));
  });
  return { exposure, weight };
}

/** Writes the merge into out (3 channels). Every frame must be one responseApplies accepts. */
export function mergeWithResponse(frames: LinearImage[], ev: readonly number[], response: CameraResponse, out: LinearImage): void {
  mergedThrough.set(out, response);
  const { width, height } = frames[0];
  const k = frames.length;
  const top = response.levels - 1;
  const { exposure, weight } = channelTables(response);
  const read = readTable;
  // Decoded values past which a channel reads as clipped (its level within half a level of the top),
  // and past which the brightest frame counts as blown out (over half the range).
  const clipAbove = srgbToLinear((top - 0.5) / top);
  const brightAbove = srgbToLinear(0.5);
  const { scale, gain, darkest, brightest } = exposureWeights(ev);
  const o = out.data;
  const v = new Float64Array(k * 3);
  const clipped = new Uint8Array(k);
  const n = width * height;
  for (let p = 0; p < n; p++) {
    for (let f = 0; f < k; f++) {
      const fr = frames[f];
      const st = fr.channels;
      const d = fr.data;
      const i = p * st;
      const r = d[i];
      const g = st >= 3 ? d[i + 1] : r;
      const b = st >= 3 ? d[i + 2] : r;
      v[f * 3] = r;
      v[f * 3 + 1] = g;
      v[f * 3 + 2] = b;
      clipped[f] = r > clipAbove || g > clipAbove || b > clipAbove ? 1 : 0;
    }
    for (let c = 0; c < 3; c++) {
      const et = exposure[c];
      const wt = weight[c];
      let sw = 0;
      let sv = 0;
      for (let f = 0; f < k; f++) {
        const x = v[f * 3 + c];
        let w = read(wt, x);
        if (!(w > 0)) continue;
        if (clipped[f]) w *= CLIPPED_NEIGHBOUR;
        w *= gain[f];
        sw += w;
        sv += w * read(et, x) * scale[f];
      }
      const q = p * 3 + c;
      if (sw > 0) {
        o[q] = sv / sw;
      } else {
        // No frame can be trusted: blown out everywhere (the darkest frame holds the brightest
        // reading) or black everywhere (the brightest frame holds the deepest shadow).
        const f = v[brightest * 3 + c] > brightAbove ? darkest : brightest;
        o[q] = read(et, v[f * 3 + c]) * scale[f];
      }
    }
  }
}

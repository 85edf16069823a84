/**
 * The radiance merge for frames read through a recovered camera response: per pixel and channel,
 * the inverse-variance weighted mean of exposure(level) / 2^ev over the frames, where the variance
 * of a level comes from the response's slope there (noise-amplified shadows and a compressed
 * shoulder count less) and the trust in the level falls to 0 at clip.
 */
import type { LinearImage } from '../image/linear-image';
import { srgbToLinear } from '../image/srgb';
import { buildUnitTable, readTable, SRGB_TABLE_SIZE, srgbEncodeTable } from '../image/srgb-tables';
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
function channelTables(response: CameraResponse): { exposure: Float32Array[]; weight: Float32Array[]; weighted: Float32Array[] } {
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
  // weight x exposure, the numerator's term: one interpolation instead of two and a product per sample.
  const weighted = weight.map((wt, c) => wt.map((w, i) => w * exposure[c][i]));
  return { exposure, weight, weighted };
}

/** A module constant, not the import: an imported binding can compile to a getter call per use. */
const TABLE_SIZE = SRGB_TABLE_SIZE;

/**
 * Adds one sample's weight and weighted exposure to the row sums at q: the two tables read at v (clamped to 0..1,
 * NaN as 0) with one index and fraction, readTable's interpolation; a sample of no weight adds nothing.
 */
function accumulate(weight: Float32Array, weighted: Float32Array, v: number, damp: number, dampScaled: number, sumW: Float64Array, sumV: Float64Array, q: number): void {
  let i = 0;
  let t = 0;
  if (v >= 1) i = TABLE_SIZE;
  else if (v > 0) {
    const x = v * TABLE_SIZE;
    i = x | 0;
    t = x - i;
  }
  const w = weight[i] + t * (weight[i + 1] - weight[i]);
  if (!(w > 0)) return;
  sumW[q] += w * damp;
  sumV[q] += (weighted[i] + t * (weighted[i + 1] - weighted[i])) * dampScaled;
}

/** What the rows of a merge through a response read and write (responseRows). */
export interface ResponseRowsJob {
  frames: LinearImage[];
  ev: readonly number[];
  response: CameraResponse;
  tables: ReturnType<typeof channelTables>;
  out: LinearImage;
}

/** Writes the merge into out (3 channels). Every frame must be one responseApplies accepts. */
export function mergeWithResponse(frames: LinearImage[], ev: readonly number[], response: CameraResponse, out: LinearImage): void {
  responseRows(responseRowsJob(frames, ev, response, out), 0, frames[0].height);
}

/** The job of mergeWithResponse, its tables made once; out is marked as merged through the response (responseOfMerge). */
export function responseRowsJob(frames: LinearImage[], ev: readonly number[], response: CameraResponse, out: LinearImage): ResponseRowsJob {
  mergedThrough.set(out, response);
  // The rows read the frames' samples only: their metadata (EXIF and the like) stays out of a job a worker is sent.
  const lean = frames.map((f) => ({ ...f, meta: {} }));
  return { frames: lean, ev, response, tables: channelTables(response), out };
}

/** Rows [y0, y1) of the merge: each reads only the frames, so threads can share the rows of one image. */
export function responseRows(job: ResponseRowsJob, y0: number, y1: number): void {
  const { frames, ev, response, out } = job;
  const { width } = frames[0];
  const k = frames.length;
  const top = response.levels - 1;
  const { exposure, weight, weighted } = job.tables;
  const read = readTable;
  // Decoded values past which a channel reads as clipped (its level within half a level of the top),
  // and past which the brightest frame counts as blown out (over half the range).
  const clipAbove = srgbToLinear((top - 0.5) / top);
  const brightAbove = srgbToLinear(0.5);
  const { scale, gain, darkest, brightest } = exposureWeights(ev);
  const o = out.data;
  // Row by row, frame by frame within the row: the inner loop reads one frame's samples in order and keeps the
  // row's sums in cache. Per pixel over the frames, with two table reads a sample, it took about 1.4x as long
  // (bench/engine-kernels.ts, 3 x 24 MP: 2.23-2.36 s against 1.59-1.71 s).
  const sumW = new Float64Array(width * 3);
  const sumV = new Float64Array(width * 3);
  const [w0, w1, w2] = weight;
  const [v0, v1, v2] = weighted;
  for (let y = y0; y < y1; y++) {
    sumW.fill(0);
    sumV.fill(0);
    for (let f = 0; f < k; f++) {
      const d = frames[f].data;
      const st = frames[f].channels;
      const gf = gain[f];
      const clippedGain = gf * CLIPPED_NEIGHBOUR;
      const sf = scale[f];
      for (let x = 0, i = y * width * st, q = 0; x < width; x++, i += st, q += 3) {
        const r = d[i];
        const g = st >= 3 ? d[i + 1] : r;
        const b = st >= 3 ? d[i + 2] : r;
        const damp = r > clipAbove || g > clipAbove || b > clipAbove ? clippedGain : gf;
        const dampScaled = damp * sf;
        accumulate(w0, v0, r, damp, dampScaled, sumW, sumV, q);
        accumulate(w1, v1, g, damp, dampScaled, sumW, sumV, q + 1);
        accumulate(w2, v2, b, damp, dampScaled, sumW, sumV, q + 2);
      }
    }
    for (let x = 0, q = 0, p = y * width; x < width; x++, p++) {
      for (let c = 0; c < 3; c++, q++) {
        if (sumW[q] > 0) {
          o[p * 3 + c] = sumV[q] / sumW[q];
          continue;
        }
        // No frame can be trusted: blown out everywhere (the darkest frame holds the brightest
        // reading) or black everywhere (the brightest frame holds the deepest shadow).
        const f = sample(frames[brightest], p, c) > brightAbove ? darkest : brightest;
        o[p * 3 + c] = read(exposure[c], sample(frames[f], p, c)) * scale[f];
      }
    }
  }
}

/** Channel c of pixel p (a grey frame's one channel for every c). */
function sample(frame: LinearImage, p: number, c: number): number {
  return frame.channels >= 3 ? frame.data[p * frame.channels + c] : frame.data[p * frame.channels];
}

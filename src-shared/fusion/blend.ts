/**
 * Blends frames with full-resolution weights (>= 0, summing to 1 per pixel) in sRGB-encoded
 * space, like exposure fusion, and returns the display-referred result in linear light:
 * 'weighted-sum' is the per-pixel sum the network was trained for; 'pyramid' blends Laplacian
 * bands of the frames with Gaussian bands of the weights (Burt-Adelson, as Mertens does).
 */
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbDecodeTable, srgbEncodeTable } from '../image/srgb-tables';
import { collapse, createPlane, gaussianPyramid, laplacianPyramid, maxPyramidLevels, type FloatPlane } from '../merge/pyramid';
import type { FusionBlend } from './meta';

function encodedRgb(frame: LinearImage): FloatPlane {
  const enc = srgbEncodeTable();
  const read = readTable;
  const { width: w, height: h, channels: ch, data } = frame;
  const out = createPlane(w, h, 3);
  for (let p = 0, i = 0, o = 0; p < w * h; p++, i += ch, o += 3) {
    out.data[o] = read(enc, data[i]);
    out.data[o + 1] = read(enc, data[ch === 1 ? i : i + 1]);
    out.data[o + 2] = read(enc, data[ch === 1 ? i : i + 2]);
  }
  return out;
}

function weightedSum(frames: readonly LinearImage[], weights: readonly Float32Array[], out: Float32Array): void {
  const enc = srgbEncodeTable();
  const read = readTable;
  const n = frames[0].width * frames[0].height;
  frames.forEach((f, k) => {
    const wk = weights[k];
    const { data, channels: ch } = f;
    for (let p = 0, i = 0, o = 0; p < n; p++, i += ch, o += 3) {
      const wv = wk[p];
      if (wv === 0) continue;
      out[o] += wv * read(enc, data[i]);
      out[o + 1] += wv * read(enc, data[ch === 1 ? i : i + 1]);
      out[o + 2] += wv * read(enc, data[ch === 1 ? i : i + 2]);
    }
  });
}

function pyramidBlend(frames: readonly LinearImage[], weights: readonly Float32Array[], out: Float32Array): void {
  const { width: w, height: h } = frames[0];
  const levels = maxPyramidLevels(w, h);
  let acc: FloatPlane[] | null = null;
  frames.forEach((f, k) => {
    const lap = laplacianPyramid(encodedRgb(f), levels);
    const gw = gaussianPyramid({ width: w, height: h, channels: 1, data: weights[k] }, levels);
    acc ??= lap.map((l) => createPlane(l.width, l.height, 3));
    for (let l = 0; l < levels; l++) {
      const a = acc[l].data;
      const b = lap[l].data;
      const g = gw[l].data;
      for (let p = 0, i = 0; p < g.length; p++, i += 3) {
        a[i] += g[p] * b[i];
        a[i + 1] += g[p] * b[i + 1];
        a[i + 2] += g[p] * b[i + 2];
      }
    }
  });
  out.set(collapse(acc!, true).data);
}

export function blendFrames(frames: readonly LinearImage[], weights: readonly Float32Array[], mode: FusionBlend): LinearImage {
  const { width: w, height: h } = frames[0];
  if (weights.length !== frames.length) throw new RangeError(`${weights.length} weight maps for ${frames.length} frames`);
  for (const wk of weights) if (wk.length !== w * h) throw new RangeError(`weight map has ${wk.length} samples for ${w}x${h}`);
  const data = new Float32Array(w * h * 3);
  if (mode === 'pyramid') pyramidBlend(frames, weights, data);
  else weightedSum(frames, weights, data);
  // Back to linear light; the table read clamps to the display range.
  const dec = srgbDecodeTable();
  const read = readTable;
  for (let i = 0; i < data.length; i++) data[i] = read(dec, data[i]);
  return { width: w, height: h, channels: 3, data, ev: null, meta: { sourceTransfer: 'srgb', clipLevel: 1 } };
}

/**
 * Blends frames with full-resolution weights (>= 0, summing to 1 per pixel) in sRGB-encoded
 * space, like exposure fusion, and returns the display-referred result in linear light:
 * 'weighted-sum' is the per-pixel sum the network was trained for; 'pyramid' blends Laplacian
 * bands of the frames with Gaussian bands of the weights (Burt-Adelson, as Mertens does).
 */
import type { LinearImage } from '../image/linear-image';
import { readTable, srgbDecodeTable, srgbEncodeTable } from '../image/srgb-tables';
import { collapseWeightedBlend, fusedImage, type CoarseWeights, type MertensPlanes } from '../merge/mertens';
import { blendFrameRows, reducedBand } from '../merge/mertens-frame-pass';
import { maxPyramidLevels } from '../merge/pyramid';
import { createPlane, reducedSize, RowReducer } from '../merge/pyramid-rows';
import type { FusionBlend } from './meta';

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

/** Rows [y0, y1) of every frame into sum_k W_k E_k and the level-1 Gaussians' rows of the band (planes.weights are the given weights). */
export function blendBand(frames: readonly LinearImage[], planes: MertensPlanes, y0: number, y1: number): void {
  const { width: w, height: h } = frames[0];
  const [r0, r1] = reducedBand(h, y0, y1);
  const row = new Float32Array(w * 3);
  frames.forEach((f, k) => {
    const reducer = planes.g1.length > 0 ? new RowReducer(w, h, 3, planes.g1[k], r0, r1) : null;
    blendFrameRows(f, planes.weights[k], planes.blend, reducer, row, y0, y1);
  });
}

/** The coarse weights the pyramid blend of a w x h image uses: none past its top level. */
export function usableCoarse(coarse: CoarseWeights | undefined, w: number, h: number): CoarseWeights | undefined {
  return coarse && coarse.level < maxPyramidLevels(w, h) ? coarse : undefined;
}

/**
 * The Laplacian pyramid blend, streamed as Mertens fusion does it (merge/mertens.ts): each frame is encoded one
 * row at a time into sum_k W_k E_k and its level-1 Gaussian, never into a full-size encoded copy or band.
 * Writes the result in linear light. With coarse, the bands from coarse.level up blend with coarse.weights.
 */
function pyramidBlend(frames: readonly LinearImage[], weights: readonly Float32Array[], out: Float32Array, coarse: CoarseWeights | undefined): void {
  const { width: w, height: h } = frames[0];
  const levels = maxPyramidLevels(w, h);
  const planes: MertensPlanes = { blend: out, weights: [...weights], g1: levels > 1 ? frames.map(() => createPlane(reducedSize(w), reducedSize(h), 3)) : [] };
  blendBand(frames, planes, 0, h);
  collapseWeightedBlend(out, weights, planes.g1, w, h, levels, usableCoarse(coarse, w, h));
}

/** What blendFrames checks before any work: one full-size weight map per frame, coarse weights of the right level and size. */
export function checkBlendInputs(frames: readonly LinearImage[], weights: readonly Float32Array[], mode: FusionBlend, coarse?: CoarseWeights): void {
  const { width: w, height: h } = frames[0];
  if (weights.length !== frames.length) throw new RangeError(`${weights.length} weight maps for ${frames.length} frames`);
  for (const wk of weights) if (wk.length !== w * h) throw new RangeError(`weight map has ${wk.length} samples for ${w}x${h}`);
  if (coarse) {
    if (mode !== 'pyramid') throw new RangeError(`coarse weights apply to the pyramid blend only, not '${mode}'`);
    if (!Number.isInteger(coarse.level) || coarse.level < 1) throw new RangeError(`coarse weights must start at an integer level >= 1, got ${coarse.level}`);
    if (coarse.weights.length !== frames.length) throw new RangeError(`${coarse.weights.length} coarse weight maps for ${frames.length} frames`);
    let [lw, lh] = [w, h];
    for (let l = 0; l < coarse.level; l++) [lw, lh] = [reducedSize(lw), reducedSize(lh)];
    for (const c of coarse.weights) {
      if (c.width !== lw || c.height !== lh || c.channels !== 1) throw new RangeError(`coarse weights at level ${coarse.level} must be ${lw}x${lh}x1, got ${c.width}x${c.height}x${c.channels}`);
    }
  }
}

export type { CoarseWeights } from '../merge/mertens';

/** coarse (pyramid only) gives the bands from its level up weights of their own (learned-fuse.ts's detail levels). */
export function blendFrames(frames: readonly LinearImage[], weights: readonly Float32Array[], mode: FusionBlend, coarse?: CoarseWeights): LinearImage {
  const { width: w, height: h } = frames[0];
  checkBlendInputs(frames, weights, mode, coarse);
  const data = new Float32Array(w * h * 3);
  if (mode === 'pyramid') pyramidBlend(frames, weights, data, coarse);
  else {
    weightedSum(frames, weights, data);
    // Back to linear light; the table read clamps to the display range.
    const dec = srgbDecodeTable();
    const read = readTable;
    for (let i = 0; i < data.length; i++) data[i] = read(dec, data[i]);
  }
  return fusedImage(data, w, h);
}

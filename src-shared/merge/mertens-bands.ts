/** Laplacian-pyramid blending of Mertens fusion from level 1 up, one frame at a time, level by level. */
import { RowExpander, type FloatPlane } from './pyramid-rows';
import { reduce } from './pyramid';

/** res += weight * (g - expand(coarse)): a weighted Laplacian band, without materialising the band. */
export function accumulateBand(res: FloatPlane, weight: FloatPlane, g: FloatPlane, coarse: FloatPlane | null): void {
  const { width: w, height: h } = g;
  const ch = 3;
  const rd = res.data;
  const wd = weight.data;
  const gd = g.data;
  const ex = coarse ? new RowExpander(coarse, w, h) : null;
  for (let y = 0; y < h; y++) {
    const e = ex ? ex.get(y) : null;
    for (let x = 0, p = y * w, i = p * ch; x < w; x++, p++, i += ch) {
      const wv = wd[p];
      const o = x * ch;
      if (e) {
        rd[i] += wv * (gd[i] - e[o]);
        rd[i + 1] += wv * (gd[i + 1] - e[o + 1]);
        rd[i + 2] += wv * (gd[i + 2] - e[o + 2]);
      } else {
        rd[i] += wv * gd[i];
        rd[i + 1] += wv * gd[i + 1];
        rd[i + 2] += wv * gd[i + 2];
      }
    }
  }
}

/** Weights that replace the running ones from a pyramid level on (level 0 is full size), at that level's size. */
export interface LevelWeights {
  level: number;
  weight: FloatPlane;
}

/**
 * Adds one frame's bands from level 1 to the top into res (res[0] is level 1). g1 is the frame's
 * level-1 Gaussian (kept, the caller needs it again), weight1 its normalised weights at level 1;
 * from.weight takes over at from.level when given. Each coarser level is made, used and dropped in turn.
 */
export function blendCoarseBands(res: FloatPlane[], g1: FloatPlane, weight1: FloatPlane, from?: LevelWeights): void {
  let g = g1;
  let wt = weight1;
  for (let l = 0; l < res.length; l++) {
    if (from && from.level === l + 1) wt = from.weight;
    const top = l === res.length - 1;
    const next = top ? null : reduce(g);
    accumulateBand(res[l], wt, g, next);
    if (!top) wt = reduce(wt);
    if (next) g = next;
  }
}

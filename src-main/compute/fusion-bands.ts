/**
 * The row bands of a pyramid fusion (Mertens', or the learned fusion's blend) that threads claim from a
 * shared counter (parallel-fusion.ts): the same function runs on a compute worker and on the thread that
 * owns the fusion. Every array is in shared memory; bands write disjoint rows, so which thread did which
 * band does not change a single sample.
 */
import { blendBand } from '../../src-shared/fusion/blend';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { levelZeroRows, weighBand, type MertensPlanes } from '../../src-shared/merge/mertens';
import type { MertensWeightParams } from '../../src-shared/merge/mertens-weights';
import type { FloatPlane } from '../../src-shared/merge/pyramid-rows';

/** A band's state in FusionBandJob.state: the last stage done. */
export const BAND_ACCUMULATED = 1;
export const BAND_SUBTRACTED = 2;
export const BAND_FINISHED = 3;

export interface FusionBandJob {
  /**
   * 'weigh': Mertens' pass 1 and normalisation (weighBand); 'blend': the frames blended with the given
   * planes.weights (blendBand); 'subtract': level 0's sum_k W_k expand(G1_k) taken off; 'finish': subtract
   * where not done yet, add expand(R1), back to linear light.
   */
  stage: 'weigh' | 'blend' | 'subtract' | 'finish';
  frames: LinearImage[];
  /** Mertens' weight parameters ('weigh' only). */
  params?: MertensWeightParams;
  planes: MertensPlanes;
  /** Rows per band (even); band i is rows [i * rows, min(h, (i + 1) * rows)). */
  rows: number;
  /** Atomics counter of the next band to claim. */
  claim: Int32Array;
  /** Per band, the last stage done (BAND_*). */
  state: Uint8Array;
  /** R1, the collapsed coarser levels ('finish' only; null for a one-level blend). */
  coarse?: FloatPlane | null;
}

export function bandCount(h: number, rows: number): number {
  return Math.ceil(h / rows);
}

/** Claims bands until none is left and runs the job's stage on each; returns how many this thread ran. */
export function runFusionBands(job: FusionBandJob): number {
  const { frames, planes, rows, claim, state } = job;
  const { width: w, height: h } = frames[0];
  const count = bandCount(h, rows);
  let mine = 0;
  for (let i = Atomics.add(claim, 0, 1); i < count; i = Atomics.add(claim, 0, 1)) {
    const y0 = i * rows;
    const y1 = Math.min(h, y0 + rows);
    if (job.stage === 'weigh' || job.stage === 'blend') {
      if (job.stage === 'weigh') weighBand(frames, job.params!, planes, y0, y1);
      else blendBand(frames, planes, y0, y1);
      state[i] = BAND_ACCUMULATED;
    } else if (job.stage === 'subtract') {
      levelZeroRows(planes.blend, w, h, y0, y1, { bases: planes });
      state[i] = BAND_SUBTRACTED;
    } else {
      if (state[i] === BAND_FINISHED) continue;
      const bases = state[i] === BAND_SUBTRACTED ? undefined : planes;
      levelZeroRows(planes.blend, w, h, y0, y1, { bases, coarse: job.coarse ?? null });
      state[i] = BAND_FINISHED;
    }
    mine++;
  }
  return mine;
}

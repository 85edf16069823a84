/**
 * Pyramid fusion on this thread and a compute worker together, row band by row band (fusion-bands.ts):
 * 1. both threads accumulate bands of sum_k W_k E_k and the level-1 Gaussians: Mertens weighs the frames
 *    on the way (pass 1), the learned fusion blends with its lifted weights;
 * 2. the worker takes level 0's fine bases off the blend while this thread builds the coarser levels
 *    (coarseResult), then joins in and finishes whole bands from the same counter;
 * 3. both add the coarse levels to the bands the worker subtracted and return them to linear light.
 * The samples of the one-thread functions (every sample sees the same operations in the same order;
 * tested). In the CLI on two cores, `npm run bench` (BENCHMARKS.md): 3 x 24 MP PNG to JPEG by Mertens
 * 10.61 -> 7.17 s (0.99 -> 0.67x enfuse), by the learned fusion 13.28 -> 11.92 s.
 *
 * Runs where a worker can read the frames and weights without a copy: in shared memory, which the CLI
 * and the app's engine thread turn on for their decoders, alignment and lift (shared-frames.ts). Elsewhere, with no free
 * worker, or for small frames, the fusion runs on this thread alone; a worker that stops midway leaves
 * the planes half done, and the fusion is then run again on this thread.
 */
import { blendFrames, checkBlendInputs, usableCoarse, type CoarseWeights } from '../../src-shared/fusion/blend';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { isShared, sharedSamples } from '../../src-shared/image/samples';
import {
  coarseResult,
  fusedImage,
  mertensBandRows,
  mertensFuseWeighted,
  mertensPlanes,
  mertensSetup,
  type MertensOptions,
  type MertensPlanes,
  type WeightedFusion,
} from '../../src-shared/merge/mertens';
import type { MertensWeightParams } from '../../src-shared/merge/mertens-weights';
import { maxPyramidLevels } from '../../src-shared/merge/pyramid';
import { bandsOnIdleWorkers, computeWorkers } from './compute-pool';
import { BAND_ACCUMULATED, BAND_FINISHED, bandCount, runFusionBands, type FusionBandJob } from './fusion-bands';

/** Below this many pixels a worker's round trips cost more than the split saves. */
export const PARALLEL_FUSION_MIN_PIXELS = 1_000_000;

/** How the last fusion ran (tests and reports): bands the workers ran per stage, or why it ran on one thread. */
export interface FusionSplit {
  parallel: boolean;
  reason?: string;
  /** Bands the workers ran in the accumulate, subtract and finish stages. */
  workerBands?: [number, number, number];
}

const STOPPED = 'the compute worker stopped';
let lastSplit: FusionSplit = { parallel: false, reason: 'no fusion yet' };

export function lastFusionSplit(): FusionSplit {
  return lastSplit;
}

/** Why these arrays are fused on one thread, or null when a worker can share the work. */
function serialReason(frames: readonly LinearImage[], planes: readonly Float32Array[]): string | null {
  if (computeWorkers() === 0) return 'no compute workers';
  if (frames[0].width * frames[0].height < PARALLEL_FUSION_MIN_PIXELS) return 'small frames';
  if (!frames.every((f) => isShared(f.data))) return 'frames not in shared memory';
  if (!planes.every(isShared)) return 'weights not in shared memory';
  return null;
}

/** The worker's band count, 0 when no worker took part, or null when it stopped. */
async function settle(worker: Promise<number> | null): Promise<number | null> {
  if (!worker) return 0;
  try {
    return await worker;
  } catch {
    return null;
  }
}

/** The stage's job on every idle worker: their band count, or null when none was idle. */
const onWorker = (job: FusionBandJob): Promise<number> | null => bandsOnIdleWorkers('fusionBands', [job]);

interface TwoThreadFusion {
  frames: LinearImage[];
  planes: MertensPlanes;
  levels: number;
  /** 'weigh' with Mertens' params, or 'blend' with the given weights in planes.weights. */
  first: 'weigh' | 'blend';
  params?: MertensWeightParams;
  coarse?: CoarseWeights;
}

/** The three stages; false when the worker stopped (the planes are then half done). */
async function onTwoThreads({ frames, planes, levels, first, params, coarse }: TwoThreadFusion): Promise<boolean> {
  const { width: w, height: h } = frames[0];
  const rows = mertensBandRows(h);
  const state = new Uint8Array(new SharedArrayBuffer(bandCount(h, rows)));
  // What the bands read of a frame: its samples (shared) and clip level; not its metadata (EXIF and the like), copied to every job.
  const lean = frames.map((f) => ({ ...f, meta: { clipLevel: f.meta.clipLevel } }));
  const job = (stage: FusionBandJob['stage'], r1?: FusionBandJob['coarse']): FusionBandJob => ({
    stage,
    frames: lean,
    params,
    planes,
    rows,
    state,
    claim: new Int32Array(new SharedArrayBuffer(4)),
    ...(r1 !== undefined ? { coarse: r1 } : {}),
  });
  // 1. Accumulate, both threads.
  const accumulate = job(first);
  const w1 = onWorker(accumulate);
  runFusionBands(accumulate);
  const n1 = await settle(w1);
  if (n1 === null || state.some((v) => v !== BAND_ACCUMULATED)) return false;

  // 2. The worker subtracts level 0's bases while this thread builds R1 (in shared memory), then finishes whole bands from the same counter.
  const subtract = job('subtract');
  const w2 = onWorker(subtract);
  const r1 = levels > 1 ? coarseResult(planes.weights, planes.g1, w, h, levels, coarse, sharedSamples) : null;
  runFusionBands({ ...subtract, stage: 'finish', coarse: r1 });
  const n2 = await settle(w2);
  if (n2 === null) return false;

  // 3. Both finish the bands the worker subtracted.
  const finish = job('finish', r1);
  const w3 = n2 > 0 ? onWorker(finish) : null;
  runFusionBands(finish);
  const n3 = await settle(w3);
  if (n3 === null || state.some((v) => v !== BAND_FINISHED)) return false;
  lastSplit = { parallel: true, workerBands: [n1, n2, n3] };
  return true;
}

/** mertensFuseWeighted, on two threads where it can. */
export async function mertensFuseParallel(frames: LinearImage[], opts: MertensOptions = {}): Promise<WeightedFusion> {
  const { params, levels } = mertensSetup(frames, opts);
  const reason = serialReason(frames, []);
  if (reason === null) {
    const { width: w, height: h } = frames[0];
    const planes = mertensPlanes(frames.length, w, h, levels, sharedSamples);
    // A worker that stopped may have left a band half done: start again on this thread (the frames are untouched).
    if (await onTwoThreads({ frames, planes, levels, first: 'weigh', params })) return { fused: fusedImage(planes.blend, w, h), weights: planes.weights };
  }
  lastSplit = { parallel: false, reason: reason ?? STOPPED };
  return mertensFuseWeighted(frames, opts);
}

/** blendFrames' pyramid blend, on two threads where it can (the weights are read, never written). */
export async function blendFramesParallel(frames: LinearImage[], weights: Float32Array[], coarse?: CoarseWeights): Promise<LinearImage> {
  checkBlendInputs(frames, weights, 'pyramid', coarse);
  const reason = serialReason(frames, weights);
  if (reason === null) {
    const { width: w, height: h } = frames[0];
    const levels = maxPyramidLevels(w, h);
    const planes = mertensPlanes(frames.length, w, h, levels, sharedSamples, weights);
    if (await onTwoThreads({ frames, planes, levels, first: 'blend', coarse: usableCoarse(coarse, w, h) })) return fusedImage(planes.blend, w, h);
  }
  lastSplit = { parallel: false, reason: reason ?? STOPPED };
  return blendFrames(frames, weights, 'pyramid', coarse);
}

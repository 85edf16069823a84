/**
 * The merge step for the app and the CLI alike: the pure methods from src-shared, and the learned
 * fusion, which needs the model runtime (onnxruntime-web) that only the Node side has.
 */
import { deghostBracket } from '../../src-shared/ghost/deghost';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { checkBracket } from '../../src-shared/pipeline/check-bracket';
import { addRadiance, fusePrepared, prepareMerge, type MergeOptions, type MergeOutcome, type Method, type PreparedMerge } from '../../src-shared/pipeline/merge-bracket';
import { previewWeightMaps } from '../../src-shared/pipeline/weight-maps';
import { fusionInput, type FusionInput } from '../../src-shared/fusion/fusion-input';
import { givenWeightsPredictor, type GivenWeights } from '../../src-shared/fusion/given-weights';
import { learnedFuse, type WeightPredictor } from '../../src-shared/fusion/learned-fuse';
import { workingSideFor } from '../../src-shared/fusion/meta';
import type { FusionWeightCache } from '../../src-shared/fusion/weight-cache';
import { blendFramesParallel, mertensFuseParallel } from '../compute/parallel-fusion';
import { runRowsParallel } from '../compute/parallel-rows';
import { retireIdleWorkers } from '../compute/compute-pool';
import { mergeRadianceRows } from '../../src-shared/merge/radiance';
import { runRowsHere, type RowRunner } from '../../src-shared/parallel/row-kernels';
import { frameSamplesShared } from '../../src-shared/image/samples';
import { predictFusionWeights, predictFusionWeightsIsolated, predictFusionWeightsKept } from './fusion-model';

/** How a learned merge gets its weights: given (computed by the renderer from learnedInput's result), else main's own WASM run. */
export interface LearnedSource {
  weights?: GivenWeights;
  /** The app's merge stage: a 'preview' runs the network at the preview's working side (fusion/meta workingSideFor); default 'full', the CLI's. */
  stage?: 'preview' | 'full';
  /** Main's network outputs kept from earlier merges: an input equal to one of theirs reuses them instead of running the network again. */
  cache?: FusionWeightCache;
  /**
   * Run main's network on a worker of its own that ends with the run (predictFusionWeightsIsolated) when the
   * frames have this many pixels or more (the CLI: ISOLATE_MIN_PIXELS): its WASM heap is then not kept
   * through the full-size lift and blend. The CLI and the app's engine (ISOLATE_MIN_PIXELS). Default: never.
   */
  isolateFrom?: number;
  /**
   * Below isolateFrom, run main's network on the compute pool's kept worker (predictFusionWeightsKept) rather than
   * on this thread: the app's previews, whose session and heap stay warm there from one preview to the next and
   * end with that worker before a full-size stage. Default: on this thread.
   */
  keepWorker?: boolean;
}

/**
 * LearnedSource.isolateFrom of the CLI and the app's engine: frames from this size on run the network apart. Measured with the CLI
 * (BENCHMARKS.md, "Memory of larger merges"): peak RSS of 3 x 24 MP 2.40-2.53 -> 2.06-2.19 GiB and of
 * 3 x 12 MP 1.54-1.62 -> 1.32-1.37 GiB, neither slower; of 3 x 1.0 MP (the sample) 0.68-0.71 -> 0.80-0.82 GiB
 * and 0.15-0.3 s slower: there the worker's own start-up weighs more than the small frames' planes.
 */
export const ISOLATE_MIN_PIXELS = 4_000_000;

/** The network input a learned mergeFrames computes for these frames and options (deghosted as it deghosts them) at this stage. */
export function learnedInput(frames: LinearImage[], options: MergeOptions = {}, stage: LearnedSource['stage'] = 'full'): FusionInput {
  checkBracket(frames);
  const ghost = options.deghost?.mode === 'auto' ? deghostBracket(frames, options.deghost) : null;
  const input = ghost ? ghost.frames : frames;
  return fusionInput(input, workingSideFor(input.length, stage));
}

/**
 * Where the merge's weights come from: the given ones (checked against the input, used for this merge
 * only: what a renderer's backend got wrong must not outlive it), else the cache, else main's network.
 */
function predictorOf(learned: LearnedSource, pixels: number): WeightPredictor {
  const { weights, cache } = learned;
  if (weights) return givenWeightsPredictor(weights);
  const isolated = learned.isolateFrom !== undefined && pixels >= learned.isolateFrom;
  const here = learned.keepWorker ? predictFusionWeightsKept : predictFusionWeights;
  const network: WeightPredictor = (input) => (isolated ? predictFusionWeightsIsolated(input) : here(input));
  return cache ? cache.predictor(network) : network;
}

/**
 * Frames from this many pixels on: around a two-thread stage the workers are ended and this thread collects
 * (released). Below it (the app's previews, about a megapixel) the planes a stage drops are small enough
 * for V8 to free in its own time, and ending the workers would make every preview's next two-thread stage
 * wait for a worker to start again.
 */
export const RELEASE_MIN_PIXELS = 4_000_000;

/**
 * A two-thread stage run between two collections. Before it: what earlier stages and merges dropped in shared
 * memory (which V8 does not hurry to free: the app's previews, the full-size alignment's planes) must not add to
 * the stage's own peak. After it, once the workers it used are ended: the planes the stage dropped must not
 * outlive it into the next stage (after the stage has returned, not inside it, where its planes are still in
 * scope). Only where frames are shared (elsewhere no stage ran on a worker, and an encoder's workers are kept)
 * and of `pixels` at least RELEASE_MIN_PIXELS.
 */
async function released<T>(stage: () => Promise<T>, pixels: number): Promise<T> {
  const release = frameSamplesShared() && pixels >= RELEASE_MIN_PIXELS;
  if (release) retireIdleWorkers();
  try {
    return await stage();
  } finally {
    if (release) retireIdleWorkers();
  }
}

export async function mergeFrames(frames: LinearImage[], method: Method, options: MergeOptions = {}, learned: LearnedSource = {}): Promise<MergeOutcome> {
  const prepared = prepareMerge(frames, method, options);
  // Deghosting is done: the fusion does not hold a given detection's full-size maps (a float plane and a mask per frame).
  const { deghost: _done, ...rest } = options;
  return fuseFrames(prepared, method, rest, learned);
}

/** The method itself on a prepared bracket (deghosted and planned by prepareMerge), the learned fusion included. */
export async function fuseFrames(prepared: PreparedMerge, method: Method, options: MergeOptions = {}, learned: LearnedSource = {}): Promise<MergeOutcome> {
  // Where a compute worker can read the frames (the CLI and the app's engine thread keep them in shared memory), the
  // full-resolution stages are split between it and this thread: the Mertens fusion, the learned fusion's lift and
  // blend, the radiance merge through a response. Elsewhere each runs on this thread; the samples are the same.
  const pixels = prepared.frames[0].width * prepared.frames[0].height;
  // Row kernels split with a worker from RELEASE_MIN_PIXELS on: the app's previews are downsampled into ordinary
  // memory, of which the worker would get a copy at every merge, and the split then cost more than it saved.
  const rows: RowRunner = pixels >= RELEASE_MIN_PIXELS ? runRowsParallel : runRowsHere;
  const radiance = async (): Promise<LinearImage | undefined> => {
    const plan = prepared.plan;
    return plan ? released(() => mergeRadianceRows(prepared.frames, plan.ev, { response: plan.response }, rows), pixels) : undefined;
  };
  if (method === 'mertens') return fusePrepared(prepared, method, options, { fusion: await released(() => mertensFuseParallel(prepared.frames), pixels), radiance: await radiance() });
  if (method !== 'learned') return fusePrepared(prepared, method, options, { radiance: await radiance() });
  // Deghosting replaced what moved by the reference's content before the network sees the frames, as in mergeBracket;
  // a missing exposure failed in prepareMerge, before the network runs.
  const { frames: input, plan, ghost } = prepared;
  const predictor = predictorOf(learned, pixels);
  // The lift's rows and the pyramid blend on two threads where a compute worker can read the frames, else on this one.
  const { fused, weights } = await released(
    () => learnedFuse(input, predictor, { workingSide: workingSideFor(input.length, learned.stage ?? 'full') }, { pyramidBlend: blendFramesParallel, rows }),
    pixels,
  );
  const outcome: MergeOutcome = {
    method: 'learned',
    width: fused.width,
    height: fused.height,
    fused,
    radiance: null,
    plan,
    key: 1,
    ...(ghost ? { ghost } : {}),
    ...(options.weightMapSide ? { weightMaps: previewWeightMaps(weights, fused.width, fused.height, options.weightMapSide) } : {}),
  };
  if (plan) addRadiance(outcome, input, plan, await radiance());
  return outcome;
}

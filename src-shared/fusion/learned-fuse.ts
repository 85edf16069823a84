/**
 * Learned exposure fusion around an injected network: frames -> working-resolution luma ->
 * weight maps (the caller's runtime: WASM in Node, WebGPU in the renderer) -> guided-filter lift
 * -> blend. Pure: no runtime imports, so the CLI and the app share every number but the network's.
 */
import type { LinearImage } from '../image/linear-image';
import { blendFrames, type CoarseWeights } from './blend';
import { gaussianPyramid, maxPyramidLevels } from '../merge/pyramid';
import { addDetail, planeContrast } from './detail-weights';
import { encodedLuma, fusionInput, type FusionInput } from './fusion-input';
import { defaultLiftRadius, liftWeights, liftWeightsFast, liftWeightsFastRows, workingGuide } from './lift-weights';
import { frameSamples } from '../image/samples';
import type { RowRunner } from '../parallel/row-kernels';
import { DEFAULT_FUSION_OPTIONS, defaultWorkingSide, type LearnedFuseOptions } from './meta';

/** Runs the network on K x paddedHeight x paddedWidth luma; returns weights of the same layout. */
export type WeightPredictor = (input: FusionInput) => Promise<Float32Array>;

export interface LearnedFuseResult {
  fused: LinearImage;
  /** Full-resolution weight map per frame (>= 0, summing to 1): those the finest levels blended with (see LearnedFuseOptions.detailLevels). */
  weights: Float32Array[];
  millis: { network: number; lift: number; blend: number };
}

/**
 * Where learnedFuse's full-resolution stages may run other than on the calling thread (src-main/compute:
 * on two threads), with the samples of the one-thread code: the pyramid blend (blendFrames(frames, weights,
 * 'pyramid', coarse)) and the fast lift's rows.
 */
export interface LearnedFuseRunners {
  pyramidBlend?: (frames: LinearImage[], weights: Float32Array[], coarse?: CoarseWeights) => Promise<LinearImage>;
  rows?: RowRunner;
}

/**
 * The lift's guide, the mean encoded luma of the frames (edges visible in any exposure steer the lift), and each frame's
 * contrast for the detail levels (16 bits a pixel) from the same luma. Apart from learnedFuse, so its scratch plane is
 * not kept alive through the awaits that follow.
 */
export function guideAndContrast(frames: readonly LinearImage[], detail: boolean): GuidePlanes {
  const { width: W, height: H } = frames[0];
  const guide = frameSamples(W * H);
  const luma = new Float32Array(W * H);
  const contrast: Uint16Array[] = [];
  for (const f of frames) {
    encodedLuma(f, luma);
    for (let p = 0; p < guide.length; p++) guide[p] += luma[p] / frames.length;
    if (detail) contrast.push(planeContrast(luma, W, H));
  }
  return { guide, contrast };
}

/** The full-size planes learnedFuse reads from the frames before the network's weights arrive; the lift takes the guide away. */
export interface GuidePlanes {
  guide?: Float32Array;
  contrast: Uint16Array[];
}

/**
 * The network's weights lifted to the frames' size with the guide, which is taken out of `planes` first: nothing holds
 * it once the lift returns, so it is not beside the blend's planes (96 MB at 24 MP).
 */
async function liftStage(input: FusionInput, maps: Float32Array, planes: GuidePlanes, W: number, H: number, opts: typeof DEFAULT_FUSION_OPTIONS, liftRadius: number | undefined, rows: RowRunner | undefined): Promise<Float32Array[]> {
  const guide = planes.guide;
  if (!guide) throw new Error('internal error: the guide was already used by a lift');
  planes.guide = undefined;
  const lift = { radius: liftRadius ?? defaultLiftRadius(W, input.width), eps: opts.liftEps };
  const guideLow = (): Float32Array => workingGuide(input.data, input.exposures, input.width, input.height, input.paddedWidth, input.paddedHeight);
  if (opts.lift !== 'fast') return liftWeights({ ...input, data: maps }, guide, W, H, lift);
  return rows ? liftWeightsFastRows({ ...input, data: maps }, guideLow(), guide, W, H, lift, rows) : liftWeightsFast({ ...input, data: maps }, guideLow(), guide, W, H, lift);
}

/**
 * The detail levels, in place (lifted weights >= 0 summing to 1, each frame's contrast from guideAndContrast): the
 * weights' Gaussian level `level` is returned for the bands from there up (none past the pyramid's top), and the
 * weights themselves are made detail-aware (addDetail) for the finer bands.
 */
export function detailWeights(weights: Float32Array[], contrast: readonly Uint16Array[], W: number, H: number, level: number): CoarseWeights | undefined {
  const coarse = level > 0 && level < maxPyramidLevels(W, H) ? { level, weights: weights.map((data) => gaussianPyramid({ width: W, height: H, channels: 1, data }, level + 1)[level]) } : undefined;
  if (level > 0) addDetail(weights, contrast, W);
  return coarse;
}

export async function learnedFuse(frames: LinearImage[], predict: WeightPredictor, options: LearnedFuseOptions = {}, runners: LearnedFuseRunners = {}): Promise<LearnedFuseResult> {
  const opts = { ...DEFAULT_FUSION_OPTIONS, ...options };
  if (!Number.isInteger(opts.detailLevels) || opts.detailLevels < 0) throw new RangeError(`detailLevels must be an integer >= 0, got ${opts.detailLevels}`);
  const input = fusionInput(frames, options.workingSide ?? defaultWorkingSide(frames.length));
  const t0 = performance.now();
  // The guide is built while a predictor that runs elsewhere (a worker, the GPU) works on the network.
  const network = predict(input);
  network.catch(() => undefined);
  const { width: W, height: H } = frames[0];
  const detail = opts.blend === 'pyramid' && opts.detailLevels > 0;
  const planes = guideAndContrast(frames, detail);
  const { contrast } = planes;
  const maps = await network;
  const t1 = performance.now();
  if (maps.length !== input.data.length) throw new RangeError(`the network returned ${maps.length} weights, expected ${input.data.length}`);
  const weights = await liftStage(input, maps, planes, W, H, opts, options.liftRadius, runners.rows);
  const t2 = performance.now();
  const coarse = detail ? detailWeights(weights, contrast, W, H, opts.detailLevels) : undefined;
  contrast.length = 0;
  const fused = runners.pyramidBlend && opts.blend === 'pyramid' ? await runners.pyramidBlend(frames, weights, coarse) : blendFrames(frames, weights, opts.blend, coarse);
  const t3 = performance.now();
  return { fused, weights, millis: { network: t1 - t0, lift: t2 - t1, blend: t3 - t2 } };
}

/**
 * The merge step for the app and the CLI alike: the pure methods from src-shared, and the learned
 * fusion, which needs the model runtime (onnxruntime-web) that only the Node side has.
 */
import { deghostBracket, planWithoutGhosts } from '../../src-shared/ghost/deghost';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { checkBracket } from '../../src-shared/pipeline/check-bracket';
import { addRadiance, mergeBracket, type MergeOptions, type MergeOutcome, type Method } from '../../src-shared/pipeline/merge-bracket';
import { planExposures } from '../../src-shared/pipeline/plan-exposures';
import { previewWeightMaps } from '../../src-shared/pipeline/weight-maps';
import { fuseLearned } from './fusion-model';

export async function mergeFrames(frames: LinearImage[], method: Method, options: MergeOptions = {}): Promise<MergeOutcome> {
  if (method !== 'learned') return mergeBracket(frames, method, options);
  checkBracket(frames);
  // Deghosting replaces what moved by the reference's content before the network sees the frames, as in mergeBracket.
  const ghost = options.deghost?.mode === 'auto' ? deghostBracket(frames, options.deghost) : null;
  const input = ghost ? ghost.frames : frames;
  // A missing exposure must fail before the network runs, as in mergeBracket.
  const plan = options.withRadiance ? (ghost ? planWithoutGhosts(input, ghost.summary.mask, options) : planExposures(input, options)) : null;
  const { fused, weights } = await fuseLearned(input);
  const outcome: MergeOutcome = {
    method: 'learned',
    width: fused.width,
    height: fused.height,
    fused,
    radiance: null,
    plan,
    key: 1,
    ...(ghost ? { ghost: ghost.summary } : {}),
    ...(options.weightMapSide ? { weightMaps: previewWeightMaps(weights, fused.width, fused.height, options.weightMapSide) } : {}),
  };
  if (plan) addRadiance(outcome, input, plan);
  return outcome;
}

/**
 * The merge step for the app and the CLI alike: the pure methods from src-shared, and the learned
 * fusion, which needs the model runtime (onnxruntime-web) that only the Node side has.
 */
import type { LinearImage } from '../../src-shared/image/linear-image';
import { checkBracket } from '../../src-shared/pipeline/check-bracket';
import { addRadiance, mergeBracket, type MergeOptions, type MergeOutcome, type Method } from '../../src-shared/pipeline/merge-bracket';
import { planExposures } from '../../src-shared/pipeline/plan-exposures';
import { fuseLearned } from './fusion-model';

export async function mergeFrames(frames: LinearImage[], method: Method, options: MergeOptions = {}): Promise<MergeOutcome> {
  if (method !== 'learned') return mergeBracket(frames, method, options);
  checkBracket(frames);
  // A missing exposure must fail before the network runs, as in mergeBracket.
  const plan = options.withRadiance ? planExposures(frames, options) : null;
  const { fused } = await fuseLearned(frames);
  const outcome: MergeOutcome = { method: 'learned', width: fused.width, height: fused.height, fused, radiance: null, plan, key: 1 };
  if (plan) addRadiance(outcome, frames, plan);
  return outcome;
}

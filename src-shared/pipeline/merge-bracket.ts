/**
 * The merge as one pure function, used identically by the app and the CLI:
 * frames -> fused display image (Mertens) and/or scene-referred radiance map.
 */
import type { LinearImage } from '../image/linear-image';
import { mertensFuse } from '../merge/mertens';
import { mergeRadiance } from '../merge/radiance';
import { autoKey } from '../tonemap/global';
import { checkBracket } from './check-bracket';
import { planExposures, type ExposurePlan, type PlanOptions } from './plan-exposures';

/** 'learned' is the fusion CNN: its outcome is built by the Node runtime (src-main/services/merge-service.ts). */
export type Method = 'mertens' | 'radiance' | 'learned';

export interface MergeOutcome {
  method: Method;
  width: number;
  height: number;
  /** The fused image of a fusion method (linear light, display-referred, 0..1). */
  fused: LinearImage | null;
  /** Scene-referred linear radiance, exposure-normalised to ev 0; null until asked for. */
  radiance: LinearImage | null;
  plan: ExposurePlan | null;
  /** Auto-exposure key of the radiance map (1 for fused images). */
  key: number;
}

export interface MergeOptions extends PlanOptions {
  /** Also compute the radiance map for a fusion method (needed for EXR output). */
  withRadiance?: boolean;
}

export function mergeBracket(frames: LinearImage[], method: Exclude<Method, 'learned'>, options: MergeOptions = {}): MergeOutcome {
  checkBracket(frames);
  const needRadiance = method === 'radiance' || options.withRadiance === true;
  // Plan exposures first: a missing exposure must fail before seconds of fusion work.
  const plan = needRadiance ? planExposures(frames, options) : null;
  const fused = method === 'mertens' ? mertensFuse(frames) : null;
  const outcome: MergeOutcome = {
    method,
    width: frames[0].width,
    height: frames[0].height,
    fused,
    radiance: null,
    plan,
    key: 1,
  };
  if (plan) addRadiance(outcome, frames, plan);
  return outcome;
}

/** Computes the radiance map of an outcome that does not have one yet. */
export function addRadiance(outcome: MergeOutcome, frames: LinearImage[], plan: ExposurePlan): MergeOutcome {
  outcome.plan = plan;
  outcome.radiance = mergeRadiance(frames, plan.ev, { response: plan.response });
  if (outcome.method === 'radiance') outcome.key = autoKey(outcome.radiance);
  return outcome;
}

/**
 * The merge as one pure function, used identically by the app and the CLI:
 * frames -> fused display image (Mertens) and/or scene-referred radiance map.
 */
import { deghostBracket, planWithoutGhosts, type DeghostedBracket, type DeghostOptions, type GhostSummary } from '../ghost/deghost';
import type { LinearImage } from '../image/linear-image';
import { mertensFuseWeighted, type WeightedFusion } from '../merge/mertens';
import { mergeRadiance } from '../merge/radiance';
import { autoKey } from '../tonemap/global';
import { checkBracket } from './check-bracket';
import { planExposures, type ExposurePlan, type PlanOptions } from './plan-exposures';
import { previewWeightMaps } from './weight-maps';

/** 'learned' is the fusion CNN: its outcome is built by the Node runtime (src-main/services/merge-service.ts). */
export type Method = 'mertens' | 'radiance' | 'learned';
/**
 * A one-frame project is corrected, not merged (src-shared/correct): 'recover' shows the corrected
 * frame, 'recover-hdr' tone maps its HDR estimate, 'recover-classical' is the physics alone.
 */
export type RecoverMethod = 'recover' | 'recover-hdr' | 'recover-classical';
export const RECOVER_METHODS: readonly RecoverMethod[] = ['recover', 'recover-hdr', 'recover-classical'];

export interface MergeOutcome {
  method: Method | RecoverMethod;
  width: number;
  height: number;
  /** The fused image of a fusion method (linear light, display-referred, 0..1). */
  fused: LinearImage | null;
  /** Scene-referred linear radiance, exposure-normalised to ev 0; null until asked for. */
  radiance: LinearImage | null;
  plan: ExposurePlan | null;
  /** Auto-exposure key of the radiance map (1 for fused images). */
  key: number;
  /** The ghost mask and reference of a deghosted merge; absent when deghosting is off. */
  ghost?: GhostSummary;
  /** Per merged frame, the weights the merge blended it with, at `weightMapSide` (fusion methods, when asked for). */
  weightMaps?: LinearImage[];
}

export interface MergeOptions extends PlanOptions {
  /** Also compute the radiance map for a fusion method (needed for EXR output). */
  withRadiance?: boolean;
  /** Replace what moved between frames by the reference frame's content (src-shared/ghost); default off. */
  deghost?: DeghostOptions;
  /** Keep the fusion's per-frame weight maps, downsampled to this long side (as the preview is); default none. */
  weightMapSide?: number;
  /**
   * Frames to plan the exposures on instead of the merged ones: same size, same grid, same order
   * (deghosted as they are). The app's preview merges box-averaged frames, whose averaged codes and
   * noise bend a camera response fit, and plans on point samples of the full-resolution frames.
   */
  planFrames?: LinearImage[];
}

/**
 * A bracket made ready for its method: deghosted where asked, its exposures planned where the
 * method needs them. The part of a merge before the fusion work, split out so the app can stop
 * between the two when a newer merge has been asked for.
 */
export interface PreparedMerge {
  /** The frames the method blends (deghosted where deghosting was asked for). */
  frames: LinearImage[];
  plan: ExposurePlan | null;
  ghost?: GhostSummary;
  /** Deghosted in place with inPlace 'undoable': puts the frames' samples back (DeghostedBracket.restore). */
  restore?: () => void;
}

export function prepareMerge(frames: LinearImage[], method: Method, options: MergeOptions = {}): PreparedMerge {
  checkBracket(frames);
  const needRadiance = method === 'radiance' || options.withRadiance === true;
  // Deghosting replaces what moved by the reference's content before any method sees the frames; exposures are planned on the rest.
  const ghost = options.deghost?.mode === 'auto' ? deghostBracket(frames, options.deghost) : null;
  const input = ghost ? ghost.frames : frames;
  // Plan exposures first: a missing exposure must fail before seconds of fusion work (and leaves the frames as they were).
  let plan: ExposurePlan | null;
  try {
    plan = needRadiance ? planFor(input, ghost, options) : null;
  } catch (error) {
    ghost?.restore?.();
    throw error;
  }
  return { frames: input, plan, ...(ghost ? { ghost: ghost.summary } : {}), ...(ghost?.restore ? { restore: ghost.restore } : {}) };
}

/** The exposure plan of the merged frames, on them or on their planFrames (deghosted with the same detection). */
function planFor(frames: LinearImage[], ghost: DeghostedBracket | null, options: MergeOptions): ExposurePlan {
  const given = options.planFrames;
  if (given && (given.length !== frames.length || given.some((f, i) => f.width !== frames[i].width || f.height !== frames[i].height))) {
    throw new RangeError('planFrames must match the merged frames in number and size');
  }
  if (!ghost) return planExposures(given ?? frames, options);
  const planned = given ? deghostBracket(given, { ...options.deghost!, inPlace: false, reference: ghost.summary.reference, detection: ghost.detection }).frames : frames;
  return planWithoutGhosts(planned, options);
}

export function mergeBracket(frames: LinearImage[], method: Exclude<Method, 'learned'>, options: MergeOptions = {}): MergeOutcome {
  return fusePrepared(prepareMerge(frames, method, options), method, options);
}

/** Parts of a merge its caller made already (on more than one thread: src-main/compute/parallel-fusion.ts and parallel-rows.ts). */
export interface MergeParts {
  /** The Mertens fusion of the prepared frames. */
  fusion?: WeightedFusion;
  /** Their radiance map, merged with the plan's exposures and response. */
  radiance?: LinearImage;
}

/** The method itself on a prepared bracket: the fusion and/or the radiance map, each made here unless `made` has it. */
export function fusePrepared(prepared: PreparedMerge, method: Exclude<Method, 'learned'>, options: MergeOptions = {}, made: MergeParts = {}): MergeOutcome {
  const { frames, plan, ghost } = prepared;
  const mertens = method === 'mertens' ? (made.fusion ?? mertensFuseWeighted(frames)) : null;
  const outcome: MergeOutcome = {
    method,
    width: frames[0].width,
    height: frames[0].height,
    fused: mertens?.fused ?? null,
    radiance: null,
    plan,
    key: 1,
    ...(ghost ? { ghost } : {}),
    ...(mertens && options.weightMapSide ? { weightMaps: previewWeightMaps(mertens.weights, frames[0].width, frames[0].height, options.weightMapSide) } : {}),
  };
  if (plan) addRadiance(outcome, frames, plan, made.radiance);
  return outcome;
}

/** Computes the radiance map of an outcome that does not have one yet (or takes `radiance`, that map made already). */
export function addRadiance(outcome: MergeOutcome, frames: LinearImage[], plan: ExposurePlan, radiance?: LinearImage): MergeOutcome {
  outcome.plan = plan;
  outcome.radiance = radiance ?? mergeRadiance(frames, plan.ev, { response: plan.response });
  if (outcome.method === 'radiance') outcome.key = autoKey(outcome.radiance);
  return outcome;
}

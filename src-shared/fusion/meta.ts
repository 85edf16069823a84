/** The learned fusion model (training/fusion, resources/models/fusion.onnx): names, ranges and defaults. */

export const FUSION_MODEL_FILE = 'fusion.onnx';
/** Graph input: 1 x K x H x W luma of the sRGB-encoded frames in 0..1; H and W multiples of FUSION_MULTIPLE. */
export const FUSION_INPUT = 'exposures';
/** Graph output: 1 x K x H x W weights, >= 0, summing to 1 over K. */
export const FUSION_OUTPUT = 'weights';
export const FUSION_MULTIPLE = 4;
export const FUSION_MIN_EXPOSURES = 2;
/** The graph takes any K; 16 bounds memory (training saw 2..9). */
export const FUSION_MAX_EXPOSURES = 16;

export type FusionBlend = 'weighted-sum' | 'pyramid';

export interface LearnedFuseOptions {
  /**
   * Long side of the network's working resolution (frames smaller than this run at their own size);
   * default defaultWorkingSide(K): 1024 for 2-3 frames, less for longer brackets.
   */
  workingSide?: number;
  /** Guided-filter radius at full resolution, in full-resolution pixels; default scales with the lift factor. */
  liftRadius?: number;
  /** Guided-filter eps (guide in 0..1); default 1e-3. */
  liftEps?: number;
  /** How the lifted weights combine the frames; default chosen by MEF-SSIM on validation (see fusion.md). */
  blend?: FusionBlend;
  /**
   * 'fast': the guided filter's coefficients are solved at the working resolution against the
   * frames' working-resolution luma and only applied at full size (He and Sun's fast guided filter);
   * 'full': the maps are upsampled first and filtered at full size (about 6x the time at 24 MP).
   */
  lift?: FusionLift;
  /**
   * Pyramid levels, from full size, whose weights also follow each frame's local contrast at full
   * resolution (detail-weights.ts); 0 = the lifted weights at every level. Default DETAIL_LEVELS.
   */
  detailLevels?: number;
}

/**
 * Levels 0, 1 and 2 (structures up to about 8 px) take the contrast-aware weights. MEF-SSIM, five under/over
 * pairs / seven full sets (bench/fusion-options.ts ... pairs | full): none 0.9882 / 0.9748; 1 level 0.9902 / -;
 * 2 0.9908 / 0.9778; 3 0.9911 / 0.9782; 4 0.9912 / 0.9783 (desktop lower); every level 0.9899 / -.
 */
export const DETAIL_LEVELS = 3;

export type FusionLift = 'fast' | 'full';

/**
 * The default working side for K frames: 1024 px for 2-3 frames, then shrinking so that the
 * network's pixels (K x side^2) stay those of 3 frames at 1024, but never below 512 (the training
 * scale). Trained on 512-scale crops, the net scored higher MEF-SSIM run at 1024 than at 512 (five
 * under/over pairs 0.9878 vs 0.9856, seven full sets 0.9753 vs 0.9734: fusion.md); the cap keeps a
 * 9-frame bracket's network time near a 3-frame one's on the CPU.
 */
export function defaultWorkingSide(exposures: number): number {
  if (!Number.isInteger(exposures) || exposures < 1) throw new RangeError(`exposures must be a positive integer, got ${exposures}`);
  return Math.max(512, Math.min(1024, Math.round(1024 * Math.sqrt(3 / exposures))));
}

/**
 * The working side of the app's preview-stage merges (frames box-downsampled to 1280 px), at most
 * defaultWorkingSide(K). 3 x 24 MP bracket of bench/preview-latency.ts, the preview against the full
 * merge's own preview (mean |difference|, sRGB-encoded 0..1) and its network time warm: 1024 0.0071,
 * 0.52 s; 768 0.0087, 0.33 s; 640 0.0116, 0.20 s; 512 0.0167, 0.14 s. At 640 the jump when the full
 * merge replaces the preview is that of the Mertens preview (0.0117), and a first run in a process
 * (WASM memory growth) costs about 1.3 s instead of 2.9 s. Full merges keep defaultWorkingSide.
 */
export const PREVIEW_WORKING_SIDE = 640;

/** The network's working side for K frames: the preview stage's (PREVIEW_WORKING_SIDE) or the default one. */
export function workingSideFor(exposures: number, stage: 'preview' | 'full'): number {
  const side = defaultWorkingSide(exposures);
  return stage === 'preview' ? Math.min(PREVIEW_WORKING_SIDE, side) : side;
}

export const DEFAULT_FUSION_OPTIONS: Required<Omit<LearnedFuseOptions, 'liftRadius' | 'workingSide'>> = {
  liftEps: 1e-3,
  blend: 'pyramid',
  // Same MEF-SSIM as 'full' on the seven full sets at lift factors 2 and 4 (0.9734 / 0.9663 both ways,
  // per scene within 0.0001: bench/fusion-options.ts), at a fraction of the full-size work.
  lift: 'fast',
  detailLevels: DETAIL_LEVELS,
};

/** Alignment of exposure brackets: bitmap translation search, ECC similarity refinement, warping. */
export { alignFrames, type AlignMethod, type AlignMode, type AlignOptions, type AlignResult, type FrameAlignReport } from './align-frames';
export { eccRefine, type EccModel, type EccResult } from './ecc';
export { codePyramid, mtbShift, type MtbResult } from './mtb';
export { ALIGN_PROXY_SIDE, coarsenProxy, greyProxy, logPyramid, proxyFactor, type GreyProxy, type LogLevel } from './proxy';
export { residual, type Residual } from './residual';
export { suggestReference } from './suggest-reference';
export {
  applyAffine,
  composeAffine,
  describeAffine,
  identityTransform,
  invertAffine,
  similarity,
  type Affine,
  type AlignTransform,
  type SimilarityParams,
} from './transform';
export { coverageRect, intersectRects, warpFrame, type Rect, type WarpResult } from './warp';

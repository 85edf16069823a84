/**
 * A merge's per-frame weight maps at a preview's size, for the app's weights overlay: each
 * full-resolution map is box-averaged exactly as the preview is (downsample), so the maps lie on
 * the preview pixel for pixel and, like the merge's own, are >= 0 and sum to 1 at every pixel.
 */
import type { LinearImage } from '../image/linear-image';
import { downsample } from '../image/resample';

export function previewWeightMaps(weights: readonly Float32Array[], width: number, height: number, maxSide: number): LinearImage[] {
  return weights.map((data, k) => {
    if (data.length !== width * height) throw new RangeError(`weight map ${k} has ${data.length} samples for ${width}x${height}`);
    return downsample({ width, height, channels: 1, data, ev: null, meta: {} }, maxSide);
  });
}

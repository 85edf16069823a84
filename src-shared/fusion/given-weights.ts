/**
 * Weights computed elsewhere (the renderer's WebGPU run) for a FusionInput: a fingerprint of the
 * input so they can be matched to it, a check of their values, and a WeightPredictor that returns
 * them to learnedFuse in place of a network run.
 */
import type { FusionInput } from './fusion-input';
import type { WeightPredictor } from './learned-fuse';

export interface GivenWeights {
  exposures: number;
  paddedWidth: number;
  paddedHeight: number;
  /** K x paddedHeight x paddedWidth, planar, >= 0. */
  data: Float32Array;
  /** fusionInputKey of the input they were computed from. */
  inputKey: string;
}

/** The weights do not belong to the input the merge computed (other frames, alignment or deghosting). */
export class FusionWeightsMismatchError extends Error {
  override name = 'FusionWeightsMismatchError';
}

/** FNV-1a over the input's float bits and its dimensions: equal inputs, equal keys; any change of a sample changes it (barring a 1 in 2^32 collision). */
export function fusionInputKey(input: FusionInput): string {
  const words = new Uint32Array(input.data.buffer, input.data.byteOffset, input.data.length);
  let h = 0x811c9dc5;
  for (const v of [input.exposures, input.width, input.height, input.paddedWidth, input.paddedHeight]) h = Math.imul(h ^ v, 0x01000193);
  for (let i = 0; i < words.length; i++) h = Math.imul(h ^ words[i], 0x01000193);
  return `${input.exposures}x${input.paddedHeight}x${input.paddedWidth}:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/** Throws RangeError unless data has K x H x W finite samples >= 0. */
export function checkWeightValues(data: Float32Array, exposures: number, paddedHeight: number, paddedWidth: number): void {
  const n = exposures * paddedHeight * paddedWidth;
  if (data.length !== n) throw new RangeError(`weights hold ${data.length} samples, expected ${exposures}x${paddedHeight}x${paddedWidth} = ${n}`);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    // One comparison catches NaN, negatives and the infinities.
    if (!(v >= 0 && v < Infinity)) throw new RangeError(`weight ${i} is ${v}: weights must be finite and >= 0`);
  }
}

/** A predictor that returns the given weights after checking they were computed from this very input. */
export function givenWeightsPredictor(given: GivenWeights): WeightPredictor {
  return async (input) => {
    const want = fusionInputKey(input);
    if (given.inputKey !== want) {
      throw new FusionWeightsMismatchError(`the weights were computed for another network input (${given.inputKey}, this merge's is ${want}): ask for the input again`);
    }
    checkWeightValues(given.data, given.exposures, given.paddedHeight, given.paddedWidth);
    if (given.exposures !== input.exposures || given.paddedHeight !== input.paddedHeight || given.paddedWidth !== input.paddedWidth) {
      throw new FusionWeightsMismatchError(`weights of ${given.exposures}x${given.paddedHeight}x${given.paddedWidth} for an input of ${input.exposures}x${input.paddedHeight}x${input.paddedWidth}`);
    }
    return given.data;
  };
}

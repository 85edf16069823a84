/** The learned fusion CNN in the renderer (resources/models/fusion.onnx; card: resources/models/fusion.md). */
import { FUSION_INPUT, FUSION_OUTPUT } from '../../../../src-shared/fusion/meta';
import type { ModelMeta } from '../model-runtime';

export const fusionMeta: ModelMeta = {
  name: 'fusion',
  label: 'the learned fusion model',
  input: FUSION_INPUT,
  output: FUSION_OUTPUT,
  // The decoder's concat at 1/2 resolution: 72 channels per exposure over a quarter of the pixels = 18x the input.
  peakBufferFactor: 18,
};

/**
 * Where the renderer runs the fusion network (localStorage 'luxfuse:model'): 'auto' (default)
 * WebGPU, else main's WASM in the engine thread; 'wasm' onnxruntime-web's WASM in this window
 * (blocks the UI while it runs: for comparisons); 'main' always main's WASM.
 */
export type FusionPlacement = 'auto' | 'wasm' | 'main';

export const DEFAULT_FUSION_PLACEMENT: FusionPlacement = 'auto';

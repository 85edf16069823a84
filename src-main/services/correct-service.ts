/** Single-frame correction for the CLI and the engine thread: one decoded frame in, HDR estimate and display image out. */
import { correctClassical, correctLearned, type CorrectMethod, type CorrectOptions, type CorrectResult } from '../../src-shared/correct/correct';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { extremeFrame, synthesiseExposure, SYNTHETIC_STOPS, type SynthesizeSide } from '../../src-shared/correct/synthesize';
import { onnxCorrectNets } from './correct-model';

/** Corrects one decoded frame: the learned networks (default) or the classical physics. */
export async function correctImage(input: LinearImage, options: CorrectOptions & { method?: CorrectMethod; modelDir?: string } = {}): Promise<CorrectResult> {
  const { method = 'learned', modelDir, ...rest } = options;
  if (method === 'classical') return correctClassical(input, rest);
  return correctLearned(input, onnxCorrectNets(modelDir), rest);
}

/**
 * The frame a bracket lacks beyond its darkest (or brightest) one, from that frame's learned HDR
 * estimate (not denoised: it joins a merge that averages noise itself). Returns it with the index of
 * the frame it came from; the CLI and the app add it to the merge the same way.
 */
export async function synthesiseMissingFrame(frames: readonly LinearImage[], side: SynthesizeSide, options: { modelDir?: string } = {}): Promise<{ frame: LinearImage; source: number }> {
  const source = extremeFrame(frames, side);
  const correction = await correctImage(frames[source], { method: 'learned', denoise: false, modelDir: options.modelDir });
  return { frame: synthesiseExposure(frames[source], correction, side === 'dark' ? -SYNTHETIC_STOPS : SYNTHETIC_STOPS), source };
}

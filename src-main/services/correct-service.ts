/** Single-frame correction for the CLI and the engine thread: one decoded frame in, HDR estimate and display image out. */
import { correctClassical, correctLearned, type CorrectMethod, type CorrectOptions, type CorrectResult } from '../../src-shared/correct/correct';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { onnxCorrectNets } from './correct-model';

/** Corrects one decoded frame: the learned networks (default) or the classical physics. */
export async function correctImage(input: LinearImage, options: CorrectOptions & { method?: CorrectMethod; modelDir?: string } = {}): Promise<CorrectResult> {
  const { method = 'learned', modelDir, ...rest } = options;
  if (method === 'classical') return correctClassical(input, rest);
  return correctLearned(input, onnxCorrectNets(modelDir), rest);
}

/**
 * The stages a compute worker runs: each gives the same bytes on a worker as on the thread that asked.
 * encodeTiff and predictFusionWeights are pure functions of their arguments. The band tasks (encodeJpegStrips,
 * fusionBands, rowBands) share a claim counter, and their image and outputs in shared memory, with the other
 * threads doing the same stage: which thread does which band varies, the result does not. Decoding frames
 * is not one of them: two threads decoding 24 MP frames at once took longer than one on this VM (BENCHMARKS.md).
 */
import { claimJpegStrips } from '../../src-shared/codecs/jpeg-encode';
import { encodeTiff, type TiffEncodeOptions } from '../../src-shared/codecs/tiff-write';
import type { FusionInput } from '../../src-shared/fusion/fusion-input';
import type { JudgeInput } from '../../src-shared/ghost/judge-input';
import type { Rgba8Image } from '../../src-shared/image/linear-image';
import type { RowJob, RowKernel } from '../../src-shared/parallel/row-kernels';
import { runFusionBands, type FusionBandJob } from './fusion-bands';
import { claimRowBands } from './parallel-rows';

export const COMPUTE_TASKS = {
  /** Row bands of a pyramid fusion, claimed with the thread that owns it (parallel-fusion.ts); the planes are shared, the answer is a count. */
  fusionBands: (job: FusionBandJob): number => runFusionBands(job),
  /** Bands of a row kernel's rows, claimed with the thread that runs it (parallel-rows.ts); its outputs are shared, the answer is a count. */
  rowBands: <K extends RowKernel>(kernel: K, job: RowJob<K>, bandRows: number, rows: number, claim: Int32Array, done: Uint8Array): number =>
    claimRowBands(kernel, job, bandRows, rows, claim, done),
  encodeTiff: (options: TiffEncodeOptions): Uint8Array => encodeTiff(options),
  /** Strips of one JPEG, claimed from a counter shared with the other encoders of the same image (parallel-jpeg.ts). */
  encodeJpegStrips: (image: Rgba8Image, quality: number, stripRows: number, claim: Int32Array): Array<[number, Uint8Array]> =>
    claimJpegStrips(image, quality, stripRows, claim),
  /**
   * The fusion network on a worker of its own (computeIsolated), or on the kept worker (computeOnKeptWorker, the
   * app's previews): onnxruntime-web's WASM heap grows to the network's largest activations and never shrinks; it
   * goes with the worker instead of staying beside the full-size planes of the lift and blend (3 x 24 MP: peak RSS
   * 0.3-0.5 GiB lower, BENCHMARKS.md).
   */
  predictFusionWeights: async (input: FusionInput, modelPath: string): Promise<Float32Array> => {
    const { predictFusionWeights } = await import('../services/fusion-model');
    return predictFusionWeights(input, modelPath);
  },
  /** The ghost judge network on the kept worker (judge-model.ts runJudgeKept), for the same reason. */
  runJudge: async (input: JudgeInput, modelDir: string): Promise<Float32Array> => {
    const { runJudge } = await import('../services/judge-model');
    return runJudge(input, modelDir);
  },
};

export type ComputeTask = keyof typeof COMPUTE_TASKS;
export type ComputeArgs<T extends ComputeTask> = Parameters<(typeof COMPUTE_TASKS)[T]>;
export type ComputeResult<T extends ComputeTask> = Awaited<ReturnType<(typeof COMPUTE_TASKS)[T]>>;

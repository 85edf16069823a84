/**
 * The learned fusion model in Node (CLI, main process): onnxruntime-web's WASM backend, one cached
 * session per model file. The pre/post-processing is src-shared/fusion, shared with the renderer.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-web';
import { LuxfuseError } from '../../src-shared/errors';
import type { FusionInput } from '../../src-shared/fusion/fusion-input';
import { learnedFuse, type LearnedFuseResult } from '../../src-shared/fusion/learned-fuse';
import { FUSION_INPUT, FUSION_MODEL_FILE, FUSION_OUTPUT, type LearnedFuseOptions } from '../../src-shared/fusion/meta';
import type { LinearImage } from '../../src-shared/image/linear-image';

/** The model file is not where it should be (a build without resources/models). */
export class FusionModelMissingError extends LuxfuseError {}
/** The model file exists but onnxruntime cannot load it (corrupt, truncated, wrong graph). */
export class FusionModelLoadError extends LuxfuseError {}
/** The session ran but failed or returned something other than the expected weights. */
export class FusionModelRunError extends LuxfuseError {}

/** resources/models from the source tree; LUXFUSE_MODELS overrides (packaged builds, tests). */
export function defaultModelPath(): string {
  const dir = process.env.LUXFUSE_MODELS ?? resolve(import.meta.dirname, '../../resources/models');
  return join(dir, FUSION_MODEL_FILE);
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

async function createSession(path: string): Promise<ort.InferenceSession> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(path));
  } catch (error) {
    throw new FusionModelMissingError(`the learned fusion model is missing (${path}): ${(error as Error).message}; use --method mertens`, path);
  }
  // Threads need worker files next to the WASM; one thread is enough at working resolution.
  ort.env.wasm.numThreads = 1;
  try {
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
    if (!session.inputNames.includes(FUSION_INPUT) || !session.outputNames.includes(FUSION_OUTPUT)) {
      throw new Error(`expected input '${FUSION_INPUT}' and output '${FUSION_OUTPUT}', got ${session.inputNames} -> ${session.outputNames}`);
    }
    return session;
  } catch (error) {
    throw new FusionModelLoadError(`cannot load the learned fusion model ${path}: ${String((error as Error).message ?? error).split('\n')[0]}`, path);
  }
}

/** The cached session for a model file; a failed load is not cached, so a fixed file loads next time. */
export function fusionSession(path = defaultModelPath()): Promise<ort.InferenceSession> {
  let s = sessions.get(path);
  if (!s) {
    s = createSession(path);
    sessions.set(path, s);
    s.catch(() => sessions.delete(path));
  }
  return s;
}

/** Releases every cached session (tests, or before replacing a model file). */
export async function releaseFusionSessions(): Promise<void> {
  const all = [...sessions.values()];
  sessions.clear();
  for (const s of all) await s.then((x) => x.release()).catch(() => undefined);
}

/** Runs the network: K x H x W luma (0..1) in, K x H x W weights out. */
export async function predictFusionWeights(input: FusionInput, path = defaultModelPath()): Promise<Float32Array> {
  const session = await fusionSession(path);
  const dims = [1, input.exposures, input.paddedHeight, input.paddedWidth];
  const tensor = new ort.Tensor('float32', input.data, dims);
  let out: ort.Tensor;
  try {
    out = (await session.run({ [FUSION_INPUT]: tensor }))[FUSION_OUTPUT];
  } catch (error) {
    throw new FusionModelRunError(`the learned fusion model failed: ${String((error as Error).message ?? error).split('\n')[0]}`, path);
  } finally {
    tensor.dispose();
  }
  if (out.type !== 'float32' || out.dims.join('x') !== dims.join('x')) {
    throw new FusionModelRunError(`the learned fusion model returned ${out.type} ${out.dims.join('x')}, expected float32 ${dims.join('x')}`, path);
  }
  const data = out.data as Float32Array;
  out.dispose();
  return data;
}

/** Fuses a bracket (2..9 frames of one size) with the learned model; display-referred, linear light. */
export async function fuseLearned(frames: LinearImage[], options: LearnedFuseOptions & { modelPath?: string } = {}): Promise<LearnedFuseResult> {
  const { modelPath, ...rest } = options;
  return learnedFuse(frames, (input) => predictFusionWeights(input, modelPath), rest);
}

/**
 * The learned fusion model in Node (CLI, main process): onnxruntime-web's WASM backend, one cached
 * session per model file. The pre/post-processing is src-shared/fusion, shared with the renderer.
 */
import { join, resolve } from 'node:path';
import type * as ort from 'onnxruntime-web';
import { LuxfuseError } from '../../src-shared/errors';
import type { FusionInput } from '../../src-shared/fusion/fusion-input';
import { learnedFuse, type LearnedFuseResult } from '../../src-shared/fusion/learned-fuse';
import { FUSION_INPUT, FUSION_MODEL_FILE, FUSION_OUTPUT, type LearnedFuseOptions } from '../../src-shared/fusion/meta';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { cachedSession, releaseSessions, runOne, type SessionSpec } from './onnx-session';

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

const SPEC: SessionSpec = {
  label: 'the learned fusion model',
  inputs: [FUSION_INPUT],
  outputs: [FUSION_OUTPUT],
  fallback: 'use --method mertens',
  missing: (m, p) => new FusionModelMissingError(m, p),
  broken: (m, p) => new FusionModelLoadError(m, p),
};

/** The cached session for a model file; a failed load is not cached, so a fixed file loads next time. */
export function fusionSession(path = defaultModelPath()): Promise<ort.InferenceSession> {
  return cachedSession(path, SPEC);
}

/** Releases every cached model session (tests, or before replacing a model file). */
export const releaseFusionSessions = releaseSessions;

/** Runs the network: K x H x W luma (0..1) in, K x H x W weights out. */
export async function predictFusionWeights(input: FusionInput, path = defaultModelPath()): Promise<Float32Array> {
  const session = await fusionSession(path);
  const dims = [1, input.exposures, input.paddedHeight, input.paddedWidth];
  return runOne(
    session,
    { name: FUSION_INPUT, data: input.data, dims },
    { name: FUSION_OUTPUT, dims },
    (m) => new FusionModelRunError(m, path),
    'the learned fusion model',
  );
}

/** Fuses a bracket (2..9 frames of one size) with the learned model; display-referred, linear light. */
export async function fuseLearned(frames: LinearImage[], options: LearnedFuseOptions & { modelPath?: string } = {}): Promise<LearnedFuseResult> {
  const { modelPath, ...rest } = options;
  return learnedFuse(frames, (input) => predictFusionWeights(input, modelPath), rest);
}

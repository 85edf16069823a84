/**
 * The judge network (resources/models/judge.md) in Node: ghost detection by onnxruntime-web WASM,
 * one session over all (reference, frame) pairs of a bracket, returning what detect.ts returns so
 * deghostBracket takes it as `options.detection`.
 */
import { join, resolve } from 'node:path';
import { LuxfuseError } from '../../src-shared/errors';
import type { GhostDetection } from '../../src-shared/ghost/detect';
import { DEFAULT_JUDGE_THRESHOLD, JUDGE_CHANNELS, JUDGE_INPUT, JUDGE_MODEL_FILE, JUDGE_OUTPUT, judgeDetection, judgeInput } from '../../src-shared/ghost/judge-input';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { computeOnKeptWorker } from '../compute/compute-pool';
import { cachedSession, runOne, withModelErrors, type ModelErrorClasses, type SessionSpec } from './onnx-session';

/** judge.onnx is not where it should be. */
export class JudgeModelMissingError extends LuxfuseError {}
/** judge.onnx exists but onnxruntime cannot load it. */
export class JudgeModelLoadError extends LuxfuseError {}
/** The session ran but failed or returned the wrong shape. */
export class JudgeModelRunError extends LuxfuseError {}

export interface JudgeOptions {
  /** Index of the frame whose content wins; never masked. */
  reference: number;
  /** Ghost probability (0..1) from which a pixel is masked; default DEFAULT_JUDGE_THRESHOLD. */
  threshold?: number;
  /** Folder holding judge.onnx; default resources/models or LUXFUSE_MODELS. */
  modelDir?: string;
}

export function defaultJudgeModelDir(): string {
  return process.env.LUXFUSE_MODELS ?? resolve(import.meta.dirname, '../../resources/models');
}

const SPEC: SessionSpec = {
  label: 'the ghost judge model',
  inputs: [JUDGE_INPUT],
  outputs: [JUDGE_OUTPUT],
  fallback: 'use the classical ghost detector (--ghost-detector classical)',
  missing: (m, p) => new JudgeModelMissingError(m, p),
  broken: (m, p) => new JudgeModelLoadError(m, p),
};

/** Per-pair ghost probabilities of the network for a prepared input (pairs x paddedHeight x paddedWidth). */
export async function runJudge(input: ReturnType<typeof judgeInput>, modelDir = defaultJudgeModelDir()): Promise<Float32Array> {
  const path = join(modelDir, JUDGE_MODEL_FILE);
  const session = await cachedSession(path, SPEC);
  const { paddedWidth: pw, paddedHeight: ph, pairs } = input;
  return runOne(
    session,
    { name: JUDGE_INPUT, data: input.data, dims: [pairs.length, JUDGE_CHANNELS, ph, pw] },
    { name: JUDGE_OUTPUT, dims: [pairs.length, 1, ph, pw] },
    (m) => new JudgeModelRunError(m, path),
    SPEC.label,
  );
}

const JUDGE_ERRORS: ModelErrorClasses = {
  JudgeModelMissingError,
  JudgeModelLoadError,
  JudgeModelRunError,
};

/**
 * runJudge on the compute pool's kept worker (computeOnKeptWorker), where the entry point provides workers; else
 * here. onnxruntime-web's WASM heap, which never shrinks, then grows there and not on the merge's thread, and ends
 * with that worker before a full-size stage (retireIdleWorkers): on the engine thread and in the CLI it stayed
 * beside the full-size fusion of a deghosted merge. The model's own errors keep their classes (a missing model
 * still lets the caller fall back to the classical detector).
 */
export async function runJudgeKept(input: ReturnType<typeof judgeInput>, modelDir = defaultJudgeModelDir()): Promise<Float32Array> {
  const job = computeOnKeptWorker('runJudge', [input, modelDir]);
  return job ? withModelErrors(job, JUDGE_ERRORS, join(modelDir, JUDGE_MODEL_FILE)) : runJudge(input, modelDir);
}

/** Where each frame's content differs from the reference's, by the judge network (on the kept worker where there is one). */
export async function judgeGhosts(frames: LinearImage[], options: JudgeOptions): Promise<GhostDetection> {
  const threshold = options.threshold ?? DEFAULT_JUDGE_THRESHOLD;
  if (!(threshold > 0 && threshold < 1)) throw new RangeError(`the judge threshold must be in (0, 1), got ${threshold}`);
  const input = judgeInput(frames, { reference: options.reference });
  const probability = await runJudgeKept(input, options.modelDir);
  return judgeDetection(input, probability, threshold);
}

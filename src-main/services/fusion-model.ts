/**
 * The learned fusion model in Node (CLI, main process): onnxruntime-web's WASM backend, one cached
 * session per model file. The pre/post-processing is src-shared/fusion, shared with the renderer.
 */
import { join, resolve } from 'node:path';
import type * as ort from 'onnxruntime-web';
import { computeIsolated, computeOnKeptWorker, keptWorkerAlive, keptWorkerAvailable, keptWorkerStarts } from '../compute/compute-pool';
import { LuxfuseError } from '../../src-shared/errors';
import type { FusionInput } from '../../src-shared/fusion/fusion-input';
import { learnedFuse, type LearnedFuseResult } from '../../src-shared/fusion/learned-fuse';
import { FUSION_INPUT, FUSION_MODEL_FILE, FUSION_OUTPUT, PREVIEW_WORKING_SIDE, type LearnedFuseOptions } from '../../src-shared/fusion/meta';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { cachedSession, releaseSessions, runOne, withModelErrors, type ModelErrorClasses, type SessionSpec } from './onnx-session';

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

/** Model files whose network has run in this thread: their first run's cost is paid. */
const ran = new Set<string>();
/** Per model file, the warm-up in flight or done; a failed one is forgotten, so the next call tries again. */
const warmups = new Map<string, Promise<void>>();

/** Releases every cached model session and forgets the warm-ups (tests, or before replacing a model file). */
export async function releaseFusionSessions(): Promise<void> {
  ran.clear();
  warmups.clear();
  keptWarmups.clear();
  await releaseSessions();
}

/** Runs the network: K x H x W luma (0..1) in, K x H x W weights out. */
export async function predictFusionWeights(input: FusionInput, path = defaultModelPath()): Promise<Float32Array> {
  const session = await fusionSession(path);
  const dims = [1, input.exposures, input.paddedHeight, input.paddedWidth];
  const weights = await runOne(
    session,
    { name: FUSION_INPUT, data: input.data, dims },
    { name: FUSION_OUTPUT, dims },
    (m) => new FusionModelRunError(m, path),
    'the learned fusion model',
  );
  ran.add(path);
  return weights;
}

const FUSION_ERRORS: ModelErrorClasses = {
  FusionModelMissingError,
  FusionModelLoadError,
  FusionModelRunError,
};

/**
 * predictFusionWeights on a compute worker started for this run and ended after it (computeIsolated), where
 * the entry point provides workers; else on this thread. The network's WASM heap then leaves with the worker
 * instead of staying through the full-size lift and blend (3 x 24 MP: peak RSS 2.40-2.53 -> 2.06-2.19 GiB,
 * BENCHMARKS.md). For one-off merges (the CLI): each call loads the model again, and nothing is cached.
 * The model's own errors keep their classes.
 */
export async function predictFusionWeightsIsolated(input: FusionInput, path = defaultModelPath()): Promise<Float32Array> {
  // Copied, not moved: the lift reads the input again.
  const job = computeIsolated('predictFusionWeights', [input, path]);
  return job ? withModelErrors(job, FUSION_ERRORS, path) : predictFusionWeights(input, path);
}

/**
 * predictFusionWeights on the compute pool's kept worker (computeOnKeptWorker), where the entry point provides
 * workers; else on this thread. For the app's previews: the session and the WASM heap the network grew stay
 * warm on that worker from one preview to the next, and leave with it when a full-size stage ends it
 * (retireIdleWorkers), instead of staying on the engine thread through the full-size lift and blend.
 * The model's own errors keep their classes.
 */
export async function predictFusionWeightsKept(input: FusionInput, path = defaultModelPath()): Promise<Float32Array> {
  const job = computeOnKeptWorker('predictFusionWeights', [input, path]);
  return job ? withModelErrors(job, FUSION_ERRORS, path) : predictFusionWeights(input, path);
}


/**
 * The warm-up's input: 3 frames at the preview's working side both ways (a multiple of FUSION_MULTIPLE).
 * A first run at a size grows onnxruntime's WASM heap (3 x 432 x 640: 1.0-1.2 s first, 0.2 s after; a
 * first run at 64 px did not shorten it), and what a size leaves warm is any input of as many samples or
 * fewer: this one covers a preview of 3 frames of any shape and of 4 up to 4:3 (about 60 MB more heap
 * than a 3:2 preview's own first run); longer brackets still pay part of the growth on their first run.
 */
const WARM_EXPOSURES = 3;

/**
 * Readies main's network before its first learned merge (models:warm): creates the session and runs the
 * network once on a dummy input, so that merge pays neither (together 2-3 s of a first learned preview on
 * a 2-core machine). Each step first waits for `idle()`: a merge asked meanwhile shares the session
 * promise, and a network that a merge has run already is not run again. Never rejects: a missing or
 * broken file is left for the merge that needs it to report, as without a warm-up (a failed session is
 * not cached, so that merge tries the file again).
 */
export function warmFusionModel(idle: () => Promise<void>, path = defaultModelPath()): Promise<void> {
  let warmup = warmups.get(path);
  if (!warmup) {
    const attempt: Promise<void> = warmUp(idle, path).catch(() => {
      if (warmups.get(path) === attempt) warmups.delete(path);
    });
    warmups.set(path, attempt);
    warmup = attempt;
  }
  return warmup;
}

async function warmUp(idle: () => Promise<void>, path: string): Promise<void> {
  await idle();
  await fusionSession(path);
  // Creating the session took a while: what was asked for meanwhile goes first.
  await idle();
  if (ran.has(path)) return;
  await predictFusionWeights(warmInput(), path);
}

function warmInput(): FusionInput {
  const side = PREVIEW_WORKING_SIDE;
  const data = new Float32Array(WARM_EXPOSURES * side * side).fill(0.5);
  return { data, exposures: WARM_EXPOSURES, width: side, height: side, paddedWidth: side, paddedHeight: side };
}

/** Per model file, the kept worker's warm-up: in flight, or done on the kept worker of that start (keptWorkerStarts). */
const keptWarmups = new Map<string, { done: Promise<void>; on?: number }>();

/**
 * warmFusionModel for a network that runs on the kept worker (predictFusionWeightsKept): after `idle()`, one run
 * on a dummy input there, which loads the session and grows the heap of the worker the previews will use.
 * Again once that worker has ended (a full-size stage ends it): the memo holds only while the worker it warmed
 * is alive. Where there is no kept worker, warmFusionModel. Never rejects.
 */
export function warmFusionModelKept(idle: () => Promise<void>, path = defaultModelPath()): Promise<void> {
  if (!keptWorkerAvailable()) return warmFusionModel(idle, path);
  const memo = keptWarmups.get(path);
  if (memo && (memo.on === undefined || (memo.on === keptWorkerStarts() && keptWorkerAlive()))) return memo.done;
  const entry: { done: Promise<void>; on?: number } = { done: Promise.resolve() };
  entry.done = (async () => {
    await idle();
    await predictFusionWeightsKept(warmInput(), path);
    entry.on = keptWorkerStarts();
  })().catch(() => {
    if (keptWarmups.get(path) === entry) keptWarmups.delete(path);
  });
  keptWarmups.set(path, entry);
  return entry.done;
}

/** Fuses a bracket (2..9 frames of one size) with the learned model; display-referred, linear light. */
export async function fuseLearned(frames: LinearImage[], options: LearnedFuseOptions & { modelPath?: string } = {}): Promise<LearnedFuseResult> {
  const { modelPath, ...rest } = options;
  return learnedFuse(frames, (input) => predictFusionWeights(input, modelPath), rest);
}

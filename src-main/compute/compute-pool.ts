/**
 * The other cores, for stages that share nothing with the rest of the pipeline: encoding a display
 * image (JPEG strips from shared memory, parallel-jpeg.ts; a 16-bit TIFF from pixels moved to a
 * worker) while this thread writes the EXR.
 *
 * Nothing runs here unless the entry point says where the worker's code is (useComputeWorkers): the
 * CLI (its bundle, or tsx), the app's engine thread (the built compute-worker.js), the test host. In
 * every other context tryCompute answers null and the caller runs the stage itself, so library code
 * works the same with or without workers, only slower.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ComputeCall, ComputeErrorReply, ComputeReply } from './compute-messages';
import { transferables } from './compute-messages';
import type { ComputeArgs, ComputeResult, ComputeTask } from './compute-tasks';

export { transferables };

/** Where a compute worker's code is: built JavaScript, or a TypeScript entry started through tsx. */
export interface ComputeWorkerEntry {
  path: string;
  tsx?: boolean;
}

/** More workers than this only add memory: a bracket's frames are few and each stage is one image. */
const MAX_WORKERS = 3;

interface Lane {
  worker: Worker;
  busy: { id: number; resolve: (value: unknown) => void; reject: (error: Error) => void } | null;
}

let entry: ComputeWorkerEntry | null = null;
let maxWorkers = 0;
/** Whether computeIsolated may start workers: an entry was given and workers were not turned off (0). */
let isolatedAllowed = false;
const lanes: Lane[] = [];
let nextId = 1;
let finished = 0;

/** Workers started by computeIsolated that have not ended yet (tests: is a finished one gone?). */
let isolatedLive = 0;

export function isolatedWorkers(): number {
  return isolatedLive;
}

/** Tasks the workers have completed since the process started (tests and reports: were they used?). */
export function computeTasksDone(): number {
  return finished;
}

/**
 * Says where the worker's code is (null: no workers). `workers` defaults to one fewer than the cores
 * (the calling thread is busy too), at most 3; 0 turns them off, computeIsolated's too (which otherwise
 * runs wherever there is an entry, a single core included).
 */
export function useComputeWorkers(where: ComputeWorkerEntry | null, workers?: number): void {
  for (const lane of lanes.splice(0)) void lane.worker.terminate();
  endKept();
  entry = where;
  maxWorkers = where ? Math.max(0, workers ?? Math.min(MAX_WORKERS, availableParallelism() - 1)) : 0;
  // One core still gains from an isolated worker: its memory goes with it (the caller waits meanwhile).
  isolatedAllowed = where !== null && workers !== 0;
}

/** How many workers the pool may run (0: every stage runs on the calling thread). */
export function computeWorkers(): number {
  return maxWorkers;
}

/**
 * Runs the task on an idle worker (starting one if the pool has room), moving `transfer`'s buffers to
 * it; null when none is free, for the caller to run the task itself. A worker that dies rejects its
 * task with the reason and is replaced by the next call.
 */
export function tryCompute<T extends ComputeTask>(task: T, args: ComputeArgs<T>, transfer: ArrayBuffer[] = []): Promise<ComputeResult<T>> | null {
  let lane = lanes.find((l) => !l.busy);
  if (!lane) {
    if (!entry || lanes.length >= maxWorkers) return null;
    lane = startLane(entry, (gone) => {
      const index = lanes.indexOf(gone);
      if (index >= 0) lanes.splice(index, 1);
    });
    lanes.push(lane);
  }
  return post(lane, task, args, transfer);
}

/** Posts the task to an idle lane's worker, which is busy (and keeps the process alive) until it answers. */
function post<T extends ComputeTask>(lane: Lane, task: T, args: ComputeArgs<T>, transfer: ArrayBuffer[]): Promise<ComputeResult<T>> {
  const id = nextId++;
  return new Promise<ComputeResult<T>>((resolve, reject) => {
    lane.busy = { id, resolve: resolve as (value: unknown) => void, reject };
    lane.worker.ref();
    lane.worker.postMessage({ id, task, args } satisfies ComputeCall, transfer);
  });
}

/** Tasks whose answer is a count of bands done: they claim from a counter shared with the thread that started them. */
type BandTask = { [T in ComputeTask]: ComputeResult<T> extends number ? T : never }[ComputeTask];

/**
 * Starts a band task on every idle worker (more than one where there are more than two cores): one promise of
 * their band counts summed, settled once every worker has (not at the first that stopped, while the others still
 * write), rejected if any stopped; null when no worker was idle. Not an unhandled rejection before it is awaited.
 */
export function bandsOnIdleWorkers<T extends BandTask>(task: T, args: ComputeArgs<T>): Promise<number> | null {
  const started: Promise<number>[] = [];
  for (let job = tryCompute(task, args); job; job = tryCompute(task, args)) started.push(job as Promise<number>);
  if (started.length === 0) return null;
  const all = Promise.allSettled(started).then((settled) => {
    const stopped = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (stopped) throw stopped.reason;
    return settled.reduce((sum, r) => sum + (r as PromiseFulfilledResult<number>).value, 0);
  });
  all.catch(() => undefined);
  return all;
}

let collect: (() => void) | null = null;

/**
 * A full garbage collection for retireIdleWorkers to run (shared-frames.ts gives node:vm's gc): V8 does not hurry to
 * collect SharedArrayBuffers, so the planes a two-thread stage dropped would outlive it, into the next one
 * (a 3 x 24 MP Mertens fusion's level-1 Gaussians and coarse levels, about 0.3 GB, into the radiance merge). Null: none.
 */
export function useCollector(fn: (() => void) | null): void {
  collect = fn;
}

/**
 * Ends the pool's idle workers (the next tryCompute starts fresh ones), then collects. For a stage that
 * shared large buffers with them: an idle worker's heap is rarely collected, and until it is, the shared
 * memory its copies of the arguments point to stays allocated (parallel-fusion.ts: the frames, 0.9 GB at
 * 3 x 24 MP); nor is this thread's, once the stage has dropped its planes.
 */
export function retireIdleWorkers(): void {
  for (const lane of lanes.filter((l) => !l.busy)) {
    lanes.splice(lanes.indexOf(lane), 1);
    void lane.worker.terminate();
  }
  if (kept && !kept.busy) endKept();
  collect?.();
}

/**
 * One worker kept apart from the pool, for a task whose state is worth keeping from one call to the next but
 * not through a full-size stage: main's fusion network at the app's previews (fusion-model.ts
 * predictFusionWeightsKept) and the ghost judge network (judge-model.ts runJudgeKept). Their sessions and the
 * grown WASM heap (which never shrinks) stay warm between calls on this worker instead of on the merge's thread,
 * and retireIdleWorkers ends it with the pool's idle lanes before and after a full-size stage, so that heap is
 * not beside the full-size planes.
 */
let kept: Lane | null = null;
/** Calls on the kept worker run one after another: each waits for the one before it. */
let keptQueue: Promise<unknown> = Promise.resolve();
let keptStarts = 0;

function endKept(): void {
  if (!kept) return;
  void kept.worker.terminate();
  kept = null;
}

/**
 * Runs the task on the kept worker (started if none is alive), after the calls before it; null where
 * computeIsolated would answer null (no entry, or workers turned off), for the caller to run it itself.
 */
export function computeOnKeptWorker<T extends ComputeTask>(task: T, args: ComputeArgs<T>, transfer: ArrayBuffer[] = []): Promise<ComputeResult<T>> | null {
  if (!keptWorkerAvailable()) return null;
  const where = entry!;
  const run = (): Promise<ComputeResult<T>> => {
    if (!kept) {
      keptStarts++;
      const lane = startLane(where, (gone) => {
        if (kept === gone) kept = null;
      });
      kept = lane;
    }
    return post(kept, task, args, transfer);
  };
  const job = keptQueue.then(run, run);
  keptQueue = job.catch(() => undefined);
  return job;
}

/** Whether computeOnKeptWorker runs tasks on a worker here (else it answers null). */
export function keptWorkerAvailable(): boolean {
  return entry !== null && isolatedAllowed;
}

/** How many kept workers have been started (a model warmed on the kept worker is still warm while this is the same and one is alive). */
export function keptWorkerStarts(): number {
  return keptStarts;
}

export function keptWorkerAlive(): boolean {
  return kept !== null;
}

/**
 * Runs the task on a worker of its own, started for it and ended when it answers, so whatever the task
 * leaves allocated (a WASM heap that only grows) is returned to the system; null where workers are not
 * available or were turned off, for the caller to run the task itself. Not one of the pool's lanes.
 */
export function computeIsolated<T extends ComputeTask>(task: T, args: ComputeArgs<T>, transfer: ArrayBuffer[] = []): Promise<ComputeResult<T>> | null {
  if (!entry || !isolatedAllowed) return null;
  const worker = newWorker(entry);
  isolatedLive++;
  const id = nextId++;
  return new Promise<ComputeResult<T>>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      isolatedLive--;
      void worker.terminate();
      fn();
    };
    worker.on('message', (reply: ComputeReply) => {
      if (reply.id !== id) return;
      finished++;
      settle(() => (reply.ok ? resolve(reply.result as ComputeResult<T>) : reject(rebuildError(reply.error))));
    });
    worker.on('error', (error) => settle(() => reject(new Error(`a compute worker stopped (${error.message})`))));
    worker.on('exit', (code) => settle(() => reject(new Error(`a compute worker stopped (exit code ${code})`))));
    worker.postMessage({ id, task, args } satisfies ComputeCall, transfer);
  });
}

function newWorker(where: ComputeWorkerEntry): Worker {
  return where.tsx ? new Worker(join(import.meta.dirname, '../../bin/ts-worker.mjs'), { workerData: { tsEntry: where.path } }) : new Worker(where.path);
}

/** A worker that answers one task at a time; `forget` drops it from wherever it is listed once it has stopped. */
function startLane(where: ComputeWorkerEntry, forget: (lane: Lane) => void): Lane {
  const worker = newWorker(where);
  const lane: Lane = { worker, busy: null };
  worker.unref();
  worker.on('message', (reply: ComputeReply) => {
    const busy = lane.busy;
    if (!busy || busy.id !== reply.id) return;
    lane.busy = null;
    worker.unref();
    finished++;
    if (reply.ok) busy.resolve(reply.result);
    else busy.reject(rebuildError(reply.error));
  });
  const gone = (why: string): void => {
    forget(lane);
    lane.busy?.reject(new Error(`a compute worker stopped (${why})`));
    lane.busy = null;
  };
  worker.on('error', (error) => gone(error.message));
  worker.on('exit', (code) => gone(`exit code ${code}`));
  return lane;
}

const ERROR_CLASSES: Record<string, new (message: string) => Error> = { RangeError, TypeError };

/** The worker's error as the same built-in class on this thread (an encoder's RangeError stays one), its name kept. */
function rebuildError(e: ComputeErrorReply): Error {
  const error = new (ERROR_CLASSES[e.constructor] ?? Error)(e.message);
  error.name = e.name;
  return error;
}

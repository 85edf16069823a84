/**
 * The compute pool of a thread that runs a bracket's merge stages (the CLI, the app's engine thread). With
 * workers, frames are decoded, aligned and lifted into shared memory (src-shared/image/samples.ts), where the
 * workers read them without a copy (parallel-fusion.ts, parallel-rows.ts), and the thread collects after each
 * two-thread stage (compute-pool's useCollector): V8 does not hurry to free shared memory a stage dropped.
 * Without workers (none given, or 0) frames stay in ordinary memory and every stage runs on this thread.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { shareFrameSamples } from '../../src-shared/image/samples';
import { computeWorkers, useCollector, useComputeWorkers, type ComputeWorkerEntry } from './compute-pool';

export function useComputeWorkersSharingFrames(where: ComputeWorkerEntry | null, workers?: number): void {
  useComputeWorkers(where, workers);
  const share = computeWorkers() > 0;
  shareFrameSamples(share);
  useCollector(share ? gcFunction() : null);
}

/** V8's gc(), which node exposes with --expose-gc; the flag set now applies to contexts made after it (a worker thread's too). */
function gcFunction(): (() => void) | null {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : null;
}

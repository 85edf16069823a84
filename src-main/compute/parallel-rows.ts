/**
 * A RowRunner (src-shared/parallel/row-kernels.ts) that splits a kernel's rows between this thread and the
 * compute workers: all claim bands of rows from a shared counter. The kernel's outputs must be in shared
 * memory (the CLI and the app's engine thread allocate them there, src-shared/image/samples.ts); its inputs may be anywhere (the
 * worker gets a copy of what is not shared, so large inputs should be shared too). Bands a worker claimed
 * and did not finish (it stopped) are run here: a kernel's band reads only inputs it does not write.
 * Otherwise, or with no free worker, every row runs here.
 */
import { isShared } from '../../src-shared/image/samples';
import { runKernel, ROW_KERNELS, type RowJob, type RowKernel, type RowRunner } from '../../src-shared/parallel/row-kernels';
import { bandsOnIdleWorkers, computeWorkers } from './compute-pool';

/** Below this many rows the worker's round trip costs more than it saves. */
const MIN_ROWS = 256;
/** Bands per image: enough that two threads starting and finishing at different times wait little for each other. */
const BANDS = 24;

/** How the last runRowsParallel ran (tests and reports): bands the worker ran, or why every row ran here. */
export interface RowSplit {
  kernel: RowKernel;
  workerBands: number;
  reason?: string;
}

let lastSplit: RowSplit | null = null;

export function lastRowSplit(): RowSplit | null {
  return lastSplit;
}

/** Claims bands of `rows` rows until none is left, marking each done; returns how many this thread ran. */
export function claimRowBands<K extends RowKernel>(kernel: K, job: RowJob<K>, bandRows: number, rows: number, claim: Int32Array, done: Uint8Array): number {
  const count = Math.ceil(rows / bandRows);
  let mine = 0;
  for (let i = Atomics.add(claim, 0, 1); i < count; i = Atomics.add(claim, 0, 1)) {
    runKernel(kernel, job, i * bandRows, Math.min(rows, (i + 1) * bandRows));
    done[i] = 1;
    mine++;
  }
  return mine;
}

function serialReason<K extends RowKernel>(kernel: K, job: RowJob<K>, rows: number): string | null {
  if (computeWorkers() === 0) return 'no compute workers';
  if (rows < MIN_ROWS) return 'few rows';
  const outputs = (ROW_KERNELS[kernel].outputs as (job: RowJob<K>) => Float32Array[])(job);
  if (!outputs.every(isShared)) return 'outputs not in shared memory';
  return null;
}

export const runRowsParallel: RowRunner = async (kernel, job, rows) => {
  const reason = serialReason(kernel, job, rows);
  if (reason) {
    runKernel(kernel, job, 0, rows);
    lastSplit = { kernel, workerBands: 0, reason };
    return;
  }
  const bandRows = Math.max(8, Math.ceil(rows / BANDS));
  const count = Math.ceil(rows / bandRows);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  const done = new Uint8Array(new SharedArrayBuffer(count));
  const worker = bandsOnIdleWorkers('rowBands', [kernel, job, bandRows, rows, claim, done]);
  claimRowBands(kernel, job, bandRows, rows, claim, done);
  let workerBands = 0;
  let stopped = false;
  if (worker) {
    try {
      workerBands = await worker;
    } catch {
      stopped = true;
    }
  }
  // What a stopped worker claimed and did not finish.
  for (let i = 0; i < count; i++) if (done[i] !== 1) runKernel(kernel, job, i * bandRows, Math.min(rows, (i + 1) * bandRows));
  lastSplit = { kernel, workerBands, ...(stopped ? { reason: 'the compute worker stopped' } : worker ? {} : { reason: 'no free compute worker' }) };
};

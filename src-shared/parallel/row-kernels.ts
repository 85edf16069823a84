/**
 * Per-pixel stages whose rows are independent: each reads its inputs and writes only rows [y0, y1) of its
 * outputs, so threads can split one image's rows (src-main/compute/parallel-rows.ts). Code that has such a
 * stage takes a RowRunner; runRowsHere runs every row on the calling thread, which is what the app's
 * renderer and the library's own callers get.
 */
import { liftRows, type LiftRowsJob } from '../fusion/lift-weights';
import { responseRows, type ResponseRowsJob } from '../merge/radiance-response';

export const ROW_KERNELS = {
  /** The fast guided-filter lift's full-resolution rows, clamped and renormalised (fusion/lift-weights.ts). */
  liftRows: {
    run: (job: LiftRowsJob, y0: number, y1: number): void => liftRows(job, y0, y1),
    outputs: (job: LiftRowsJob): Float32Array[] => job.outs,
  },
  /** The radiance merge through a recovered camera response (merge/radiance-response.ts). */
  responseRows: {
    run: (job: ResponseRowsJob, y0: number, y1: number): void => responseRows(job, y0, y1),
    outputs: (job: ResponseRowsJob): Float32Array[] => [job.out.data],
  },
};

export type RowKernel = keyof typeof ROW_KERNELS;
export type RowJob<K extends RowKernel> = Parameters<(typeof ROW_KERNELS)[K]['run']>[0];

/** Runs a kernel over rows [0, rows) of its job, wherever it likes; resolves when every row is written. */
export type RowRunner = <K extends RowKernel>(kernel: K, job: RowJob<K>, rows: number) => Promise<void>;

export function runKernel<K extends RowKernel>(kernel: K, job: RowJob<K>, y0: number, y1: number): void {
  (ROW_KERNELS[kernel].run as (job: RowJob<K>, y0: number, y1: number) => void)(job, y0, y1);
}

export const runRowsHere: RowRunner = async (kernel, job, rows) => runKernel(kernel, job, 0, rows);

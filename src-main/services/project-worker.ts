/**
 * The engine thread of the app: a ProjectService living in a worker, so decoding and merging a
 * 24 MP bracket never blocks Electron's main thread (menus, IPC, window events stay live).
 * Messages: { id, method, args } in; { id, ok, result } or { id, ok: false, error } out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BatchStatus } from '../../src-preload/contract';
import { useComputeWorkers, type ComputeWorkerEntry } from '../compute/compute-pool';
import { useNativeZlib } from './native-zlib';
import { ProjectService } from './project-service';

useNativeZlib();
// Where its own compute workers start from, when whoever started this thread says (the app, the test host).
const computeWorker = (workerData as { computeWorker?: ComputeWorkerEntry } | null)?.computeWorker;
if (computeWorker) useComputeWorkers(computeWorker);

export type ProjectMethod = 'load' | 'merge' | 'export' | 'framePreview' | 'previewRegion' | 'weightMap' | 'batchStart' | 'batchCancel' | 'fusionInput' | 'warmModel';
const METHODS: readonly ProjectMethod[] = ['load', 'merge', 'export', 'framePreview', 'previewRegion', 'weightMap', 'batchStart', 'batchCancel', 'fusionInput', 'warmModel'];

/** Sent unasked: a running batch's status changed. */
export interface BatchEvent {
  event: 'batch';
  status: BatchStatus;
}

export interface ProjectCall {
  id: number;
  method: ProjectMethod;
  args: unknown[];
}

export type ProjectReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: { name: string; message: string } } | BatchEvent;

/** The large typed arrays of a result move to the main thread instead of being copied. */
function transferables(value: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (depth > 4 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (buffer instanceof ArrayBuffer && !out.includes(buffer) && value.byteLength === buffer.byteLength) out.push(buffer);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, out, depth + 1);
  return out;
}

if (parentPort) {
  const port = parentPort;
  const service = new ProjectService({ onBatchStatus: (status) => port.postMessage({ event: 'batch', status } satisfies BatchEvent) });
  port.on('message', async ({ id, method, args }: ProjectCall) => {
    try {
      if (!METHODS.includes(method)) throw new Error(`unknown engine call ${String(method)}`);
      const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
      const result = await fn.apply(service, args);
      port.postMessage({ id, ok: true, result } satisfies ProjectReply, transferables(result));
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id, ok: false, error: { name: e.name, message: e.message } } satisfies ProjectReply);
    }
  });
}

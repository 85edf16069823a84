/**
 * What main and the engine thread (project-worker.ts) say to each other: { id, method, args } in; { id, ok,
 * result } or { id, ok: false, error } out, and batch events unasked. The engine's answers leave it in
 * ordinary memory (ordinary-memory.ts), their whole buffers moved rather than copied.
 */
import type { BatchStatus } from '../../src-preload/contract';
import { transferables } from '../compute/compute-messages';
import { withoutSharedMemory } from './ordinary-memory';

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

/** Whatever answers the calls: the engine thread's ProjectService. */
export type ProjectMethods = Record<ProjectMethod, (...args: never[]) => Promise<unknown>>;

/**
 * The reply to one call and the buffers to move with it. Main hands results on to the renderer over Electron's
 * IPC, which cannot carry shared memory (nor would main's thread be wise to hold the engine's frames): anything
 * of the result in shared memory is copied out of it here. In practice results are made in ordinary memory
 * already (tests/unit/main/services/project-shared-frames.test.ts) and pass as they are.
 */
export async function engineReply(service: ProjectMethods, { id, method, args }: ProjectCall): Promise<{ reply: ProjectReply; transfer: ArrayBuffer[] }> {
  try {
    if (!METHODS.includes(method)) throw new Error(`unknown engine call ${String(method)}`);
    const fn = service[method] as (...a: unknown[]) => Promise<unknown>;
    const result = withoutSharedMemory(await fn.apply(service, args));
    return { reply: { id, ok: true, result }, transfer: transferables(result) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    return { reply: { id, ok: false, error: { name: e.name, message: e.message } }, transfer: [] };
  }
}

/** What the compute pool and its workers say to each other. */
import type { ComputeTask } from './compute-tasks';

export interface ComputeCall {
  id: number;
  task: ComputeTask;
  args: unknown[];
}

export interface ComputeErrorReply {
  name: string;
  /** The class that was thrown (RangeError, TypeError, Error). */
  constructor: string;
  message: string;
}

export type ComputeReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: ComputeErrorReply };

/** Every whole ArrayBuffer under value (typed arrays that own their buffer): moved instead of copied. */
export function transferables(value: unknown, out: ArrayBuffer[] = [], depth = 0): ArrayBuffer[] {
  if (depth > 4 || value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (buffer instanceof ArrayBuffer && !out.includes(buffer) && value.byteOffset === 0 && value.byteLength === buffer.byteLength) out.push(buffer);
    return out;
  }
  for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, out, depth + 1);
  return out;
}

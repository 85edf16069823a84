/**
 * Where frame-sized sample arrays live. Ordinary memory by default; a process whose worker threads split
 * per-pixel work by rows (the CLI and the app's engine thread: src-main/compute/shared-frames.ts) turns shared
 * memory on, so that decoded and aligned frames reach those threads without a copy. The renderer never does: a
 * SharedArrayBuffer there needs cross-origin isolation, and it cannot cross Electron's IPC (the engine thread's
 * replies are copied out of it: src-main/services/ordinary-memory.ts).
 */

let share = false;

/** Turns shared frame memory on or off for this thread (off where SharedArrayBuffer does not exist). */
export function shareFrameSamples(on: boolean): void {
  share = on && typeof SharedArrayBuffer === 'function';
}

export function frameSamplesShared(): boolean {
  return share;
}

/** n zeroed samples for a frame: shared memory where this thread turned it on, else ordinary memory. */
export function frameSamples(n: number): Float32Array {
  return share ? sharedSamples(n) : new Float32Array(n);
}

/** n zeroed samples in shared memory (the caller checked SharedArrayBuffer exists). */
export function sharedSamples(n: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(n * Float32Array.BYTES_PER_ELEMENT));
}

export function isShared(a: ArrayBufferView): boolean {
  return typeof SharedArrayBuffer === 'function' && a.buffer instanceof SharedArrayBuffer;
}

/**
 * A value about to leave the engine thread, with nothing in shared memory: the engine decodes frames into
 * SharedArrayBuffers (compute/shared-frames.ts), which a worker's postMessage would hand to main as they are,
 * shared, and Electron's IPC to the renderer cannot carry at all.
 */

/**
 * `value` with every typed array (or DataView) over a SharedArrayBuffer, at any depth of its arrays and plain
 * objects, replaced by a copy in an ordinary buffer of its own (only the bytes it views, so it can be moved
 * with transferables); a bare SharedArrayBuffer likewise. Containers on the way to a copy are copied
 * (shallowly); the rest is the value itself, never modified: the engine's caches may hold it.
 * Other objects (Map, Set, class instances) are passed as they are: results are plain data.
 */
export function withoutSharedMemory<T>(value: T): T {
  return ordinary(value, new Map()) as T;
}

function ordinary(value: unknown, seen: Map<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return seen.get(value);
  let out: unknown = value;
  if (ArrayBuffer.isView(value)) {
    if (isSharedBuffer(value.buffer)) out = copyView(value);
  } else if (isSharedBuffer(value)) {
    out = copyBytes(value, 0, value.byteLength);
  } else if (Array.isArray(value)) {
    seen.set(value, value);
    let copy: unknown[] | null = null;
    value.forEach((v, i) => {
      const o = ordinary(v, seen);
      if (o !== v) (copy ??= value.slice())[i] = o;
    });
    out = copy ?? value;
  } else if (isPlain(value)) {
    seen.set(value, value);
    let copy: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(value)) {
      const o = ordinary(v, seen);
      if (o !== v) (copy ??= { ...value })[k] = o;
    }
    out = copy ?? value;
  }
  seen.set(value, out);
  return out;
}

function isSharedBuffer(buffer: unknown): buffer is SharedArrayBuffer {
  return typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
}

function isPlain(value: object): value is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function copyBytes(buffer: ArrayBufferLike, offset: number, length: number): ArrayBuffer {
  const bytes = new Uint8Array(length);
  bytes.set(new Uint8Array(buffer, offset, length));
  return bytes.buffer;
}

/** The same kind of view over an ordinary copy of the bytes it views. */
function copyView(view: ArrayBufferView): ArrayBufferView {
  const bytes = copyBytes(view.buffer, view.byteOffset, view.byteLength);
  if (view instanceof DataView) return new DataView(bytes);
  const Kind = view.constructor as new (buffer: ArrayBuffer) => ArrayBufferView;
  return new Kind(bytes);
}

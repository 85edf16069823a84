/** What leaves the engine thread holds no shared memory: typed arrays over a SharedArrayBuffer come out as equal ordinary copies, the rest untouched. */
import { describe, expect, it } from 'vitest';
import { transferables } from '../../../../src-main/compute/compute-messages';
import { withoutSharedMemory } from '../../../../src-main/services/ordinary-memory';

const sharedFloats = (values: number[]): Float32Array => {
  const a = new Float32Array(new SharedArrayBuffer(values.length * 4));
  a.set(values);
  return a;
};

/** Every typed array or DataView under value, at any depth. */
function views(value: unknown, out: ArrayBufferView[] = []): ArrayBufferView[] {
  if (value === null || typeof value !== 'object') return out;
  if (ArrayBuffer.isView(value)) out.push(value);
  else for (const v of Object.values(value)) views(v, out);
  return out;
}

describe('withoutSharedMemory', () => {
  it('copies a shared view deep in a result into an ordinary array of the same kind and values, which can then be moved', () => {
    const data = sharedFloats([0.5, 1, 2, 4]);
    // As deep as a load's thumbnails (frames[i].thumbnail.data), and deeper.
    const result = { projectId: 'p', frames: [{ name: 'a', thumbnail: { width: 2, height: 1, data } }], deep: { a: { b: { c: { d: { data } } } } } };
    const out = withoutSharedMemory(result);
    const copy = out.frames[0].thumbnail.data;
    expect(copy).toBeInstanceOf(Float32Array);
    expect(copy.buffer).toBeInstanceOf(ArrayBuffer);
    expect(copy.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(copy)).toEqual([0.5, 1, 2, 4]);
    expect(out.deep.a.b.c.d.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(out.deep.a.b.c.d.data)).toEqual([0.5, 1, 2, 4]);
    expect(views(out).some((v) => v.buffer instanceof SharedArrayBuffer)).toBe(false);
    // The result the engine keeps is not changed.
    expect(result.frames[0].thumbnail.data).toBe(data);
    expect(out).not.toBe(result);
    expect(out.projectId).toBe('p');
    // The copy owns its buffer: it moves to main instead of being copied again.
    expect(transferables(out)).toContain(copy.buffer);
  });

  it('copies only the bytes of a view into part of a shared buffer; views that share one buffer get a copy each', () => {
    const whole = sharedFloats([1, 2, 3, 4, 5, 6]);
    const front = whole.subarray(0, 2);
    const back = new Uint8Array(whole.buffer, 16, 8);
    const bytes = new DataView(whole.buffer, 4, 4);
    const out = withoutSharedMemory({ front, back, bytes, again: front });
    expect(Array.from(out.front)).toEqual([1, 2]);
    expect(out.front.buffer.byteLength).toBe(8);
    expect(out.back).toBeInstanceOf(Uint8Array);
    expect(Array.from(out.back)).toEqual(Array.from(new Uint8Array(new Float32Array([5, 6]).buffer)));
    expect(out.bytes).toBeInstanceOf(DataView);
    expect(out.bytes.getFloat32(0, true)).toBe(2);
    for (const v of [out.front, out.back, out.bytes]) expect(v.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    // One view met twice is one copy; distinct views do not alias each other's copy.
    expect(out.again).toBe(out.front);
    expect(out.back.buffer).not.toBe(out.front.buffer);
    // Writing to the shared original no longer shows in the copies.
    whole[0] = 99;
    expect(out.front[0]).toBe(1);
  });

  it('answers a result with nothing shared as it is, and copies a bare SharedArrayBuffer', () => {
    const plain = { preview: { width: 1, height: 1, data: new Float32Array([1, 2, 3]) }, ev: [0, 1], warnings: [], millis: 3 };
    expect(withoutSharedMemory(plain)).toBe(plain);
    for (const v of [null, undefined, 3, 'x', true]) expect(withoutSharedMemory(v)).toBe(v);
    const sab = new SharedArrayBuffer(4);
    new Uint8Array(sab).set([1, 2, 3, 4]);
    const out = withoutSharedMemory([sab]);
    expect(out[0]).toBeInstanceOf(ArrayBuffer);
    expect(Array.from(new Uint8Array(out[0]))).toEqual([1, 2, 3, 4]);
  });

  it('walks a cycle without looping', () => {
    const a: { self?: unknown; data: Float32Array } = { data: sharedFloats([7]) };
    a.self = a;
    const out = withoutSharedMemory(a);
    expect(out.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(out.data[0]).toBe(7);
  });
});

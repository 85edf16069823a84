/** The engine thread's replies: a result holding shared memory reaches main as equal ordinary arrays, moved; errors keep their name and message. */
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { engineReply, type ProjectMethods, type ProjectReply } from '../../../../src-main/services/engine-messages';

/** A service whose every method fails but the one given. */
function serviceAnswering(method: keyof ProjectMethods, answer: () => Promise<unknown>): ProjectMethods {
  const fail = async (): Promise<never> => {
    throw new Error('not this one');
  };
  return { load: fail, merge: fail, export: fail, framePreview: fail, previewRegion: fail, weightMap: fail, batchStart: fail, batchCancel: fail, fusionInput: fail, warmModel: fail, [method]: answer };
}

/** The reply as main's side of a worker's port receives it (the structured clone postMessage makes, with the moves). */
function throughPort(reply: ProjectReply, transfer: ArrayBuffer[]): ProjectReply {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(reply, transfer);
  const received = receiveMessageOnPort(port2)!.message as ProjectReply;
  port1.close();
  return received;
}

describe('engineReply', () => {
  it('answers a merge whose preview is in shared memory with an equal ordinary array, moved to main', async () => {
    const data = new Float32Array(new SharedArrayBuffer(6 * 4));
    data.set([0, 0.25, 0.5, 1, 2, 4]);
    const ghost = new Uint8Array(new SharedArrayBuffer(2));
    ghost.set([1, 0]);
    const result = { projectId: 'p', preview: { width: 2, height: 1, data }, ghost: { mask: ghost, uncertainty: ghost.subarray(1) }, ev: [0, 2] };
    const { reply, transfer } = await engineReply(serviceAnswering('merge', async () => result), { id: 7, method: 'merge', args: [{}] });
    expect(reply).toMatchObject({ id: 7, ok: true });
    const sent = (reply as { result: typeof result }).result;
    expect(transfer).toContain(sent.preview.data.buffer);
    // The engine's own arrays stay where they are (its caches may hold them).
    expect(result.preview.data).toBe(data);
    expect(data.length).toBe(6);

    const received = (throughPort(reply, transfer) as { result: typeof result }).result;
    expect(received.preview.data).toBeInstanceOf(Float32Array);
    expect(received.preview.data.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(received.preview.data)).toEqual([0, 0.25, 0.5, 1, 2, 4]);
    expect(received.ghost.mask.buffer).not.toBeInstanceOf(SharedArrayBuffer);
    expect(Array.from(received.ghost.mask)).toEqual([1, 0]);
    expect(Array.from(received.ghost.uncertainty)).toEqual([0]);
    expect(received.ev).toEqual([0, 2]);
    // Moved, not copied: the sent copy is detached now.
    expect(sent.preview.data.length).toBe(0);
  });

  it('a result in ordinary memory is moved as it is; without the copy a shared one would reach main shared', async () => {
    const data = new Float32Array([1, 2, 3]);
    const { reply, transfer } = await engineReply(serviceAnswering('previewRegion', async () => ({ width: 3, height: 1, data })), { id: 1, method: 'previewRegion', args: [] });
    expect((reply as { result: { data: Float32Array } }).result.data).toBe(data);
    expect(transfer).toEqual([data.buffer]);
    // What the copy is for: postMessage shares a SharedArrayBuffer instead of copying it.
    const shared = new Float32Array(new SharedArrayBuffer(4));
    const raw = throughPort({ id: 2, ok: true, result: shared }, []) as { result: Float32Array };
    expect(raw.result.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('answers an error with its name and message, and an unknown method as an error', async () => {
    const failing = serviceAnswering('export', async () => {
      throw new RangeError('frame 9 is not one of the 3 frames');
    });
    expect((await engineReply(failing, { id: 3, method: 'export', args: [] })).reply).toEqual({ id: 3, ok: false, error: { name: 'RangeError', message: 'frame 9 is not one of the 3 frames' } });
    const unknown = await engineReply(failing, { id: 4, method: 'release' as never, args: [] });
    expect(unknown.reply).toEqual({ id: 4, ok: false, error: { name: 'Error', message: 'unknown engine call release' } });
  });
});

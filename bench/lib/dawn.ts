/**
 * WebGPU in Node through Dawn, the implementation inside Chromium (the npm package `webgpu`), so the
 * renderer's kernels and onnxruntime-web's WebGPU backend run in a Node benchmark: on a GPU machine that
 * has no browser, and here on SwiftShader.
 *
 * Dawn finds adapters through the Vulkan loader (libvulkan.so.1). Where the system has none, Chromium's
 * copies serve: LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
 * (SwiftShader, a CPU emulation). Both must be set before Node starts, so installNodeWebGpu only says so.
 */
import { existsSync } from 'node:fs';
import { create, globals } from 'webgpu';

export interface NodeWebGpu {
  gpu: GPU;
  /** What to set where no adapter was found, or null. */
  hint: string | null;
}

const CHROMIUM_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Dawn's GPUQueue.writeBuffer rejects views of a SharedArrayBuffer ("Invalid argument"), and
 * onnxruntime-web's threaded WASM heap is one. A browser copies them; so does this, once per write.
 */
function copySharedWrites(gpu: GPU): Promise<void> {
  return (async () => {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return;
    const device = await adapter.requestDevice();
    const proto = Object.getPrototypeOf(device.queue) as GPUQueue;
    const write = proto.writeBuffer;
    proto.writeBuffer = function (this: GPUQueue, buffer: GPUBuffer, offset: number, data: BufferSource, dataOffset?: number, size?: number): undefined {
      const view = ArrayBuffer.isView(data) ? data : null;
      if (view && view.buffer instanceof SharedArrayBuffer) {
        const unit = 'BYTES_PER_ELEMENT' in view ? (view.BYTES_PER_ELEMENT as number) : 1;
        const start = (dataOffset ?? 0) * unit;
        const bytes = size === undefined ? view.byteLength - start : size * unit;
        return write.call(this, buffer, offset, new Uint8Array(view.buffer, view.byteOffset + start, bytes).slice());
      }
      return write.call(this, buffer, offset, data, dataOffset, size);
    };
    device.destroy();
  })();
}

/** Installs navigator.gpu and the WebGPU globals (GPUBufferUsage, ...) in this Node process. */
export async function installNodeWebGpu(): Promise<NodeWebGpu> {
  Object.assign(globalThis, globals);
  const gpu = create([]) as unknown as GPU;
  const nav = (globalThis as { navigator?: object }).navigator ?? {};
  Object.defineProperty(globalThis, 'navigator', { value: Object.assign(Object.create(nav), { gpu }), configurable: true, writable: true });
  await copySharedWrites(gpu);
  const hint =
    (await gpu.requestAdapter()) === null
      ? existsSync(CHROMIUM_ICD)
        ? `no adapter: try LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=${CHROMIUM_ICD} (SwiftShader)`
        : 'no adapter: Dawn needs a Vulkan loader (libvulkan.so.1) and a driver'
      : null;
  return { gpu, hint };
}

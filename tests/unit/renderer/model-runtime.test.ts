/**
 * The renderer's model runtime in Node: its WASM backend (the real onnxruntime-web) gives main's
 * weights; WebGPU capability checks refuse what cannot run the model, with the reason; one cached
 * session per model and backend, a failed creation not cached; a lost device drops the WebGPU
 * session and sends later merges to main's WASM; the merge flow's placement settings; and main is
 * asked to ready its network (models:warm) exactly where main runs every learned merge.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { FusionInputResult, LuxfuseBridge } from '../../../src-preload/contract';
import { defaultModelPath, predictFusionWeights, releaseFusionSessions } from '../../../src-main/services/fusion-model';
import { ModelDeviceLostError, ModelGpuUnavailableError, ModelLoadError } from '../../../src-renderer/src/models/model-errors';
import { ModelRuntime, type OrtModule, type OrtSession, type RuntimeDeps } from '../../../src-renderer/src/models/model-runtime';
import { fusionMeta } from '../../../src-renderer/src/models/fusion/meta';
import { rendererFusionWeights, warmMainFusion } from '../../../src-renderer/src/models/fusion/renderer-weights';
import type { ComputeStatus } from '../../../src-renderer/src/stores/compute-status.svelte';

afterAll(() => releaseFusionSessions());

const readModel = async () => new Uint8Array(await readFile(defaultModelPath()));
const hardware = { limits: { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 }, info: { vendor: 'acme', architecture: 'rdna', description: '' } } as never;
const swiftshader = { limits: { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 }, info: { vendor: 'google', architecture: 'swiftshader', description: '' } } as never;

/** A small network input: K = 3 smooth ramps, 16 x 24 unless asked. */
function input([k, h, w] = [3, 16, 24]): FusionInputResult {
  const data = new Float32Array(k * h * w);
  for (let j = 0; j < k; j++) for (let p = 0; p < h * w; p++) data[j * h * w + p] = Math.min(1, ((p % w) / w) * (0.5 + j * 0.5));
  return { data, exposures: k, width: w, height: h, paddedWidth: w, paddedHeight: h, key: `${k}x${h}x${w}:deadbeef` };
}

/** Each exposure's share of the pixel's summed input: a per-pixel stand-in for the network, so tiles must give the whole run's values. */
function shares(data: Float32Array, k: number): Float32Array {
  const n = data.length / k;
  const out = new Float32Array(data.length);
  for (let p = 0; p < n; p++) {
    let sum = 1e-3 * k;
    for (let j = 0; j < k; j++) sum += data[j * n + p];
    for (let j = 0; j < k; j++) out[j * n + p] = (data[j * n + p] + 1e-3) / sum;
  }
  return out;
}

/** An onnxruntime stand-in whose WebGPU device can be lost on demand; `runs` records the dims of every run. */
function fakeOrt(): { ort: OrtModule; create: ReturnType<typeof vi.fn>; lose: (why: string) => void; released: string[]; runs: number[][] } {
  let lose: (why: string) => void = () => undefined;
  const lost = new Promise<{ reason: string; message: string }>((resolve) => (lose = (why) => resolve({ reason: 'unknown', message: why })));
  const released: string[] = [];
  const runs: number[][] = [];
  const create = vi.fn(async (_bytes: Uint8Array, opts: { executionProviders: string[] }): Promise<OrtSession> => ({
    inputNames: ['exposures'],
    outputNames: ['weights'],
    run: async (feeds) => {
      const t = feeds.exposures as unknown as { data: Float32Array; dims: number[] };
      runs.push([...t.dims]);
      return { weights: { type: 'float32', dims: t.dims, getData: async () => shares(t.data, t.dims[1]), dispose: () => undefined } };
    },
    release: async () => void released.push(opts.executionProviders[0]),
  }));
  class Tensor {
    constructor(
      readonly type: string,
      readonly data: Float32Array,
      readonly dims: number[],
    ) {}
    getData = async () => this.data;
    dispose = () => undefined;
  }
  const ort = { InferenceSession: { create }, Tensor, env: { wasm: {}, webgpu: { device: { lost } } } } as unknown as OrtModule;
  return { ort, create, lose: (why) => lose(why), released, runs };
}

const status = (): ComputeStatus => ({ tone: null, model: null }) as unknown as ComputeStatus;
const bridgeFor = (i: FusionInputResult) =>
  ({ 'project:fusion-input': vi.fn(async () => i), 'models:read': vi.fn(readModel) }) as unknown as Pick<LuxfuseBridge, 'project:fusion-input' | 'models:read'>;

describe('ModelRuntime', () => {
  it("runs the fusion model on WASM (real onnxruntime-web) with main's output", async () => {
    const runtime = new ModelRuntime({ loadOrt: async () => (await import('onnxruntime-web')) as unknown as OrtModule, readModel });
    const i = input();
    const got = await runtime.run(fusionMeta, i.data, [1, 3, 16, 24], 'wasm');
    const want = await predictFusionWeights(i);
    let max = 0;
    for (let p = 0; p < got.length; p++) max = Math.max(max, Math.abs(got[p] - want[p]));
    expect(max).toBeLessThanOrEqual(1e-6);
    await runtime.drop();
  });

  it('refuses WebGPU without navigator.gpu, without an adapter, on a software adapter unless allowed, and past the buffer limits', async () => {
    const noGpu = new ModelRuntime();
    await expect(noGpu.checkWebGpu({ allowSoftware: true })).rejects.toThrow(/navigator.gpu is missing/);
    await expect(new ModelRuntime({ requestAdapter: async () => null }).checkWebGpu({ allowSoftware: true })).rejects.toThrow(/no GPU adapter was found/);
    const soft = new ModelRuntime({ requestAdapter: async () => swiftshader });
    await expect(soft.checkWebGpu({ allowSoftware: false })).rejects.toThrow(/only a software adapter \(swiftshader\)/);
    await expect(soft.checkWebGpu({ allowSoftware: true })).resolves.toBe(128 * 2 ** 20);
    const hw = new ModelRuntime({ requestAdapter: async () => hardware });
    // The smaller of the binding and buffer limits.
    await expect(hw.checkWebGpu({ allowSoftware: false }, 100 * 2 ** 20)).resolves.toBe(128 * 2 ** 20);
    const tooBig = hw.checkWebGpu({ allowSoftware: false }, 200 * 2 ** 20);
    await expect(tooBig).rejects.toBeInstanceOf(ModelGpuUnavailableError);
    await expect(tooBig).rejects.toThrow(/needs a 200 MiB GPU buffer, the adapter binds at most 128 MiB/);
  });

  it('keeps one session per model and backend, and does not cache a failed creation', async () => {
    const fake = fakeOrt();
    const runtime = new ModelRuntime({ loadOrt: async () => fake.ort, readModel, requestAdapter: async () => hardware });
    const a = await runtime.session(fusionMeta, 'webgpu');
    expect(await runtime.session(fusionMeta, 'webgpu')).toBe(a);
    expect(await runtime.session(fusionMeta, 'wasm')).not.toBe(a);
    expect(fake.create).toHaveBeenCalledTimes(2);
    fake.create.mockRejectedValueOnce(new Error('bad graph\nstack'));
    const failing = new ModelRuntime({ loadOrt: async () => fake.ort, readModel } as Partial<RuntimeDeps>);
    await expect(failing.session(fusionMeta, 'webgpu')).rejects.toThrow(new ModelLoadError('cannot load the learned fusion model on WebGPU: bad graph'));
    await expect(failing.session(fusionMeta, 'webgpu')).resolves.toBeTruthy();
  });

  it('a lost device drops the WebGPU session; later merges go to main with the reason', async () => {
    const fake = fakeOrt();
    const runtime = new ModelRuntime({ loadOrt: async () => fake.ort, readModel, requestAdapter: async () => hardware });
    const s = status();
    const i = input();
    const weights = await rendererFusionWeights({ projectId: 'p', method: 'learned' }, { bridge: bridgeFor(i), status: s, runtime, placement: 'auto', gpu: { allowSoftware: false } });
    expect(weights).toMatchObject({ exposures: 3, paddedWidth: 24, paddedHeight: 16, inputKey: i.key });
    expect(weights!.data).toEqual(shares(i.data, 3));
    expect(s.model).toEqual({ place: 'webgpu', reason: null });

    fake.lose('driver reset');
    await vi.waitFor(() => expect(fake.released).toEqual(['webgpu']));
    expect(runtime.gpuLost).toBe('unknown: driver reset');
    await expect(runtime.checkWebGpu({ allowSoftware: false })).rejects.toBeInstanceOf(ModelDeviceLostError);
    const bridge = bridgeFor(i);
    expect(await rendererFusionWeights({ projectId: 'p', method: 'learned' }, { bridge, status: s, runtime, placement: 'auto', gpu: { allowSoftware: false } })).toBeNull();
    expect(s.model).toEqual({ place: 'main-wasm', reason: 'GPU device lost (unknown: driver reset)' });
    // Main computes the input only when the renderer will use it.
    expect(bridge['project:fusion-input']).not.toHaveBeenCalled();
  });

  it('follows the placement and GPU settings, and a failed run leaves the merge to main', async () => {
    const fake = fakeOrt();
    const runtime = new ModelRuntime({ loadOrt: async () => fake.ort, readModel, requestAdapter: async () => hardware });
    const i = input();
    const run = (placement: 'auto' | 'wasm' | 'main', gpu: false | { allowSoftware?: boolean }, s = status()) =>
      rendererFusionWeights({ projectId: 'p', method: 'learned' }, { bridge: bridgeFor(i), status: s, runtime, placement, gpu }).then((w) => ({ w, s }));
    let r = await run('main', { allowSoftware: false });
    expect([r.w, r.s.model]).toEqual([null, { place: 'main-wasm', reason: 'set to run in the engine (luxfuse:model = main)' }]);
    r = await run('auto', false);
    expect([r.w, r.s.model]).toEqual([null, { place: 'main-wasm', reason: 'GPU switched off (luxfuse:gpu = off)' }]);
    r = await run('wasm', false);
    expect(r.w).not.toBeNull();
    expect(r.s.model?.place).toBe('wasm');
    fake.create.mockRejectedValueOnce(new Error('no shader-f16'));
    await runtime.drop();
    r = await run('auto', { allowSoftware: false });
    expect(r.w).toBeNull();
    expect(r.s.model).toEqual({ place: 'main-wasm', reason: 'cannot load the learned fusion model on WebGPU: no shader-f16' });
  });

  it("runs the network in tiles where the adapter's buffers cannot hold it whole, with the whole run's weights", async () => {
    const fake = fakeOrt();
    const i = input([3, 400, 480]);
    // The decoder's largest tensor is 18x the input: 3 x 400 x 480 floats need 39.6 MiB; this adapter binds 20 MiB.
    const small = { limits: { maxStorageBufferBindingSize: 20 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 }, info: { vendor: 'acme', architecture: 'rdna', description: '' } } as never;
    const runtime = new ModelRuntime({ loadOrt: async () => fake.ort, readModel, requestAdapter: async () => small });
    const s = status();
    const weights = await rendererFusionWeights({ projectId: 'p', method: 'learned' }, { bridge: bridgeFor(i), status: s, runtime, placement: 'auto', gpu: { allowSoftware: false } });
    expect(s.model).toEqual({ place: 'webgpu', reason: null });
    expect(fake.runs.length).toBeGreaterThan(1);
    for (const [, k, h, w] of fake.runs) expect(k * h * w * 4 * fusionMeta.peakBufferFactor).toBeLessThanOrEqual(20 * 2 ** 20);
    expect(weights!.data).toEqual(shares(i.data, 3));

    // Where it fits, one run of the whole input.
    const roomy = fakeOrt();
    const whole = new ModelRuntime({ loadOrt: async () => roomy.ort, readModel, requestAdapter: async () => hardware });
    expect((await rendererFusionWeights({ projectId: 'p', method: 'learned' }, { bridge: bridgeFor(i), status: status(), runtime: whole, placement: 'auto', gpu: { allowSoftware: false } }))!.data).toEqual(weights!.data);
    expect(roomy.runs).toEqual([[1, 3, 400, 480]]);

    // Too little for even one tile's halo: main runs it, and the status says why.
    const tiny = { limits: { maxStorageBufferBindingSize: 2 ** 20, maxBufferSize: 2 ** 20 }, info: { vendor: 'acme', architecture: 'rdna', description: '' } } as never;
    const starved = fakeOrt();
    const cramped = new ModelRuntime({ loadOrt: async () => starved.ort, readModel, requestAdapter: async () => tiny });
    const st = status();
    expect(await rendererFusionWeights({ projectId: 'p', method: 'learned' }, { bridge: bridgeFor(i), status: st, runtime: cramped, placement: 'auto', gpu: { allowSoftware: false } })).toBeNull();
    expect(st.model).toEqual({ place: 'main-wasm', reason: 'the adapter binds at most 1 MiB, too little for the model even in tiles' });
    expect(starved.runs).toEqual([]);
  });
});

describe('warmMainFusion', () => {
  const warmBridge = (warm = vi.fn(async () => null)) => ({ 'models:warm': warm, 'models:read': vi.fn(readModel) });
  /** The models:warm calls made for these settings and this adapter (none given: no navigator.gpu, as in Node). */
  async function asked(placement: 'auto' | 'wasm' | 'main', gpu: false | { allowSoftware?: boolean }, requestAdapter?: RuntimeDeps['requestAdapter']): Promise<unknown[][]> {
    const bridge = warmBridge();
    const runtime = new ModelRuntime({ loadOrt: async () => fakeOrt().ort, readModel, ...(requestAdapter ? { requestAdapter } : {}) });
    await warmMainFusion({ bridge, runtime, placement, gpu });
    expect(bridge['models:read']).not.toHaveBeenCalled();
    return bridge['models:warm'].mock.calls;
  }

  it('asks main to ready the network where main runs every learned merge, and only there', async () => {
    const noGpu = { allowSoftware: false };
    // Main runs it: by setting, GPU off, no WebGPU, no adapter, a software adapter refused.
    expect(await asked('main', noGpu, async () => hardware)).toEqual([['fusion']]);
    expect(await asked('auto', false, async () => hardware)).toEqual([['fusion']]);
    expect(await asked('auto', noGpu)).toEqual([['fusion']]);
    expect(await asked('auto', noGpu, async () => null)).toEqual([['fusion']]);
    expect(await asked('auto', noGpu, async () => swiftshader)).toEqual([['fusion']]);
    // The window runs it: WebGPU on a usable adapter, or WASM in the window.
    expect(await asked('auto', noGpu, async () => hardware)).toEqual([]);
    expect(await asked('auto', { allowSoftware: true }, async () => swiftshader)).toEqual([]);
    expect(await asked('wasm', false)).toEqual([]);
  });

  it('a lost device sends the next ask to main', async () => {
    const fake = fakeOrt();
    const runtime = new ModelRuntime({ loadOrt: async () => fake.ort, readModel, requestAdapter: async () => hardware });
    await runtime.session(fusionMeta, 'webgpu');
    fake.lose('driver reset');
    await vi.waitFor(() => expect(runtime.gpuLost).not.toBeNull());
    const bridge = warmBridge();
    await warmMainFusion({ bridge, runtime, placement: 'auto', gpu: { allowSoftware: false } });
    expect(bridge['models:warm']).toHaveBeenCalledWith('fusion');
  });

  it('an ask that fails is no error: the first merge readies the model itself', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const bridge = warmBridge(vi.fn(async () => Promise.reject(new Error('the merge engine stopped'))));
    await expect(warmMainFusion({ bridge, runtime: new ModelRuntime(), placement: 'main', gpu: false })).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

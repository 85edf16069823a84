/**
 * The renderer's model runtime: onnxruntime-web, loaded on first need, with one cached session per
 * model and backend ('webgpu' first, 'wasm' in this window as the fallback), capability checks
 * before a WebGPU session is made (navigator.gpu, an adapter the setting accepts, buffer limits
 * against the model's largest tensor), and device-loss handling: a lost device drops the WebGPU
 * sessions and marks WebGPU lost for this window (onnxruntime-web keeps its first device), so later
 * runs go to WASM. Dependencies are injected so the state machine is testable in Node.
 */
import type { ModelName } from '../../../src-preload/contract';
import { isSoftware } from '../gpu/gpu-device';
import { navigatorGpu, type GPUAdapter } from '../gpu/webgpu-types';
import { ModelDeviceLostError, ModelGpuUnavailableError, ModelLoadError, ModelRunError } from './model-errors';

export type ModelBackend = 'webgpu' | 'wasm';

/** What the runtime needs to know of a model (each model's meta.ts). */
export interface ModelMeta {
  name: ModelName;
  label: string;
  input: string;
  output: string;
  /** Largest GPU buffer the graph allocates, as a multiple of its input's bytes (measured from the architecture). */
  peakBufferFactor: number;
}

/** The slice of onnxruntime-web used here (its real module satisfies it). */
export interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release(): Promise<void>;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
}
export interface OrtTensor {
  readonly type: string;
  readonly dims: readonly number[];
  getData(): Promise<unknown>;
  dispose(): void;
}
export interface OrtModule {
  InferenceSession: { create(bytes: Uint8Array, options: { executionProviders: string[]; graphOptimizationLevel?: 'all' }): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  /** webgpu.device: a GPUDevice (1.30's WebGPU EP) or a promise of one (the older JSEP backend), once a WebGPU session exists. */
  env: { wasm: { numThreads?: number }; webgpu: { readonly device: unknown } };
}

export interface RuntimeDeps {
  loadOrt(): Promise<OrtModule>;
  readModel(name: ModelName): Promise<Uint8Array>;
  /** The adapter WebGPU would use, or null (default: navigator.gpu's high-performance one). */
  requestAdapter(): Promise<Pick<GPUAdapter, 'limits' | 'info' | 'isFallbackAdapter'> | null>;
}

export interface WebGpuCheck {
  /** Accept a software adapter (SwiftShader): correct but CPU-emulated, slower than the CPU path. */
  allowSoftware: boolean;
}

const defaultDeps: RuntimeDeps = {
  loadOrt: async () => {
    const ort = await import('onnxruntime-web/webgpu');
    // One thread: threads need worker scripts, and the fallback's heavy lifting is in main's engine thread anyway.
    ort.env.wasm.numThreads = 1;
    return ort as unknown as OrtModule;
  },
  readModel: async () => {
    throw new Error('no model source: pass readModel');
  },
  requestAdapter: async () => {
    const gpu = navigatorGpu();
    if (!gpu) throw new ModelGpuUnavailableError('this browser has no WebGPU (navigator.gpu is missing)');
    return gpu.requestAdapter({ powerPreference: 'high-performance' });
  },
};

const firstLine = (error: unknown): string => String(error instanceof Error ? error.message : error).split('\n')[0];

export class ModelRuntime {
  private readonly deps: RuntimeDeps;
  private ort: Promise<OrtModule> | null = null;
  private readonly sessions = new Map<string, Promise<OrtSession>>();
  private adapter: Promise<Awaited<ReturnType<RuntimeDeps['requestAdapter']>>> | null = null;
  private lostReason: string | null = null;

  constructor(deps: Partial<RuntimeDeps> = {}) {
    this.deps = { ...defaultDeps, ...deps };
  }

  /** Why WebGPU is out for the rest of this window (its device was lost), else null. */
  get gpuLost(): string | null {
    return this.lostReason;
  }

  /**
   * Throws ModelGpuUnavailableError unless WebGPU can run a graph whose largest buffer is
   * `peakBytes`: WebGPU present and not lost, an adapter, a hardware one unless software is
   * allowed, and buffer limits that hold the tensor. Returns the largest buffer the adapter binds, in bytes.
   */
  async checkWebGpu(check: WebGpuCheck, peakBytes = 0): Promise<number> {
    if (this.lostReason) throw new ModelDeviceLostError(this.lostReason);
    this.adapter ??= this.deps.requestAdapter();
    let adapter: Awaited<typeof this.adapter>;
    try {
      adapter = await this.adapter;
    } catch (error) {
      this.adapter = null;
      if (error instanceof ModelGpuUnavailableError) throw error;
      throw new ModelGpuUnavailableError(`no GPU adapter (${firstLine(error)})`);
    }
    if (!adapter) {
      this.adapter = null;
      throw new ModelGpuUnavailableError('no GPU adapter was found');
    }
    if (isSoftware(adapter.info, adapter.isFallbackAdapter) && !check.allowSoftware) {
      throw new ModelGpuUnavailableError(`only a software adapter (${adapter.info?.architecture || adapter.info?.vendor || 'fallback'}), slower than the CPU`);
    }
    const limit = Math.min(adapter.limits.maxStorageBufferBindingSize, adapter.limits.maxBufferSize);
    if (peakBytes > limit) {
      throw new ModelGpuUnavailableError(`the model needs a ${Math.ceil(peakBytes / 2 ** 20)} MiB GPU buffer, the adapter binds at most ${Math.floor(limit / 2 ** 20)} MiB`);
    }
    return limit;
  }

  private loadOrt(): Promise<OrtModule> {
    this.ort ??= this.deps.loadOrt().catch((error: unknown) => {
      this.ort = null;
      throw new ModelLoadError(`onnxruntime-web did not load: ${firstLine(error)}`);
    });
    return this.ort;
  }

  /** The cached session of a model on a backend; a failed creation is not cached. */
  session(meta: ModelMeta, backend: ModelBackend): Promise<OrtSession> {
    const key = `${meta.name}:${backend}`;
    let s = this.sessions.get(key);
    if (!s) {
      s = this.createSession(meta, backend);
      this.sessions.set(key, s);
      s.catch(() => {
        if (this.sessions.get(key) === s) this.sessions.delete(key);
      });
    }
    return s;
  }

  private async createSession(meta: ModelMeta, backend: ModelBackend): Promise<OrtSession> {
    const ort = await this.loadOrt();
    const bytes = await this.deps.readModel(meta.name);
    let session: OrtSession;
    try {
      session = await ort.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: 'all' });
    } catch (error) {
      throw new ModelLoadError(`cannot load ${meta.label} on ${backend === 'webgpu' ? 'WebGPU' : 'WASM'}: ${firstLine(error)}`);
    }
    if (!session.inputNames.includes(meta.input) || !session.outputNames.includes(meta.output)) {
      await session.release();
      throw new ModelLoadError(`${meta.label} has inputs ${session.inputNames.join(', ')} and outputs ${session.outputNames.join(', ')}, expected ${meta.input} -> ${meta.output}`);
    }
    if (backend === 'webgpu') this.watchDevice(ort);
    return session;
  }

  private watched = false;

  /** onnxruntime-web's device, once its first WebGPU session exists: a loss drops every WebGPU session. */
  private watchDevice(ort: OrtModule): void {
    if (this.watched) return;
    this.watched = true;
    type Lost = { lost?: Promise<{ reason: string; message: string }> } | undefined;
    void Promise.resolve(ort.env.webgpu.device as Lost | Promise<Lost>)
      .then((device) => device?.lost)
      .then((info) => {
        if (!info) return;
        this.lostReason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
        console.warn('[models] WebGPU device lost, models run on the CPU from now on:', this.lostReason);
        void this.drop('webgpu');
      })
      .catch((error: unknown) => console.warn('[models] cannot watch the WebGPU device for loss:', error));
  }

  /** Releases the sessions of one backend (all when none is named). */
  async drop(backend?: ModelBackend): Promise<void> {
    for (const [key, s] of [...this.sessions]) {
      if (backend && !key.endsWith(`:${backend}`)) continue;
      this.sessions.delete(key);
      await s.then((x) => x.release()).catch(() => undefined);
    }
  }

  /** Runs a model on one float32 tensor; returns its output of the same dims (all the models here keep the input's shape). */
  async run(meta: ModelMeta, data: Float32Array, dims: readonly number[], backend: ModelBackend): Promise<Float32Array> {
    const session = await this.session(meta, backend);
    const ort = await this.loadOrt();
    const tensor = new ort.Tensor('float32', data, dims);
    let out: OrtTensor | undefined;
    try {
      out = (await session.run({ [meta.input]: tensor }))[meta.output];
      if (!out) throw new Error(`no output ${meta.output}`);
      if (out.type !== 'float32' || out.dims.join('x') !== dims.join('x')) throw new Error(`returned ${out.type} ${out.dims.join('x')}, expected float32 ${dims.join('x')}`);
      const result = (await out.getData()) as Float32Array;
      return result;
    } catch (error) {
      if (this.lostReason && backend === 'webgpu') throw new ModelDeviceLostError(this.lostReason);
      throw new ModelRunError(`${meta.label} failed on ${backend === 'webgpu' ? 'WebGPU' : 'WASM'}: ${firstLine(error)}`);
    } finally {
      tensor.dispose();
      out?.dispose();
    }
  }
}

/**
 * The renderer's one WebGPU device: acquired on first need with capability checks, cached, and
 * invalidated when lost (the next request makes a fresh one). Failures are named errors so callers
 * can fall back to the CPU path and say why: GpuUnavailableError (no WebGPU, no adapter, or one
 * that cannot run our kernels) and GpuDeviceLostError (the device went away mid-session).
 */
import { navigatorGpu, type GPUAdapterInfo, type GPUDevice, type GPUDeviceLostInfo } from './webgpu-types';

/** WebGPU cannot be used here; reason says why in a short line for the UI. */
export class GpuUnavailableError extends Error {
  override name = 'GpuUnavailableError';
  constructor(readonly reason: string) {
    super(`WebGPU unavailable: ${reason}`);
  }
}

/** The device was lost (driver reset, GPU removed, or destroy()); work on it must be redone elsewhere. */
export class GpuDeviceLostError extends Error {
  override name = 'GpuDeviceLostError';
  constructor(readonly loss: GpuLoss) {
    super(`GPU device lost (${loss.reason})${loss.message ? `: ${loss.message}` : ''}`);
  }
}

export interface GpuLoss {
  /** 'destroyed' when our own code called destroy(); 'unknown' for everything else. */
  reason: GPUDeviceLostInfo['reason'];
  message: string;
}

export interface GpuRequest {
  /**
   * Accept a software adapter (SwiftShader, WARP): correct but CPU-emulated, usually slower than
   * the CPU path. Tests use it; the preview does not by default.
   */
  allowSoftware?: boolean;
  powerPreference?: 'low-power' | 'high-performance';
}

export interface GpuRuntime {
  device: GPUDevice;
  adapter: { vendor: string; architecture: string; software: boolean };
  /** Resolves when the device is lost; never rejects. */
  lost: Promise<GpuLoss>;
  /** The loss once it has happened, else null. */
  loss(): GpuLoss | null;
}

/** Storage buffers the tone pass binds at once (the WebGPU default guarantees 8). */
const NEEDED_STORAGE_BUFFERS = 7;
/** Workgroup memory for the histogram's 1024 local counters. */
const NEEDED_WORKGROUP_BYTES = 4096;

let cached: { key: string; runtime: Promise<GpuRuntime> } | null = null;

/** True for software adapters (SwiftShader, WARP, llvmpipe): correct but CPU-emulated. */
export function isSoftware(info: GPUAdapterInfo | undefined, legacy: boolean | undefined): boolean {
  if (info?.isFallbackAdapter ?? legacy) return true;
  return /swiftshader|warp|llvmpipe|software/i.test(`${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''}`);
}

async function acquire(req: GpuRequest): Promise<GpuRuntime> {
  const gpu = navigatorGpu();
  if (!gpu) throw new GpuUnavailableError('this browser has no WebGPU (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter({ powerPreference: req.powerPreference ?? 'high-performance' });
  if (!adapter) throw new GpuUnavailableError('no GPU adapter was found');
  const info = adapter.info;
  const software = isSoftware(info, adapter.isFallbackAdapter);
  if (software && !req.allowSoftware) throw new GpuUnavailableError(`only a software adapter (${info?.architecture || info?.vendor || 'fallback'}), slower than the CPU path`);
  const { limits } = adapter;
  if (limits.maxStorageBuffersPerShaderStage < NEEDED_STORAGE_BUFFERS) {
    throw new GpuUnavailableError(`the adapter binds ${limits.maxStorageBuffersPerShaderStage} storage buffers per stage, ${NEEDED_STORAGE_BUFFERS} needed`);
  }
  if (limits.maxComputeWorkgroupStorageSize < NEEDED_WORKGROUP_BYTES) {
    throw new GpuUnavailableError(`the adapter has ${limits.maxComputeWorkgroupStorageSize} bytes of workgroup memory, ${NEEDED_WORKGROUP_BYTES} needed`);
  }
  let device: GPUDevice;
  try {
    // The adapter's own buffer limits, so large images need as few bands as the hardware allows.
    device = await adapter.requestDevice({
      label: 'luxfuse',
      requiredLimits: { maxBufferSize: limits.maxBufferSize, maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize },
    });
  } catch (error) {
    throw new GpuUnavailableError(`the adapter refused a device (${error instanceof Error ? error.message : String(error)})`);
  }
  let loss: GpuLoss | null = null;
  const lost = device.lost.then((l) => {
    loss = { reason: l.reason, message: l.message };
    return loss;
  });
  const runtime: GpuRuntime = {
    device,
    adapter: { vendor: info?.vendor ?? '', architecture: info?.architecture ?? '', software },
    lost,
    loss: () => loss,
  };
  device.addEventListener('uncapturederror', (e) => console.warn('[gpu] uncaptured error:', (e as Event & { error?: { message: string } }).error?.message));
  return runtime;
}

/**
 * The shared device (created on first call). A failed acquisition or a lost device is dropped from
 * the cache, so a later call tries again; a loss reason of 'destroyed' means our own code gave it up.
 */
export function getGpuRuntime(req: GpuRequest = {}): Promise<GpuRuntime> {
  const key = `${req.allowSoftware ? 'sw' : 'hw'}:${req.powerPreference ?? 'high-performance'}`;
  if (cached && cached.key === key) return cached.runtime;
  const entry = { key, runtime: acquire(req) };
  cached = entry;
  entry.runtime.then(
    (rt) => void rt.lost.then(() => {
      if (cached === entry) cached = null;
    }),
    () => {
      if (cached === entry) cached = null;
    },
  );
  return entry.runtime;
}

/** A short line for the UI from any error of a GPU path. */
export function gpuFailureReason(error: unknown): string {
  if (error instanceof GpuUnavailableError) return error.reason;
  if (error instanceof GpuDeviceLostError) return `device lost (${error.loss.reason})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * The slice of the WebGPU API this runtime uses, typed here because TypeScript's DOM library does
 * not carry WebGPU (the full set is the @webgpu/types package). Module-scoped on purpose: nothing
 * global is declared, so adding @webgpu/types later cannot clash. Usage flags are the spec's values.
 */

export const BufferUsage = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

export const TextureUsage = { COPY_DST: 0x02 } as const;

export const MapMode = { READ: 0x0001 } as const;

export interface GPUSupportedLimits {
  readonly maxBufferSize: number;
  readonly maxStorageBufferBindingSize: number;
  readonly maxStorageBuffersPerShaderStage: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

export interface GPUAdapterInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly description: string;
  /** Newer Chromium reports it here; older on the adapter. */
  readonly isFallbackAdapter?: boolean;
}

export interface GPUDeviceLostInfo {
  readonly reason: 'unknown' | 'destroyed';
  readonly message: string;
}

export interface GPUError {
  readonly message: string;
}

export interface GPUBuffer {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GPUTexture {
  readonly width: number;
  readonly height: number;
}

export interface GPUBindGroupLayout {
  readonly label: string;
}

export interface GPUBindGroup {
  readonly label: string;
}

export interface GPUComputePipeline {
  getBindGroupLayout(index: number): GPUBindGroupLayout;
}

export interface GPUShaderModule {
  readonly label: string;
}

export interface GPUComputePassEncoder {
  setPipeline(pipeline: GPUComputePipeline): void;
  setBindGroup(index: number, group: GPUBindGroup): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GPUCommandBuffer {
  readonly label: string;
}

export interface GPUTexelCopyBufferInfo {
  buffer: GPUBuffer;
  offset?: number;
  bytesPerRow: number;
  rowsPerImage?: number;
}

export interface GPUCommandEncoder {
  beginComputePass(desc?: { label?: string }): GPUComputePassEncoder;
  clearBuffer(buffer: GPUBuffer, offset?: number, size?: number): void;
  copyBufferToBuffer(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, size: number): void;
  copyBufferToTexture(src: GPUTexelCopyBufferInfo, dst: { texture: GPUTexture; origin?: { x?: number; y?: number } }, size: { width: number; height: number }): void;
  finish(): GPUCommandBuffer;
}

export interface GPUQueue {
  writeBuffer(buffer: GPUBuffer, bufferOffset: number, data: ArrayBufferView | ArrayBuffer, dataOffset?: number, size?: number): void;
  submit(buffers: GPUCommandBuffer[]): void;
  onSubmittedWorkDone(): Promise<void>;
}

export interface GPUBindGroupEntry {
  binding: number;
  resource: { buffer: GPUBuffer; offset?: number; size?: number };
}

export interface GPUDevice extends EventTarget {
  readonly limits: GPUSupportedLimits;
  readonly queue: GPUQueue;
  readonly lost: Promise<GPUDeviceLostInfo>;
  destroy(): void;
  createBuffer(desc: { label?: string; size: number; usage: number; mappedAtCreation?: boolean }): GPUBuffer;
  createShaderModule(desc: { label?: string; code: string }): GPUShaderModule;
  createComputePipelineAsync(desc: { label?: string; layout: 'auto'; compute: { module: GPUShaderModule; entryPoint: string } }): Promise<GPUComputePipeline>;
  createBindGroup(desc: { label?: string; layout: GPUBindGroupLayout; entries: GPUBindGroupEntry[] }): GPUBindGroup;
  createCommandEncoder(desc?: { label?: string }): GPUCommandEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<GPUError | null>;
}

export interface GPUAdapter {
  readonly limits: GPUSupportedLimits;
  readonly features: ReadonlySet<string>;
  readonly info?: GPUAdapterInfo;
  /** Deprecated in favour of info.isFallbackAdapter; still present in some browsers. */
  readonly isFallbackAdapter?: boolean;
  requestDevice(desc?: { label?: string; requiredLimits?: Record<string, number> }): Promise<GPUDevice>;
}

export interface GPU {
  requestAdapter(opts?: { powerPreference?: 'low-power' | 'high-performance'; forceFallbackAdapter?: boolean }): Promise<GPUAdapter | null>;
}

export interface GPUCanvasContext {
  configure(config: { device: GPUDevice; format: 'rgba8unorm' | 'bgra8unorm'; usage?: number; alphaMode?: 'opaque' | 'premultiplied'; colorSpace?: 'srgb' | 'display-p3' }): void;
  unconfigure(): void;
  getCurrentTexture(): GPUTexture;
}

/** A canvas the tone pass can draw into: an element or an OffscreenCanvas. */
export type GpuCanvas = HTMLCanvasElement | OffscreenCanvas;

/** The canvas's WebGPU context, or null when it already has another kind (a canvas keeps its first). */
export function webgpuContext(canvas: GpuCanvas): GPUCanvasContext | null {
  return (canvas as unknown as { getContext(id: 'webgpu'): GPUCanvasContext | null }).getContext('webgpu');
}

/** navigator.gpu where the browser has it. */
export function navigatorGpu(): GPU | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator as unknown as { gpu?: GPU }).gpu;
}

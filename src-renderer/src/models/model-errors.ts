/**
 * Named failures of the renderer's model runtime, each with a short reason for the UI: the caller
 * falls back to WASM (here or in main's engine thread) and says why.
 */

/** WebGPU cannot run this model here (no WebGPU, no adapter, a software one, limits too small, switched off). */
export class ModelGpuUnavailableError extends Error {
  override name = 'ModelGpuUnavailableError';
  constructor(readonly reason: string) {
    super(`WebGPU unavailable for the model: ${reason}`);
  }
}

/** onnxruntime-web could not create a session (its WASM or the model bytes would not load). */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

/** A session ran and failed, or returned something other than the expected tensor. */
export class ModelRunError extends Error {
  override name = 'ModelRunError';
}

/** The WebGPU device under the sessions was lost: they are dropped, and WebGPU is not tried again in this window. */
export class ModelDeviceLostError extends Error {
  override name = 'ModelDeviceLostError';
  constructor(readonly reason: string) {
    super(`GPU device lost (${reason})`);
  }
}

/** A short line for the status indicator from any error of the model path. */
export function modelFailureReason(error: unknown): string {
  if (error instanceof ModelGpuUnavailableError) return error.reason;
  if (error instanceof ModelDeviceLostError) return error.message;
  if (error instanceof ModelLoadError || error instanceof ModelRunError) return error.message;
  return `the GPU run failed (${error instanceof Error ? error.message : String(error)})`;
}

/** The WebGPU probe of the harness pages (in the browser): whether an adapter is there, and which. */
import { getGpuRuntime, gpuFailureReason } from '../../../src-renderer/src/gpu/gpu-device';

export async function probe(): Promise<{ available: boolean; reason: string; adapter: string }> {
  try {
    const rt = await getGpuRuntime({ allowSoftware: true });
    return { available: true, reason: '', adapter: `${rt.adapter.vendor} ${rt.adapter.architecture}${rt.adapter.software ? ' (software)' : ''}` };
  } catch (error) {
    return { available: false, reason: gpuFailureReason(error), adapter: '' };
  }
}

/**
 * A learned merge's network, run in the renderer: main computes the network input for the merge
 * request (project:fusion-input, the same frames, alignment and deghosting its merge uses), this
 * runs the fusion CNN on it (WebGPU first), and the weights go back with the merge request. Any
 * failure returns null with the reason in the status, and main runs the network itself (WASM in
 * its engine thread): the merge never fails for want of a GPU. Where main will run it whatever the
 * merge (the settings, no usable adapter), main is told early (warmMainFusion) to ready it.
 */
import type { FusionWeights, LuxfuseBridge, MergeRequest } from '../../../../src-preload/contract';
import { netTiles, runNetTiled } from '../../../../src-shared/fusion/net-tiles';
import { previewGpuRequest } from '../../gpu/preview-tone';
import type { ComputeStatus } from '../../stores/compute-status.svelte';
import { ModelGpuUnavailableError, modelFailureReason } from '../model-errors';
import { ModelRuntime, type ModelBackend } from '../model-runtime';
import { DEFAULT_FUSION_PLACEMENT, fusionMeta, type FusionPlacement } from './meta';

/** localStorage 'luxfuse:model' (see FusionPlacement); unknown values mean the default. */
export function fusionPlacement(): FusionPlacement {
  let v: string | null = null;
  try {
    v = globalThis.localStorage?.getItem('luxfuse:model') ?? null;
  } catch {
    // Storage can be blocked; the default stands.
  }
  return v === 'wasm' || v === 'main' ? v : DEFAULT_FUSION_PLACEMENT;
}

export interface RendererWeightsDeps {
  bridge: Pick<LuxfuseBridge, 'project:fusion-input' | 'models:read'>;
  status: ComputeStatus;
  runtime?: ModelRuntime;
  placement?: FusionPlacement;
  /** The GPU setting shared with the preview ('luxfuse:gpu': off, or software adapters allowed). */
  gpu?: ReturnType<typeof previewGpuRequest>;
}

let shared: ModelRuntime | null = null;

/** The window's runtime, its model bytes read from main. */
export function windowRuntime(bridge: Pick<LuxfuseBridge, 'models:read'>): ModelRuntime {
  shared ??= new ModelRuntime({ readModel: (name) => bridge['models:read'](name) });
  return shared;
}

/**
 * Why main runs the network of every learned merge, known before any merge (the placement and GPU
 * settings, no WebGPU adapter this window may use), or null when this window runs it (or tries first).
 */
async function mainRunsEveryMerge(runtime: ModelRuntime, placement: FusionPlacement, gpu: ReturnType<typeof previewGpuRequest>): Promise<string | null> {
  if (placement === 'main') return 'set to run in the engine (luxfuse:model = main)';
  if (placement === 'wasm') return null;
  if (gpu === false) return 'GPU switched off (luxfuse:gpu = off)';
  try {
    await runtime.checkWebGpu({ allowSoftware: gpu.allowSoftware === true });
    return null;
  } catch (error) {
    return modelFailureReason(error);
  }
}

export type WarmMainDeps = Omit<RendererWeightsDeps, 'bridge' | 'status'> & { bridge: Pick<LuxfuseBridge, 'models:warm' | 'models:read'> };

/**
 * Tells main to ready its network (models:warm) when main is the one that will run it: asked at app
 * start and on opening a bracket, before the first learned merge, so that merge does not pay for the
 * model's session and first run (2-3 s on a 2-core machine). Where this window runs the network, main
 * is not asked: it would spend CPU and memory on a model it never runs.
 */
export async function warmMainFusion(deps: WarmMainDeps): Promise<void> {
  const runtime = deps.runtime ?? windowRuntime(deps.bridge);
  const reason = await mainRunsEveryMerge(runtime, deps.placement ?? fusionPlacement(), deps.gpu ?? previewGpuRequest());
  if (reason === null) return;
  try {
    await deps.bridge['models:warm']('fusion');
  } catch (error) {
    // Nothing is lost: the first merge readies the model itself, and reports what it cannot.
    console.warn('[models] main did not ready the fusion network ahead of the first merge:', error);
  }
}

/** The weights for this learned merge request, or null when main should run the network (reason in status.model). */
export async function rendererFusionWeights(request: MergeRequest, deps: RendererWeightsDeps): Promise<FusionWeights | null> {
  const { bridge, status } = deps;
  const runtime = deps.runtime ?? windowRuntime(bridge);
  const placement = deps.placement ?? fusionPlacement();
  const gpu = deps.gpu ?? previewGpuRequest();
  const toMain = (reason: string): null => {
    status.model = { place: 'main-wasm', reason };
    return null;
  };
  const mainOnly = await mainRunsEveryMerge(runtime, placement, gpu);
  if (mainOnly !== null) return toMain(mainOnly);
  const backend: ModelBackend = placement === 'wasm' ? 'wasm' : 'webgpu';
  const input = await bridge['project:fusion-input'](request);
  const dims = [1, input.exposures, input.paddedHeight, input.paddedWidth];
  try {
    let data: Float32Array;
    if (backend === 'webgpu') {
      // Past the adapter's buffer limit, the network runs in tiles that fit it (net-tiles.ts: same weights).
      const limit = await runtime.checkWebGpu({ allowSoftware: gpu !== false && gpu.allowSoftware === true });
      const tilePixels = Math.floor(limit / (fusionMeta.peakBufferFactor * Float32Array.BYTES_PER_ELEMENT * input.exposures));
      try {
        netTiles(input.paddedWidth, input.paddedHeight, tilePixels);
      } catch {
        throw new ModelGpuUnavailableError(`the adapter binds at most ${Math.floor(limit / 2 ** 20)} MiB, too little for the model even in tiles`);
      }
      const tiled = await runNetTiled(input.data, dims, tilePixels, (tile, tileDims) => runtime.run(fusionMeta, tile, tileDims, 'webgpu'));
      if (tiled.tiles > 1) console.info(`[models] fusion on WebGPU in ${tiled.tiles} tiles (the adapter binds at most ${Math.floor(limit / 2 ** 20)} MiB)`);
      data = tiled.output;
    } else {
      data = await runtime.run(fusionMeta, input.data, dims, backend);
    }
    status.model = { place: backend, reason: backend === 'wasm' ? 'set to run in the window (luxfuse:model = wasm)' : null };
    return { exposures: input.exposures, paddedWidth: input.paddedWidth, paddedHeight: input.paddedHeight, data, inputKey: input.key };
  } catch (error) {
    console.warn(`[models] fusion on ${backend} failed, main runs it on WASM:`, error);
    return toMain(modelFailureReason(error));
  }
}

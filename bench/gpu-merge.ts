/**
 * The GPU targets of issues 5 and 8, timed where a GPU is: the learned merge's network (onnxruntime-web on
 * WebGPU), guided-filter lift and blend (the renderer's WGSL kernels, src-renderer/src/gpu/merge-gpu.ts) on a
 * synthetic 3-frame bracket, and the tone pass per slider move (tone-gpu.ts), each beside its CPU path in the
 * same run, with the GPU output's largest difference from the CPU's. Two blends: the weighted sum (the network's
 * training blend) and the app's default, the pyramid with detail levels, with every stage on the GPU: the guide
 * (gpuLumaGuide), the lift, the detail weights (gpuDetailWeights) and the pyramid blend (gpuBlendPyramid). Each
 * stage uploads its inputs and reads its output back: they are not yet one GPU-resident pipeline.
 *
 *   npx tsx bench/gpu-merge.ts [--size 6000x4000] [--tone-size 1920x1080] [--runs 3] [--software] [--no-cpu] [--json out.json]
 *
 * WebGPU comes from Dawn in Node (bench/lib/dawn.ts): no browser needed, so it runs on the lent GPU machine
 * (scripts/gpu-bench-pack.sh packs what it needs). Here only SwiftShader, a CPU emulation, is there:
 * `--software` accepts it, and its times are not GPU figures. Each GPU stage is timed as the app would call
 * it: uploads and read-backs included (the network's device is onnxruntime-web's own, so its weights come
 * back to the CPU before the lift). The CPU columns are this process's one thread (the app's engine runs
 * the full-size lift and blend on two; bench/preview-latency.ts times that).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { predictFusionWeights } from '../src-main/services/fusion-model';
import { fusionInput, type FusionInput } from '../src-shared/fusion/fusion-input';
import { detailWeights, guideAndContrast, learnedFuse } from '../src-shared/fusion/learned-fuse';
import { defaultLiftRadius, lowLiftRadius, lowPlanes, normaliseWeights, workingGuide } from '../src-shared/fusion/lift-weights';
import { defaultWorkingSide, DEFAULT_FUSION_OPTIONS, FUSION_MODEL_FILE } from '../src-shared/fusion/meta';
import { histogram as cpuHistogram } from '../src-shared/tonemap/histogram';
import { autoKey } from '../src-shared/tonemap/global';
import { applyTone, prepareTone } from '../src-shared/tonemap/tone-map';
import type { ToneSettings } from '../src-shared/tonemap/tone-settings';
import { getGpuRuntime } from '../src-renderer/src/gpu/gpu-device';
import { gpuBlendPyramid, gpuBlendWeighted, gpuDetailWeights, gpuGuidedLift, gpuLearnedFuse, gpuLumaGuide } from '../src-renderer/src/gpu/merge-gpu';
import type { CoarseWeights } from '../src-shared/fusion/blend';
import { createGpuTone } from '../src-renderer/src/gpu/tone-gpu';
import { fusionMeta } from '../src-renderer/src/models/fusion/meta';
import { ModelRuntime, type OrtModule } from '../src-renderer/src/models/model-runtime';
import { navigatorGpu } from '../src-renderer/src/gpu/webgpu-types';
import { installNodeWebGpu } from './lib/dawn';
import { syntheticBracket, syntheticRadiance } from './lib/synthetic-bracket';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i < 0 ? undefined : process.argv[i + 1];
};
const size = (s: string): [number, number] => {
  const m = /^(\d+)x(\d+)$/.exec(s);
  if (!m) throw new Error(`a size is WIDTHxHEIGHT, got '${s}'`);
  return [Number(m[1]), Number(m[2])];
};
const [W, H] = size(arg('--size') ?? '1200x800');
const [TW, TH] = size(arg('--tone-size') ?? '1920x1080');
const runs = Number(arg('--runs') ?? 3);
const allowSoftware = process.argv.includes('--software');
const withCpu = !process.argv.includes('--no-cpu');
const jsonPath = arg('--json');
const modelPath = resolve(process.env.LUXFUSE_MODELS ?? resolve(import.meta.dirname, '../resources/models'), FUSION_MODEL_FILE);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const ms = (x: number): string => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

/** Runs f once to warm up, then `runs` times; the median and the last result. */
async function timed<T>(f: () => Promise<T> | T, n = runs): Promise<{ median: number; all: number[]; value: T }> {
  let value = await f();
  const all: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    value = await f();
    all.push(performance.now() - t);
  }
  return { median: median(all), all: all.map((x) => Math.round(x * 10) / 10), value };
}

/** Mean |a - b| and the share of samples more than one 8-bit sRGB code apart (both read as linear 0..1). */
function codeDiff(a: ArrayLike<number>, b: ArrayLike<number>): { mean: number; overOneCode: number } {
  let sum = 0;
  let over = 0;
  const code = (v: number): number => 255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);
  for (let i = 0; i < a.length; i++) {
    sum += Math.abs(a[i] - b[i]);
    if (Math.abs(code(a[i]) - code(b[i])) > 1) over++;
  }
  return { mean: sum / a.length, overOneCode: over / a.length };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const { hint } = await installNodeWebGpu();
const rt = await getGpuRuntime({ allowSoftware }).catch((error: unknown) => {
  throw new Error(`no WebGPU device: ${error instanceof Error ? error.message : String(error)}${hint ? `; ${hint}` : ''}`);
});
const adapter = `${rt.adapter.vendor} ${rt.adapter.architecture}${rt.adapter.software ? ' (software: not a GPU figure)' : ''}`;
console.log(`adapter: ${adapter}; largest buffer ${Math.round(rt.device.limits.maxStorageBufferBindingSize / 2 ** 20)} MiB`);

const frames = syntheticBracket(W, H);
const side = defaultWorkingSide(frames.length);
const input = fusionInput(frames, side);
const dims = [1, input.exposures, input.paddedHeight, input.paddedWidth];
console.log(`bracket: 3 x ${W}x${H} (${((W * H) / 1e6).toFixed(1)} MP); network at ${input.paddedWidth}x${input.paddedHeight}; ${runs} timed runs after a warm-up`);

// The network on WebGPU through the renderer's runtime (its capability checks, its session cache).
const models = new ModelRuntime({
  loadOrt: async () => {
    const ort = await import('onnxruntime-web/webgpu');
    ort.env.wasm.numThreads = 1;
    return ort as unknown as OrtModule;
  },
  readModel: async () => new Uint8Array(readFileSync(modelPath)),
  requestAdapter: async () => (await navigatorGpu()?.requestAdapter({ powerPreference: 'high-performance' })) ?? null,
});
await models.checkWebGpu({ allowSoftware }, input.data.byteLength * fusionMeta.peakBufferFactor);
const netGpu = await timed(() => models.run(fusionMeta, input.data, dims, 'webgpu'));

const eps = DEFAULT_FUSION_OPTIONS.liftEps;
const radius = lowLiftRadius(defaultLiftRadius(W, input.width), input.width, W);
const guideLow = workingGuide(input.data, input.exposures, input.width, input.height, input.paddedWidth, input.paddedHeight);
const guideStage = await timed(() => guideAndContrast(frames, false).guide!);
const guide = guideStage.value;
const low = lowPlanes({ ...input, data: netGpu.value });
const lift = await timed(async () => (await gpuGuidedLift(rt.device, guideLow, low, input.width, input.height, guide, W, H, radius, eps)).planes);
const blend = await timed(async () => (await gpuBlendWeighted(rt.device, frames, lift.value)).image);
// The three in a row, as one merge would call them.
const whole = await timed(async () => {
  const maps = await models.run(fusionMeta, input.data, dims, 'webgpu');
  const planes = (await gpuGuidedLift(rt.device, guideLow, lowPlanes({ ...input, data: maps }), input.width, input.height, guideAndContrast(frames, false).guide!, W, H, radius, eps)).planes;
  return (await gpuBlendWeighted(rt.device, frames, planes)).image;
});
// The app's default blend: the lifted weights clamped and normalised, the detail levels' coarse weights and each
// frame's contrast (learned-fuse.ts), on the CPU as yet; then the pyramid blend on the GPU.
const level = DEFAULT_FUSION_OPTIONS.detailLevels;
const detailPrep = (lifted: Float32Array[]): { weights: Float32Array[]; coarse: CoarseWeights | undefined } => {
  const weights = lifted.map((p) => p.slice());
  normaliseWeights(weights);
  return { weights, coarse: detailWeights(weights, guideAndContrast(frames, level > 0).contrast, W, H, level) };
};
const prep = await timed(() => detailPrep(lift.value));
const guideGpu = await timed(() => gpuLumaGuide(rt.device, frames));
const prepGpu = await timed(() => gpuDetailWeights(rt.device, frames, lift.value, level));
const pyramid = await timed(async () => (await gpuBlendPyramid(rt.device, frames, prepGpu.value.weights, prepGpu.value.coarse)).image);
// Every stage on the GPU (each uploading its inputs and reading its output back), as one merge would call them.
const appWhole = await timed(async () => {
  const maps = await models.run(fusionMeta, input.data, dims, 'webgpu');
  const guideFull = await gpuLumaGuide(rt.device, frames);
  const planes = (await gpuGuidedLift(rt.device, guideLow, lowPlanes({ ...input, data: maps }), input.width, input.height, guideFull, W, H, radius, eps)).planes;
  const { weights, coarse } = await gpuDetailWeights(rt.device, frames, planes, level);
  return (await gpuBlendPyramid(rt.device, frames, weights, coarse)).image;
});
// The same in one submission (gpuLearnedFuse): the frames go up once, only the fused image comes back.
const resident = await timed(async () => {
  const maps = await models.run(fusionMeta, input.data, dims, 'webgpu');
  return (await gpuLearnedFuse(rt.device, frames, { maps: { ...input, data: maps }, guideLow })).image;
});
const residentAfterNet = await timed(async () => (await gpuLearnedFuse(rt.device, frames, { maps: { ...input, data: netGpu.value }, guideLow })).image);
const residentVsStaged = maxDiff(resident.value.data, appWhole.value.data);

const report: Record<string, unknown> = {
  date: new Date().toISOString(),
  adapter,
  bracket: `3 x ${W}x${H}`,
  network: `${input.paddedWidth}x${input.paddedHeight}`,
  gpu: { networkMs: netGpu.all, guideCpuMs: guideStage.all, liftMs: lift.all, blendMs: blend.all, wholeMs: whole.all },
  gpuAppDefault: { detailLevels: level, detailPrepCpuMs: prep.all, guideMs: guideGpu.all, detailWeightsMs: prepGpu.all, pyramidBlendMs: pyramid.all, wholeMs: appWhole.all },
  gpuResident: { afterNetworkMs: residentAfterNet.all, wholeMs: resident.all, maxDiffVsStaged: residentVsStaged },
};
console.log(`GPU: network ${ms(netGpu.median)}, guide (CPU) ${ms(guideStage.median)}, lift ${ms(lift.median)}, blend ${ms(blend.median)}; all in a row ${ms(whole.median)}`);
console.log(
  `GPU, the app's default blend: guide ${ms(guideGpu.median)}, detail weights ${ms(prepGpu.median)} (CPU ${ms(prep.median)}), pyramid blend ${ms(pyramid.median)}; ` +
    `network + guide + lift + detail weights + pyramid blend in a row, all on the GPU: ${ms(appWhole.median)}`,
);
console.log(
  `GPU, the app's default in one submission (gpuLearnedFuse): ${ms(residentAfterNet.median)} after the network, ${ms(resident.median)} with it ` +
    `(largest difference from the stages in a row ${residentVsStaged.toExponential(2)})`,
);

if (withCpu) {
  const predict = (i: FusionInput): Promise<Float32Array> => predictFusionWeights(i, modelPath);
  const netCpu = await timed(() => predict(input));
  const weighted = await timed(() => learnedFuse(frames, predict, { blend: 'weighted-sum' }), 1);
  const app = await timed(() => learnedFuse(frames, predict), 1);
  const total = (m: { network: number; lift: number; blend: number }): number => m.network + m.lift + m.blend;
  const diffs = {
    networkWebGpuVsWasm: maxDiff(netGpu.value, netCpu.value),
    fusedGpuVsCpuWeightedSum: maxDiff(whole.value.data, weighted.value.fused.data),
    fusedGpuVsCpuAppDefault: maxDiff(appWhole.value.data, app.value.fused.data),
    fusedAppDefaultCodes: codeDiff(appWhole.value.data, app.value.fused.data),
    fusedResidentVsCpu: maxDiff(resident.value.data, app.value.fused.data),
    fusedResidentCodes: codeDiff(resident.value.data, app.value.fused.data),
  };
  report.cpu = {
    networkMs: netCpu.all,
    weightedSum: { ms: weighted.all, stages: weighted.value.millis },
    appDefault: { blend: DEFAULT_FUSION_OPTIONS.blend, detailLevels: DEFAULT_FUSION_OPTIONS.detailLevels, ms: app.all, stages: app.value.millis },
  };
  report.diffs = diffs;
  console.log(
    `CPU (one thread): network ${ms(netCpu.median)}; learned merge, weighted sum ${ms(total(weighted.value.millis))}, ` +
      `the app's default (pyramid, detail levels) ${ms(total(app.value.millis))}`,
  );
  console.log(
    `CPU / GPU: network ${(netCpu.median / netGpu.median).toPrecision(3)}x; merge, weighted sum ${(total(weighted.value.millis) / whole.median).toPrecision(3)}x; ` +
      `merge, the app's default ${(total(app.value.millis) / appWhole.median).toPrecision(3)}x, in one submission ${(total(app.value.millis) / resident.median).toPrecision(3)}x`,
  );
  console.log(
    `largest difference: weights WebGPU vs WASM ${diffs.networkWebGpuVsWasm.toExponential(2)}; fused (linear 0..1) GPU vs CPU, weighted sum ` +
      `${diffs.fusedGpuVsCpuWeightedSum.toExponential(2)}, the app's default ${diffs.fusedGpuVsCpuAppDefault.toExponential(2)} ` +
      `(mean ${diffs.fusedAppDefaultCodes.mean.toExponential(2)}, ${(diffs.fusedAppDefaultCodes.overOneCode * 100).toFixed(3)} % of samples over one 8-bit code apart), ` +
      `in one submission ${diffs.fusedResidentVsCpu.toExponential(2)} (mean ${diffs.fusedResidentCodes.mean.toExponential(2)})`,
  );
}

// Tone mapping per slider move (issue 8: one frame on a GPU at 2 MP): the GPU pass with its histogram read back.
const radiance = syntheticRadiance(TW, TH);
const cache = prepareTone(radiance, autoKey(radiance), { operator: 'local-contrast' });
const tone: Record<string, { gpuMs: number; cpuMs: number | null; maxCodeDiff: number }> = {};
for (const operator of ['reinhard', 'local-contrast'] as const) {
  const gpuTone = await createGpuTone(rt.device, cache);
  let i = 0;
  const move = (): ToneSettings => ({ operator, exposure: (i++ % 10) * 0.1, saturation: 0.2 });
  const g = await timed(() => gpuTone.apply(move(), 'srgb', null), 15);
  const gpuPixels = await gpuTone.readPixels();
  gpuTone.destroy();
  i = 0;
  const c = withCpu
    ? await timed(() => {
        const out = applyTone(cache, move(), { output: 'srgb' });
        cpuHistogram(out.data);
        return out;
      }, 15)
    : null;
  tone[operator] = { gpuMs: Math.round(g.median * 10) / 10, cpuMs: c ? Math.round(c.median * 10) / 10 : null, maxCodeDiff: c ? maxDiff(gpuPixels, c.value.data) : NaN };
  console.log(`tone ${operator} at ${TW}x${TH} (${((TW * TH) / 1e6).toFixed(1)} MP), per move: GPU ${ms(g.median)}${c ? `, CPU ${ms(c.median)}; largest code difference ${tone[operator].maxCodeDiff}` : ''}`);
}
report.tone = { size: `${TW}x${TH}`, ...tone };

if (jsonPath) writeFileSync(jsonPath, JSON.stringify(report, null, 2));
rt.device.destroy();
process.exit(0);

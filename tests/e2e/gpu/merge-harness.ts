/**
 * Browser half of the GPU merge-stage tests (merge-gpu.spec.ts builds this page with Vite): runs
 * guidedLift and the weighted-sum blend on the CPU (the references) and on WebGPU over the same
 * seeded inputs and reports how far apart they are, so only small summaries cross to the test.
 */
import { probe } from './probe';
import { guidedLift } from '../../../src-shared/filters/guided-lift';
import type { LinearImage } from '../../../src-shared/image/linear-image';
import { mulberry32 } from '../../../src-shared/random';
import { getGpuRuntime, GpuDeviceLostError } from '../../../src-renderer/src/gpu/gpu-device';
import { cpuBlendWeighted, gpuBlendPyramid, gpuBlendWeighted, gpuDetailWeights, gpuGuidedLift, gpuLearnedFuse, gpuLumaGuide, PreviewMerge } from '../../../src-renderer/src/gpu/merge-gpu';
import { detailWeights, guideAndContrast, learnedFuse } from '../../../src-shared/fusion/learned-fuse';
import { fusionInput } from '../../../src-shared/fusion/fusion-input';
import { blendFrames, type CoarseWeights } from '../../../src-shared/fusion/blend';
import { normaliseWeights, workingGuide } from '../../../src-shared/fusion/lift-weights';
import { gaussianPyramid } from '../../../src-shared/merge/pyramid';

export interface Sizes {
  W: number;
  H: number;
  w: number;
  h: number;
  K: number;
  seed: number;
}

export interface LiftCase extends Sizes {
  radius: number;
  eps: number;
}

export interface DiffResult {
  name: string;
  /** Largest |GPU - CPU|. */
  maxDiff: number;
  /** Range of the CPU output, to read maxDiff against. */
  min: number;
  max: number;
  bands: number;
  /** Largest |output - the same call unbanded|, when run banded; else null. */
  bandedVsWhole: number | null;
  worst: { plane: number; x: number; y: number; cpu: number; gpu: number } | null;
  /** Mean |GPU - CPU| over every sample (set where a few samples may round across a quantum: the detail weights). */
  meanDiff?: number;
}

/** A smooth random field in 0..1: a few seeded sinusoids, plus a soft vertical edge where edge > 0. */
function field(rand: () => number, W: number, H: number, edge = 0): Float32Array {
  const waves = Array.from({ length: 4 }, () => ({ fx: (rand() * 3 + 0.5) / W, fy: (rand() * 3 + 0.5) / H, ph: rand() * 2 * Math.PI, amp: rand() }));
  const total = waves.reduce((s, v) => s + v.amp, 0);
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let v = 0;
      for (const q of waves) v += q.amp * Math.sin(2 * Math.PI * (q.fx * x + q.fy * y) + q.ph);
      v = 0.5 + (0.35 * v) / total;
      if (edge > 0) v = v * (1 - edge) + edge / (1 + Math.exp(-(x - W * 0.55) * 1.5));
      out[y * W + x] = v;
    }
  }
  return out;
}

/** Area mean of a W x H plane into w x h (sizes need not divide: each low pixel averages the full pixels whose centres fall in it). */
function downsample(src: Float32Array, W: number, H: number, w: number, h: number): Float32Array {
  const sum = new Float64Array(w * h);
  const count = new Float64Array(w * h);
  for (let y = 0; y < H; y++) {
    const ly = Math.min(h - 1, Math.floor(((y + 0.5) * h) / H));
    for (let x = 0; x < W; x++) {
      const i = ly * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / W));
      sum[i] += src[y * W + x];
      count[i]++;
    }
  }
  return Float32Array.from(sum, (s, i) => s / count[i]);
}

function liftInputs(c: Sizes): { guideFull: Float32Array; guideLow: Float32Array; maps: Float32Array[] } {
  const rand = mulberry32(c.seed);
  const guideFull = field(rand, c.W, c.H, 0.4);
  // Fine texture the low resolution cannot see: what the lift must carry over.
  for (let i = 0; i < guideFull.length; i++) guideFull[i] += 0.04 * (rand() - 0.5);
  const guideLow = downsample(guideFull, c.W, c.H, c.w, c.h);
  const maps = Array.from({ length: c.K }, () => field(rand, c.w, c.h));
  return { guideFull, guideLow, maps };
}

function diffPlanes(name: string, W: number, cpu: Float32Array[], gpu: Float32Array[], bands: number): DiffResult {
  let maxDiff = 0;
  let min = Infinity;
  let max = -Infinity;
  let worst: DiffResult['worst'] = null;
  cpu.forEach((c, k) => {
    for (let i = 0; i < c.length; i++) {
      min = Math.min(min, c[i]);
      max = Math.max(max, c[i]);
      const d = Math.abs(c[i] - gpu[k][i]);
      // NaN on either side counts as the worst difference.
      if (d > maxDiff || Number.isNaN(d)) {
        maxDiff = Number.isNaN(d) ? Infinity : d;
        worst = { plane: k, x: i % W, y: Math.floor(i / W), cpu: c[i], gpu: gpu[k][i] };
      }
    }
  });
  return { name, maxDiff, min, max, bands, bandedVsWhole: null, worst };
}

function maxAbs(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((p, k) => p.forEach((v, i) => (m = Math.max(m, Math.abs(v - b[k][i]) || (v === b[k][i] ? 0 : Infinity)))));
  return m;
}

/** guidedLift against gpuGuidedLift per case; with maxBandBytes, also the banded GPU output against the unbanded one. */
async function compareLift(opts: { cases: LiftCase[]; maxBandBytes?: number }): Promise<DiffResult[]> {
  const { device } = await getGpuRuntime({ allowSoftware: true });
  const results: DiffResult[] = [];
  for (const c of opts.cases) {
    const { guideFull, guideLow, maps } = liftInputs(c);
    const cpu = guidedLift(guideLow, maps, c.w, c.h, guideFull, c.W, c.H, c.radius, c.eps);
    const gpu = await gpuGuidedLift(device, guideLow, maps, c.w, c.h, guideFull, c.W, c.H, c.radius, c.eps, { maxBandBytes: opts.maxBandBytes });
    const r = diffPlanes(`lift ${c.W}x${c.H} from ${c.w}x${c.h}, K=${c.K}, r=${c.radius}, eps=${c.eps}`, c.W, cpu, gpu.planes, gpu.bands);
    if (opts.maxBandBytes) r.bandedVsWhole = maxAbs(gpu.planes, (await gpuGuidedLift(device, guideLow, maps, c.w, c.h, guideFull, c.W, c.H, c.radius, c.eps)).planes);
    results.push(r);
  }
  return results;
}

/**
 * K frames of one scene at exposures a stop apart (values over 1 and a few negatives and NaN, which
 * the encode clamps), channels cycling through 3, 1 and 4; weights smooth, some negative, and zero
 * for every frame in one corner (the equal-weights branch).
 */
function blendInputs(c: Sizes): { frames: LinearImage[]; weights: Float32Array[] } {
  const rand = mulberry32(c.seed);
  const base = [field(rand, c.W, c.H, 0.3), field(rand, c.W, c.H), field(rand, c.W, c.H)];
  const layouts = [3, 1, 4] as const;
  const frames = Array.from({ length: c.K }, (_, k): LinearImage => {
    const ch = layouts[k % 3];
    const gain = 2 ** (k - (c.K - 1) / 2) * 1.5;
    const data = new Float32Array(c.W * c.H * ch);
    for (let p = 0; p < c.W * c.H; p++) for (let j = 0; j < ch; j++) data[p * ch + j] = (j === 3 ? 1 : base[j][p] ** 2.2) * gain;
    data[0] = -0.25;
    data[ch * 5] = NaN;
    return { width: c.W, height: c.H, channels: ch, data, ev: null, meta: {} };
  });
  const weights = Array.from({ length: c.K }, () => {
    const wk = field(rand, c.W, c.H).map((v) => 1.6 * v - 0.3);
    for (let y = 0; y < 6; y++) wk.fill(0, y * c.W, y * c.W + 6);
    return wk;
  });
  return { frames, weights };
}

async function compareBlend(opts: { cases: Sizes[]; maxBandBytes?: number }): Promise<DiffResult[]> {
  const { device } = await getGpuRuntime({ allowSoftware: true });
  const results: DiffResult[] = [];
  for (const c of opts.cases) {
    const { frames, weights } = blendInputs(c);
    const before = weights.map((p) => p.slice());
    const cpu = cpuBlendWeighted(frames, weights);
    const gpu = await gpuBlendWeighted(device, frames, weights, { maxBandBytes: opts.maxBandBytes });
    const r = diffPlanes(`blend ${c.W}x${c.H}, K=${c.K}`, c.W * 3, [cpu.data], [gpu.image.data], gpu.bands);
    if (maxAbs(before, weights) !== 0) throw new Error('the blend modified the caller\'s weights');
    if (opts.maxBandBytes) r.bandedVsWhole = maxAbs([gpu.image.data], [(await gpuBlendWeighted(device, frames, weights)).image.data]);
    results.push(r);
  }
  return results;
}

export interface PyramidCase extends Sizes {
  /** Detail levels: the bands from this level up blend with other weights (learned-fuse.ts's coarse), 0 for none. */
  coarseLevel: number;
}

/**
 * blendFrames(…, 'pyramid', coarse) against gpuBlendPyramid: blendInputs' frames, its weights clamped and
 * normalised (the pyramid blend takes them so), and for coarse a Gaussian level of other normalised weights.
 */
async function comparePyramid(opts: { cases: PyramidCase[] }): Promise<DiffResult[]> {
  const { device } = await getGpuRuntime({ allowSoftware: true });
  const results: DiffResult[] = [];
  for (const c of opts.cases) {
    const { frames, weights } = blendInputs(c);
    const norm = (planes: Float32Array[]): Float32Array[] => {
      const out = planes.map((p) => p.map((v) => Math.max(0, v)));
      normaliseWeights(out);
      return out;
    };
    const w = norm(weights);
    let coarse: CoarseWeights | undefined;
    if (c.coarseLevel > 0) {
      const other = norm(blendInputs({ ...c, seed: c.seed + 100 }).weights);
      coarse = { level: c.coarseLevel, weights: other.map((data) => gaussianPyramid({ width: c.W, height: c.H, channels: 1, data }, c.coarseLevel + 1)[c.coarseLevel]) };
    }
    const cpu = blendFrames(frames, w, 'pyramid', coarse);
    const gpu = await gpuBlendPyramid(device, frames, w, coarse);
    results.push(diffPlanes(`pyramid ${c.W}x${c.H}, K=${c.K}, detail levels ${c.coarseLevel}`, c.W * 3, [cpu.data], [gpu.image.data], gpu.bands));
  }
  return results;
}

/**
 * learnedFuse (the app's defaults: fast lift, pyramid blend, detail levels) around a fixed "network" (seeded positive maps
 * at working side `w`) against gpuLearnedFuse in one submission. Two results per case: the fused image (meanDiff set)
 * and the finest levels' weights (meanDiff set).
 */
async function compareLearned(opts: { cases: PyramidCase[] }): Promise<DiffResult[]> {
  const { device } = await getGpuRuntime({ allowSoftware: true });
  const results: DiffResult[] = [];
  const mean = (a: readonly Float32Array[], b: readonly Float32Array[]): number => {
    let sum = 0;
    let n = 0;
    a.forEach((p, i) => p.forEach((v, j) => ((sum += Math.abs(v - b[i][j])), n++)));
    return sum / n;
  };
  for (const c of opts.cases) {
    const { frames } = blendInputs(c);
    const input = fusionInput(frames, c.w);
    const rand = mulberry32(c.seed + 7);
    const maps = Float32Array.from(input.data, () => 0.05 + rand());
    const cpu = await learnedFuse(frames, async () => maps, { workingSide: c.w, detailLevels: c.coarseLevel });
    const guideLow = workingGuide(input.data, input.exposures, input.width, input.height, input.paddedWidth, input.paddedHeight);
    const gpu = await gpuLearnedFuse(device, frames, { maps: { ...input, data: maps }, guideLow, detailLevels: c.coarseLevel, keepWeights: true });
    const name = `${c.W}x${c.H}, K=${c.K}, working side ${c.w}, detail levels ${c.coarseLevel}`;
    const fused = diffPlanes(`fused ${name}`, c.W * 3, [cpu.fused.data], [gpu.image.data], 1);
    fused.meanDiff = mean([cpu.fused.data], [gpu.image.data]);
    const weights = diffPlanes(`weights ${name}`, c.W, cpu.weights, gpu.weights!, 1);
    weights.meanDiff = mean(cpu.weights, gpu.weights!);
    results.push(fused, weights);
  }
  return results;
}

/**
 * learned-fuse.ts's guide (the frames' mean encoded luma) and its detail weights (normaliseWeights on the lifted
 * planes, their Gaussian level `coarseLevel`, addDetail with each frame's contrast) against gpuLumaGuide and
 * gpuDetailWeights. Three results per case: the guide, the weights, the coarse weights.
 */
async function compareDetail(opts: { cases: PyramidCase[] }): Promise<DiffResult[]> {
  const { device } = await getGpuRuntime({ allowSoftware: true });
  const results: DiffResult[] = [];
  for (const c of opts.cases) {
    const { frames, weights: lifted } = blendInputs(c);
    const n = c.W * c.H;
    const level = c.coarseLevel;
    // learned-fuse.ts's own steps: the CPU reference is the code the merge runs.
    const { guide, contrast } = guideAndContrast(frames, level > 0);
    const w = lifted.map((p) => p.slice());
    normaliseWeights(w);
    const coarse = detailWeights(w, contrast, c.W, c.H, level)?.weights ?? [];
    const gpuGuide = await gpuLumaGuide(device, frames);
    const gpu = await gpuDetailWeights(device, frames, lifted, level);
    const name = `${c.W}x${c.H}, K=${c.K}, detail levels ${level}`;
    results.push(diffPlanes(`guide ${name}`, c.W, [guide!], [gpuGuide], 1));
    const detail = diffPlanes(`detail weights ${name}`, c.W, w, gpu.weights, 1);
    let sum = 0;
    w.forEach((p, i) => p.forEach((v, j) => (sum += Math.abs(v - gpu.weights[i][j]))));
    detail.meanDiff = sum / (w.length * n);
    results.push(detail);
    if (coarse.length !== (gpu.coarse?.weights.length ?? 0)) throw new Error(`${name}: ${gpu.coarse?.weights.length ?? 0} coarse planes, expected ${coarse.length}`);
    if (gpu.coarse) results.push(diffPlanes(`coarse weights ${name}`, coarse[0].width, coarse.map((p) => p.data), gpu.coarse.weights.map((p) => p.data), 1));
  }
  return results;
}

/**
 * PreviewMerge on the GPU, then its device destroyed while a blend is in flight: that call and the
 * next ones run on the CPU with the reason, and give the CPU reference exactly; a call made
 * directly on the dead device fails with GpuDeviceLostError; a fresh request gets a new device.
 * Then a session whose buffer limit cannot hold the low-resolution planes falls back too.
 */
async function deviceLoss(c: LiftCase): Promise<Record<string, unknown>> {
  const { guideFull, guideLow, maps } = liftInputs(c);
  const { frames, weights } = blendInputs(c);
  const liftArgs = [guideLow, maps, c.w, c.h, guideFull, c.W, c.H, c.radius, c.eps] as const;
  const cpuLift = guidedLift(...liftArgs);
  const cpuBlend = cpuBlendWeighted(frames, weights);
  const preview = new PreviewMerge({ gpu: { allowSoftware: true } });
  const first = await preview.lift(...liftArgs);
  const runtime = (await preview.gpuRuntime())!;
  const pending = preview.blend(frames, weights);
  runtime.device.destroy();
  const inFlight = await pending;
  const loss = await runtime.lost;
  const after = await preview.lift(...liftArgs);
  let direct = '';
  try {
    await gpuGuidedLift(runtime.device, ...liftArgs);
    direct = 'resolved';
  } catch (error) {
    direct = error instanceof GpuDeviceLostError ? `GpuDeviceLostError: ${error.loss.reason}` : `${(error as Error).name}: ${(error as Error).message}`;
  }
  const off = await new PreviewMerge({ gpu: false }).blend(frames, weights);
  const again = await getGpuRuntime({ allowSoftware: true });
  // A device that cannot take the planes (a buffer limit forced below them) is unavailable for the lift.
  const tooSmall = await new PreviewMerge({ gpu: { allowSoftware: true }, merge: { maxBandBytes: 64 } }).lift(...liftArgs);
  return {
    firstPath: first.path,
    firstVsCpu: maxAbs(first.value, cpuLift),
    loss: loss.reason,
    inFlightPath: inFlight.path,
    inFlightFallback: inFlight.fallback,
    inFlightVsCpu: maxAbs([inFlight.value.data], [cpuBlend.data]),
    afterPath: after.path,
    afterFallback: after.fallback,
    afterVsCpu: maxAbs(after.value, cpuLift),
    direct,
    offPath: off.path,
    offFallback: off.fallback,
    newDeviceAfterLoss: again.device !== runtime.device && again.loss() === null,
    unavailablePath: tooSmall.path,
    unavailableFallback: tooSmall.fallback,
    unavailableVsCpu: maxAbs(tooSmall.value, cpuLift),
  };
}

declare global {
  interface Window {
    mergeHarness: { probe: typeof probe; compareLift: typeof compareLift; compareBlend: typeof compareBlend; comparePyramid: typeof comparePyramid; compareDetail: typeof compareDetail; compareLearned: typeof compareLearned; deviceLoss: typeof deviceLoss };
  }
}

window.mergeHarness = { probe, compareLift, compareBlend, comparePyramid, compareDetail, compareLearned, deviceLoss };

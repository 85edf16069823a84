/**
 * Browser half of the WebGPU model golden tests (models-gpu.spec.ts): runs the shipped ONNX models
 * with onnxruntime-web's WebGPU execution provider on the golden inputs stored by the training
 * exports and reports how far the outputs are from the PyTorch references.
 */
import * as ort from 'onnxruntime-web/webgpu';
import { runNetTiled } from '../../../src-shared/fusion/net-tiles';

export interface ModelCase {
  model: string;
  inputName: string;
  outputName: string;
  shape: number[];
  outputShape: number[];
  /** base64 float32 little-endian. */
  input: string;
  output: string;
  label: string;
}

export interface ModelResult {
  label: string;
  maxDiff: number;
  meanDiff: number;
  range: number;
  samples: number;
}

function floats(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** One WebGPU session per model file, served from /models/. */
function sessionOf(model: string): Promise<ort.InferenceSession> {
  ort.env.wasm.wasmPaths = '/ort/';
  ort.env.wasm.numThreads = 1;
  let session = sessions.get(model);
  if (!session) {
    session = ort.InferenceSession.create(`/models/${model}`, { executionProviders: ['webgpu'] });
    sessions.set(model, session);
  }
  return session;
}

const harness = {
  async probe(): Promise<{ available: boolean; reason: string; adapter: string }> {
    if (!('gpu' in navigator)) return { available: false, reason: 'navigator.gpu is missing', adapter: '' };
    const adapter = await (navigator as unknown as { gpu: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string } } | null> } }).gpu.requestAdapter();
    if (!adapter) return { available: false, reason: 'no WebGPU adapter', adapter: '' };
    return { available: true, reason: '', adapter: `${adapter.info?.vendor ?? '?'} ${adapter.info?.architecture ?? ''}`.trim() };
  },

  async run(cases: ModelCase[]): Promise<ModelResult[]> {
    const results: ModelResult[] = [];
    for (const c of cases) {
      const s = await sessionOf(c.model);
      const out = (await s.run({ [c.inputName]: new ort.Tensor('float32', floats(c.input), c.shape) }))[c.outputName];
      if (out.dims.join('x') !== c.outputShape.join('x')) throw new Error(`${c.label}: output ${out.dims.join('x')}, expected ${c.outputShape.join('x')}`);
      const got = (await out.getData()) as Float32Array;
      const want = floats(c.output);
      let max = 0;
      let sum = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < want.length; i++) {
        const d = Math.abs(got[i] - want[i]);
        if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
        sum += Number.isNaN(d) ? Infinity : d;
        lo = Math.min(lo, want[i]);
        hi = Math.max(hi, want[i]);
      }
      results.push({ label: c.label, maxDiff: max, meanDiff: sum / want.length, range: hi - lo, samples: want.length });
    }
    return results;
  },

  /**
   * The fusion network on WebGPU over a K x h x w input of smooth shapes, whole and in tiles of at most
   * maxPixels (net-tiles.ts, with `halo`): the largest |tiled - whole| and how many tiles ran.
   */
  async tiledFusion(k: number, h: number, w: number, maxPixels: number, halo: number): Promise<{ maxDiff: number; tiles: number; range: number }> {
    const s = await sessionOf('fusion.onnx');
    const data = new Float32Array(k * h * w);
    for (let j = 0; j < k; j++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) data[(j * h + y) * w + x] = Math.min(1, (0.5 + 0.5 * Math.sin(x / 17) * Math.cos(y / 11)) * 2 ** (j - 1) * 0.9);
      }
    }
    const run = async (d: Float32Array, dims: readonly number[]): Promise<Float32Array> => {
      const out = (await s.run({ exposures: new ort.Tensor('float32', d, [...dims]) })).weights;
      const got = (await out.getData()) as Float32Array;
      out.dispose();
      return got;
    };
    const whole = await run(data, [1, k, h, w]);
    const tiled = await runNetTiled(data, [1, k, h, w], maxPixels, run, halo);
    let max = 0;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < whole.length; i++) {
      const d = Math.abs(tiled.output[i] - whole[i]);
      if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
      lo = Math.min(lo, whole[i]);
      hi = Math.max(hi, whole[i]);
    }
    return { maxDiff: max, tiles: tiled.tiles, range: hi - lo };
  },
};

declare global {
  interface Window {
    modelHarness: typeof harness;
  }
}
window.modelHarness = harness;

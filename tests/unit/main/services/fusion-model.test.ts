/**
 * The learned fusion model through onnxruntime-web's WASM backend in Node: golden agreement with the
 * PyTorch reference outputs stored by training/fusion/export.py, weights that are a partition of
 * unity for any number of exposures, the full-resolution lift, named errors, and the CLI path.
 * (The same golden cases under WebGPU in Chromium are a later test: tests/e2e, not written yet.)
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import {
  defaultModelPath,
  FusionModelLoadError,
  FusionModelMissingError,
  fuseLearned,
  predictFusionWeights,
  releaseFusionSessions,
} from '../../../../src-main/services/fusion-model';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import type { FusionInput } from '../../../../src-shared/fusion/fusion-input';
import { liftWeights } from '../../../../src-shared/fusion/lift-weights';
import { defaultWorkingSide } from '../../../../src-shared/fusion/meta';
import { createLinearImage, type LinearImage } from '../../../../src-shared/image/linear-image';
import { writeBracket } from '../../helpers/bracket-fixture';

interface GoldenCase {
  shape: [number, number, number, number];
  input: string;
  output: string;
}
const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../fixtures/models/fusion-golden.json'), 'utf8')) as {
  tolerance: number;
  cases: GoldenCase[];
};

const floats = (b64: string): Float32Array => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};

const inputOf = (c: GoldenCase): FusionInput => {
  const [, k, h, w] = c.shape;
  return { data: floats(c.input), exposures: k, width: w, height: h, paddedWidth: w, paddedHeight: h };
};

function expectPartitionOfUnity(planes: Float32Array[], tol: number): void {
  let worst = 0;
  for (let p = 0; p < planes[0].length; p++) {
    let s = 0;
    for (const plane of planes) {
      expect(plane[p]).toBeGreaterThanOrEqual(0);
      s += plane[p];
    }
    worst = Math.max(worst, Math.abs(s - 1));
  }
  expect(worst).toBeLessThan(tol);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-fusion-'));
});
afterAll(async () => {
  await releaseFusionSessions();
  rmSync(dir, { recursive: true, force: true });
});

describe('fusion model (onnxruntime-web WASM in Node)', () => {
  it(`agrees with the stored PyTorch outputs within ${golden.tolerance} for K = ${golden.cases.map((c) => c.shape[1]).join(', ')}`, async () => {
    expect(golden.cases.map((c) => c.shape[1])).toEqual([2, 3, 5]);
    for (const c of golden.cases) {
      const got = await predictFusionWeights(inputOf(c));
      const want = floats(c.output);
      expect(got.length).toBe(want.length);
      let max = 0;
      for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i] - want[i]));
      expect(max).toBeLessThanOrEqual(golden.tolerance);
    }
  });

  it('returns weights that are >= 0 and sum to 1 over the exposures', async () => {
    for (const c of golden.cases) {
      const [, k, h, w] = c.shape;
      const got = await predictFusionWeights(inputOf(c));
      expectPartitionOfUnity(Array.from({ length: k }, (_, j) => got.subarray(j * h * w, (j + 1) * h * w)), 1e-5);
    }
  });

  it('lifts weights to full resolution keeping them >= 0 and summing to 1', () => {
    // Arbitrary working maps (not normalised, some negative) and a structured guide.
    const [K, w, h, W, H] = [3, 12, 8, 50, 33];
    const data = Float32Array.from({ length: K * w * h }, (_, i) => Math.sin(i * 0.7) + 0.3);
    const guide = Float32Array.from({ length: W * H }, (_, i) => ((i % W) > W / 2 ? 0.8 : 0.2) + 0.01 * Math.sin(i));
    const planes = liftWeights({ data, exposures: K, width: w, height: h, paddedWidth: w, paddedHeight: h }, guide, W, H, { radius: 4, eps: 1e-3 });
    expect(planes).toHaveLength(K);
    expectPartitionOfUnity(planes, 1e-5);
  });

  it('fuses 2, 3 and 5 frames at a size that is not a multiple of 4 into a display image', async () => {
    for (const k of [2, 3, 5]) {
      const frames: LinearImage[] = Array.from({ length: k }, (_, j) => {
        const img = createLinearImage(61, 43);
        for (let i = 0; i < img.data.length; i++) img.data[i] = Math.min(1, (0.05 + 0.5 * ((i / 3) % 61) / 61) * 2 ** (j - 1));
        return img;
      });
      const { fused, weights } = await fuseLearned(frames, { workingSide: 32 });
      expect([fused.width, fused.height]).toEqual([61, 43]);
      expectPartitionOfUnity(weights, 1e-5);
      for (const v of fused.data) expect(v >= 0 && v <= 1).toBe(true);
    }
  });

  it('runs the network at 1024 px for 2-3 frames, smaller for long brackets (never under 512), the given side when asked', async () => {
    expect([2, 3, 4, 5, 9, 12, 16].map(defaultWorkingSide)).toEqual([1024, 1024, 887, 793, 591, 512, 512]);
    expect(() => defaultWorkingSide(0)).toThrow(RangeError);
    // A 1200 px wide pair runs at 1024, so the input the network sees is 1024 wide (padded to a multiple of 4).
    const frames = [0.25, 1].map((g) => {
      const img = createLinearImage(1200, 40);
      for (let i = 0; i < img.data.length; i++) img.data[i] = Math.min(1, g * (0.1 + 0.8 * ((i % 97) / 97)));
      return img;
    });
    const seen: number[] = [];
    const { learnedFuse } = await import('../../../../src-shared/fusion/learned-fuse');
    const predict = async (input: FusionInput) => (seen.push(input.width), new Float32Array(input.data.length).fill(0.5));
    await learnedFuse(frames, predict);
    await learnedFuse(frames, predict, { workingSide: 600 });
    expect(seen).toEqual([1024, 600]);
  });

  it('names a missing model and a corrupt model', async () => {
    const c = golden.cases[0];
    await expect(predictFusionWeights(inputOf(c), join(dir, 'absent.onnx'))).rejects.toBeInstanceOf(FusionModelMissingError);
    const corrupt = join(dir, 'corrupt.onnx');
    writeFileSync(corrupt, readFileSync(defaultModelPath()).subarray(0, 500));
    await expect(predictFusionWeights(inputOf(c), corrupt)).rejects.toBeInstanceOf(FusionModelLoadError);
  });

  it('luxfuse merge --method learned writes a JPEG', async () => {
    const jpegs = writeBracket(dir, { format: 'jpeg' });
    const out = join(dir, 'learned.jpg');
    let err = '';
    let stdout = '';
    const code = await runCli(['merge', ...jpegs, '--method', 'learned', '--jpeg', out, '--json'], { out: (t) => (stdout += t), err: (t) => (err += t) });
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).method).toBe('learned');
    const img = decodeImage(new Uint8Array(readFileSync(out)), 'learned.jpg');
    expect([img.width, img.height]).toEqual([160, 112]);
  });
});

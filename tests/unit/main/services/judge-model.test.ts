/**
 * The judge network through onnxruntime-web's WASM backend in Node: golden agreement with the PyTorch
 * outputs stored by training/ghost/export.py, ghost detection on generated brackets (static stays
 * empty, moving objects are found, 2 to 5 frames), a detection deghostBracket takes, and named errors
 * for a missing or corrupt model file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeTasksDone, keptWorkerAlive, useComputeWorkers } from '../../../../src-main/compute/compute-pool';
import { defaultJudgeModelDir, judgeGhosts, JudgeModelLoadError, JudgeModelMissingError, runJudge, runJudgeKept } from '../../../../src-main/services/judge-model';
import { deghostBracket } from '../../../../src-shared/ghost/deghost';
import { bracketAroundMedian, renderDynamicBracket, type DynamicBracketOptions } from '../../../../src-shared/ghost/dynamic-bracket';
import { JUDGE_MODEL_FILE, judgeInput, type JudgeInput } from '../../../../src-shared/ghost/judge-input';
import { maskScores } from '../../../../src-shared/metrics/mask-scores';
import { radianceField } from '../../shared/merge/synthetic-bracket';
import { expandPlane } from '../../../../src-shared/image/scaled-plane';

interface GoldenCase {
  name: string;
  input_shape: [number, number, number, number];
  input: string;
  output: string;
}
const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../../fixtures/models/judge-golden.json'), 'utf8')) as { cases: GoldenCase[] };
/** PyTorch vs onnxruntime-web WASM was under 1e-6 at export; this leaves room, not slack for a wrong graph. */
const TOLERANCE = 1e-4;
const WORKER = { path: resolve(import.meta.dirname, '../../../../src-main/compute/compute-worker.ts'), tsx: true };

const floats = (b64: string): Float32Array => {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
};
const maxDiff = (a: Float32Array, b: Float32Array): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

function scene(seed: number, motion: Partial<DynamicBracketOptions>, frames = 3, width = 240, height = 160) {
  const radiance = radianceField(width, height, 8, seed);
  return renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, frames, 2), seed, objects: 0, ...motion });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-judge-model-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('judge network (onnxruntime-web WASM)', () => {
  for (const c of golden.cases) {
    it(`matches PyTorch within ${TOLERANCE} on ${c.name}`, async () => {
      const [p, , h, w] = c.input_shape;
      const input = { data: floats(c.input), width: w, height: h, paddedWidth: w, paddedHeight: h, pairs: Array.from({ length: p }, (_, i) => i + 1) } as JudgeInput;
      const out = await runJudge(input);
      const expected = floats(c.output);
      expect(out.length).toBe(expected.length);
      expect(maxDiff(out, expected)).toBeLessThan(TOLERANCE);
      expect(out.every((v) => v >= 0 && v <= 1)).toBe(true);
    });
  }

  it('has golden cases with motion and without', () => {
    expect(golden.cases.some((c) => c.name.includes('static'))).toBe(true);
    expect(golden.cases.some((c) => !c.name.includes('static'))).toBe(true);
  });

  it('leaves static brackets essentially empty (under 1%), noisy or not', async () => {
    for (const [seed, shot, read] of [
      [1, 2e-4, 5e-4],
      [2, 2e-3, 3e-3],
    ]) {
      const b = scene(seed, { objects: 2, shot, read });
      expect((await judgeGhosts(b.staticFrames, { reference: b.reference })).area).toBeLessThan(0.01);
    }
  });

  it('finds moving objects in brackets of 2, 3 and 5 frames', async () => {
    const f1s: number[] = [];
    for (const [seed, frames] of [
      [3, 2],
      [4, 3],
      [5, 3],
      [6, 5],
    ]) {
      const b = scene(seed, { objects: 2 }, frames);
      const d = await judgeGhosts(b.frames, { reference: b.reference });
      expect(d.frameMasks.filter((m) => m === null)).toHaveLength(1);
      f1s.push(maskScores(expandPlane(d.mask), b.union).f1);
    }
    expect(f1s.reduce((s, v) => s + v, 0) / f1s.length).toBeGreaterThan(0.7);
  });

  it('gives a detection deghostBracket uses as it is, and a stricter threshold masks less', async () => {
    const b = scene(7, { objects: 2 });
    const detection = await judgeGhosts(b.frames, { reference: b.reference });
    const out = deghostBracket(b.frames, { mode: 'auto', reference: b.reference, detection });
    expect(out.summary.mask).toEqual(detection.mask);
    expect(out.summary.area).toBe(detection.area);
    // Masked frames take the reference's content there; unmasked pixels stay as they were.
    const k = detection.frameMasks.findIndex((m) => m !== null && m.data.includes(1));
    expect(out.frames[k].data).not.toEqual(b.frames[k].data);
    const strict = await judgeGhosts(b.frames, { reference: b.reference, threshold: 0.9 });
    expect(strict.area).toBeLessThanOrEqual(detection.area);
    await expect(judgeGhosts(b.frames, { reference: b.reference, threshold: 1 })).rejects.toBeInstanceOf(RangeError);
  });

  it('runs on the kept worker where there are compute workers: the same probabilities, the same named errors', async () => {
    const b = scene(3, { objects: 1 }, 3, 96, 64);
    const input = judgeInput(b.frames, { reference: 1 });
    const here = await runJudge(input);
    useComputeWorkers(WORKER, 1);
    try {
      const tasks = computeTasksDone();
      expect(Array.from(await runJudgeKept(input))).toEqual(Array.from(here));
      expect(computeTasksDone() - tasks).toBe(1);
      expect(keptWorkerAlive()).toBe(true);
      await expect(runJudgeKept(input, join(dir, 'nowhere'))).rejects.toBeInstanceOf(JudgeModelMissingError);
      // judgeGhosts goes there too.
      await judgeGhosts(b.frames, { reference: 1 });
      expect(computeTasksDone() - tasks).toBe(3);
    } finally {
      useComputeWorkers(null);
    }
  }, 60_000);

  it('names a missing and a corrupt model file', async () => {
    const b = scene(1, { objects: 1 }, 2, 64, 48);
    const input = judgeInput(b.frames, { reference: 0 });
    await expect(runJudge(input, join(dir, 'nowhere'))).rejects.toBeInstanceOf(JudgeModelMissingError);
    writeFileSync(join(dir, JUDGE_MODEL_FILE), readFileSync(join(defaultJudgeModelDir(), JUDGE_MODEL_FILE)).subarray(0, 700));
    await expect(runJudge(input, dir)).rejects.toBeInstanceOf(JudgeModelLoadError);
  });
});

import { describe, expect, it } from 'vitest';
import { alignFrames, suggestReference, type AlignResult } from '../../../../src-shared/align';
import { applyAffine, type SimilarityParams } from '../../../../src-shared/align/transform';
import { BracketMismatchError } from '../../../../src-shared/errors';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { photograph, texturedScene } from './scene';

const W = 384;
const H = 256;
const scene = texturedScene(W, H);
/** The reference: mid exposure, camera at rest. */
const ref = photograph(scene, W, H, { dx: 0, dy: 0 }, 0, 1);

/** Tolerances the tests hold the similarity estimate to (8-bit frames, 1% noise, 4 stops apart). */
const TOL_PX = 0.1;
const TOL_DEG = 0.02;

function expectPose(res: AlignResult, i: number, pose: SimilarityParams, tolPx = TOL_PX, tolDeg = TOL_DEG): void {
  const r = res.report[i];
  expect(Math.abs(r.dx - pose.dx), `dx ${r.dx} vs ${pose.dx}`).toBeLessThan(tolPx);
  expect(Math.abs(r.dy - pose.dy), `dy ${r.dy} vs ${pose.dy}`).toBeLessThan(tolPx);
  expect(Math.abs(r.rotationDeg - (pose.rotationDeg ?? 0)), `rotation ${r.rotationDeg}`).toBeLessThan(tolDeg);
  expect(Math.abs(r.scale - (pose.scale ?? 1))).toBeLessThan(1e-3);
}

function expectNeverWorse(res: AlignResult): void {
  for (const r of res.report) {
    if (r.method === 'reference') continue;
    expect(r.residualAfter).toBeLessThanOrEqual(r.residualBefore + 1e-9);
  }
}

describe('alignFrames', () => {
  it('leaves a tripod bracket 4 stops apart alone: identity, the same frame objects, the full frame as crop', () => {
    const frames = [photograph(scene, W, H, { dx: 0, dy: 0 }, 4, 2), ref, photograph(scene, W, H, { dx: 0, dy: 0 }, -4, 3)];
    const res = alignFrames(frames, { reference: 1 });
    expect(res.report.map((r) => r.method)).toEqual(['none', 'reference', 'none']);
    for (let i = 0; i < 3; i++) {
      expect(res.frames[i]).toBe(frames[i]);
      expect(res.transforms[i].matrix).toEqual([1, 0, 0, 0, 1, 0]);
    }
    expect(res.crop).toEqual({ x: 0, y: 0, width: W, height: H });
    // The pixels tell the exposure difference: +4 and -4 stops.
    expect(res.report[0].exposureOffsetStops).toBeCloseTo(4, 0);
    expect(res.report[2].exposureOffsetStops).toBeCloseTo(-4, 0);
  });

  it('recovers sub-pixel shifts and rotations of 0.2 to 1 degree at 4 stops from the reference', () => {
    const poses: SimilarityParams[] = [
      { dx: 2.37, dy: -1.62 },
      { dx: -5.5, dy: 3.25, rotationDeg: 0.2 },
      { dx: 0.4, dy: 6.1, rotationDeg: -0.6 },
      { dx: -3.3, dy: -2.8, rotationDeg: 1, scale: 1.004 },
    ];
    for (const [k, pose] of poses.entries()) {
      const frames = [ref, photograph(scene, W, H, pose, 4, 10 + k), photograph(scene, W, H, pose, -4, 20 + k)];
      const res = alignFrames(frames, { reference: 0, mode: 'similarity' });
      for (const i of [1, 2]) {
        expect(res.report[i].method).toBe('similarity');
        expect(res.report[i].warped).toBe(true);
        expectPose(res, i, pose);
        expect(res.frames[i]).not.toBe(frames[i]);
        expect(res.report[i].residualAfter).toBeLessThan(0.5 * res.report[i].residualBefore);
      }
      expectNeverWorse(res);
      expect(res.frames[0]).toBe(ref);
      expect(res.report[0]).toMatchObject({ method: 'reference', dx: 0, dy: 0, rotationDeg: 0, scale: 1, warped: false });
    }
  });

  it('is not pulled off by something that moved between the frames', () => {
    const pose = { dx: 1.8, dy: -2.4, rotationDeg: 0.5 };
    const frame = photograph(scene, W, H, pose, -3, 40);
    // A walker: a 110x90 block (10% of the frame) that moved 12 px on its own.
    const walker = photograph(scene, W, H, { ...pose, dx: pose.dx + 12 }, -3, 41);
    for (let y = 120; y < 210; y++) frame.data.set(walker.data.subarray((y * W + 150) * 3, (y * W + 260) * 3), (y * W + 150) * 3);
    const res = alignFrames([ref, frame], { reference: 0 });
    expect(res.report[1].method).toBe('similarity');
    expectPose(res, 1, pose);
  });

  it('crops to the region every frame covers', () => {
    const pose = { dx: 4.6, dy: -2.2 };
    const res = alignFrames([ref, photograph(scene, W, H, pose, -3, 5)], { reference: 0 });
    // Pixel x samples the moved frame at x + 4.6: only x <= W - 1 - 4.6 come from inside it; y >= 2.2 likewise.
    expect(res.crop).toEqual({ x: 0, y: 3, width: W - 5, height: H - 3 });
  });

  it('with consume, puts each moved copy in the caller\'s array in place of its original, and aligns the same', () => {
    const still = photograph(scene, W, H, { dx: 0, dy: 0 }, 3, 7);
    const moved = photograph(scene, W, H, { dx: 4.6, dy: -2.2 }, -3, 5);
    const given = [ref, moved, still];
    const plain = alignFrames([ref, moved, still], { reference: 0 });
    const consumed = alignFrames(given, { reference: 0, consume: true });
    expect(consumed.report).toEqual(plain.report);
    expect(consumed.crop).toEqual(plain.crop);
    // The caller's array now holds what was returned: the moved frame's copy, the others as they were.
    expect(given).toEqual(consumed.frames);
    expect(given[1]).toBe(consumed.frames[1]);
    expect(given[1]).not.toBe(moved);
    expect(given[0]).toBe(ref);
    expect(given[2]).toBe(still);
    expect(Buffer.from(consumed.frames[1].data.buffer).equals(Buffer.from(plain.frames[1].data.buffer))).toBe(true);
    // Without consume the caller's array is left alone.
    const kept = [ref, moved];
    alignFrames(kept, { reference: 0 });
    expect(kept[1]).toBe(moved);
  });

  it('in translation mode moves by whole pixels, copying samples without resampling', () => {
    const pose = { dx: 7, dy: -4 };
    const moved = photograph(scene, W, H, pose, 4, 6);
    const res = alignFrames([ref, moved], { reference: 0, mode: 'translation' });
    expect(res.report[1]).toMatchObject({ method: 'translation', dx: 7, dy: -4, rotationDeg: 0, scale: 1 });
    const out = res.frames[1];
    for (const [x, y] of [
      [10, 20],
      [200, 100],
      [W - 8, H - 1],
    ]) {
      for (let c = 0; c < 3; c++) expect(out.data[(y * W + x) * 3 + c]).toBe(moved.data[((y - 4) * W + x + 7) * 3 + c]);
    }
    expect(res.crop).toEqual({ x: 0, y: 4, width: W - 7, height: H - 4 });
  });

  it('rounds a sub-pixel shift to the nearest whole pixel in translation mode', () => {
    const res = alignFrames([ref, photograph(scene, W, H, { dx: -2.3, dy: 1.7 }, -4, 7)], { reference: 0, mode: 'translation' });
    expect(res.report[1]).toMatchObject({ method: 'translation', dx: -2, dy: 2 });
    expectNeverWorse(res);
  });

  it('reports a shift beyond the cap and does not apply it', () => {
    const frames = [ref, photograph(scene, W, H, { dx: 20, dy: -3 }, 2, 8)];
    const res = alignFrames(frames, { reference: 0, maxShiftFraction: 0.02 });
    expect(res.report[1].method).toBe('none');
    expect(res.report[1].note).toMatch(/exceeds the cap of 7\.7 px; not applied/);
    expect(res.frames[1]).toBe(frames[1]);
    expect(res.transforms[1].matrix).toEqual([1, 0, 0, 0, 1, 0]);
    expect(res.report[1].residualAfter).toBe(res.report[1].residualBefore);
    // With a cap of 10% (38 px) the same shift is found.
    const ok = alignFrames(frames, { reference: 0, maxShiftFraction: 0.1 });
    expectPose(ok, 1, { dx: 20, dy: -3 });
  });

  it('falls back to translation when the rotation exceeds its cap, and says so', () => {
    const res = alignFrames([ref, photograph(scene, W, H, { dx: 1.5, dy: -0.5, rotationDeg: 1.5 }, 2, 9)], { reference: 0, maxRotationDeg: 1 });
    expect(res.report[1].method).toBe('translation');
    expect(res.report[1].note).toMatch(/rotation 1\.5\d deg exceeds the cap of 1 deg/);
    expect(res.report[1].rotationDeg).toBe(0);
    expectNeverWorse(res);
  });

  it('never makes a frame worse: an unrelated frame is left as it is', () => {
    const other = photograph(texturedScene(W, H, 10, 99), W, H, { dx: 0, dy: 0 }, 0, 4);
    const res = alignFrames([ref, other], { reference: 0 });
    expectNeverWorse(res);
    expect(res.report[1].method).toBe('none');
    expect(res.frames[1]).toBe(other);
  });

  it('does not move a frame by an estimate it cannot tell from noise, and says why', () => {
    // An unrelated frame with the caps opened wide: a 98 px shift lowers the residual by 0.05 stops only because it
    // changes which pixels overlap; moving as far again lowers it too, so nothing says the shift is motion. Before the
    // rule this frame was moved by (-74.8, -63.3). (Not every unrelated frame is caught by it: the caps do that.)
    const other = photograph(texturedScene(W, H, 10, 41), W, H, { dx: 0, dy: 0 }, -3, 41);
    const res = alignFrames([ref, other], { reference: 0, maxShiftFraction: 0.5, maxRotationDeg: 30, maxScaleChange: 0.3 });
    expect(res.report[1].method).toBe('none');
    expect(res.frames[1]).toBe(other);
    expect(res.report[1].evidence).toBeUndefined();
    expect(res.report[1].note).toMatch(/translation \(98\.\d\d px rms\) lowered the residual by 0\.05\d\d, -?\d+\.\d\d of what as much motion again adds: not told apart from noise/);
  });

  it('still moves a frame by real motion just above the smallest it applies (0.6 px)', () => {
    for (const [k, pose] of [{ dx: 0.6, dy: 0 }, { dx: 0, dy: -0.6 }, { dx: 0.45, dy: 0.45 }].entries()) {
      const res = alignFrames([ref, photograph(scene, W, H, pose, 3, 40 + k)], { reference: 0 });
      expect(res.report[1].warped, res.report[1].note).toBe(true);
      expectPose(res, 1, pose);
      // The noise test ran and passed; its figure is reported.
      expect(res.report[1].evidence).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('aligns frames too far in exposure to share pixels with the reference through their neighbours', () => {
    const poses: SimilarityParams[] = [
      { dx: 3.2, dy: -1.1, rotationDeg: 0.4 },
      { dx: 1.4, dy: 0.6, rotationDeg: 0.2 },
      { dx: 0, dy: 0 },
      { dx: -1.8, dy: 2.5, rotationDeg: -0.3 },
      { dx: -4.1, dy: 3.9, rotationDeg: -0.5 },
    ];
    const evs = [-6, -3, 0, 3, 5];
    // ev unknown: the order comes from the pixels.
    const frames = poses.map((p, i) => ({ ...photograph(scene, W, H, p, evs[i], 30 + i), ev: null }));
    const res = alignFrames(frames, { reference: 2 });
    expect(res.report[0].alignedTo).toBe(1);
    expect(res.report[4].alignedTo).toBe(3);
    expect(res.report[1].alignedTo).toBe(2);
    for (const i of [0, 1, 3, 4]) expectPose(res, i, poses[i], 0.25, 0.05);
    expectNeverWorse(res);
  });

  it('returns the frames untouched in mode off', () => {
    const frames = [ref, photograph(scene, W, H, { dx: 3, dy: 0 }, 1, 12)];
    const res = alignFrames(frames, { reference: 1, mode: 'off' });
    expect(res.frames[0]).toBe(frames[0]);
    expect(res.frames[1]).toBe(frames[1]);
    expect(res.report.map((r) => r.method)).toEqual(['none', 'reference']);
    expect(res.report[0].note).toBe('alignment off');
  });

  it('maps the crop corners of every warped frame inside that frame', () => {
    const pose = { dx: -2.5, dy: 1.5, rotationDeg: 0.8 };
    const res = alignFrames([ref, photograph(scene, W, H, pose, -2, 13)], { reference: 0 });
    const { x, y, width, height } = res.crop;
    expect(width).toBeGreaterThan(W - 12);
    for (const [cx, cy] of [
      [x, y],
      [x + width - 1, y],
      [x, y + height - 1],
      [x + width - 1, y + height - 1],
    ]) {
      const [u, v] = applyAffine(res.transforms[1].matrix, cx, cy);
      expect(u).toBeGreaterThanOrEqual(0);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThanOrEqual(W - 1);
      expect(v).toBeLessThanOrEqual(H - 1);
    }
  });

  it('rejects a bad reference and frames of different sizes', () => {
    expect(() => alignFrames([ref], { reference: 1 })).toThrow(RangeError);
    expect(() => alignFrames([], { reference: 0 })).toThrow(RangeError);
    const small: LinearImage = { ...ref, width: 10, height: 10, data: new Float32Array(300) };
    expect(() => alignFrames([ref, small], { reference: 0 })).toThrow(BracketMismatchError);
  });
});

describe('suggestReference', () => {
  it('picks the frame sharing the most usable pixels with the others, the middle one on a tie', () => {
    const evs = [-6, -3, 0, 3, 6];
    const frames = evs.map((ev, i) => photograph(scene, 96, 64, { dx: 0, dy: 0 }, ev, 50 + i));
    expect(suggestReference(frames)).toBe(2);
    expect(suggestReference([frames[0], frames[0], frames[0]])).toBe(1);
    expect(() => suggestReference([])).toThrow(RangeError);
  });
});

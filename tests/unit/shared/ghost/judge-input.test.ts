/** The judge network's pre- and post-processing on generated brackets: planes that see motion and not noise, masks and uncertainty as detect.ts returns them. */
import { describe, expect, it } from 'vitest';
import { bracketAroundMedian, renderDynamicBracket, type DynamicBracketOptions } from '../../../../src-shared/ghost/dynamic-bracket';
import { JUDGE_CHANNELS, JUDGE_SIDE, judgeDetection, judgeInput, type JudgeInput } from '../../../../src-shared/ghost/judge-input';
import { expandPlane } from '../../../../src-shared/image/scaled-plane';
import { maskScores } from '../../../../src-shared/metrics/mask-scores';
import { radianceField } from '../merge/synthetic-bracket';

function scene(seed: number, motion: Partial<DynamicBracketOptions>, width = 200, height = 150, frames = 3) {
  const radiance = radianceField(width, height, 8, seed);
  return renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, frames, 2), seed, objects: 0, ...motion });
}

/** One plane of one pair, unpadded. */
function plane(input: JudgeInput, pair: number, channel: number): Float32Array {
  const { width: w, height: h, paddedWidth: pw, paddedHeight: ph } = input;
  const out = new Float32Array(w * h);
  const base = (pair * JUDGE_CHANNELS + channel) * pw * ph;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = input.data[base + y * pw + x];
  return out;
}

/** Mean over the three distance planes of |z| where sel is 1 (or 0). */
function meanDistance(input: JudgeInput, pair: number, sel: Uint8Array, want: number): number {
  let s = 0;
  let n = 0;
  for (let c = 6; c < 9; c++) {
    const z = plane(input, pair, c);
    for (let p = 0; p < z.length; p++) {
      if (sel[p] !== want) continue;
      s += Math.abs(z[p]);
      n++;
    }
  }
  return s / n;
}

/** A probability map per pair from masks (0.9 inside, 0.1 outside), padded as the network returns it. */
function probabilities(input: JudgeInput, masks: Uint8Array[], inside = 0.9, outside = 0.1): Float32Array {
  const { width: w, height: h, paddedWidth: pw, paddedHeight: ph } = input;
  const out = new Float32Array(input.pairs.length * pw * ph).fill(outside);
  input.pairs.forEach((k, i) => {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (masks[k][y * w + x]) out[i * pw * ph + y * pw + x] = inside;
  });
  return out;
}

describe('judgeInput', () => {
  it('makes one padded stack of planes per frame but the reference', () => {
    const b = scene(1, { objects: 2 }, 202, 150);
    const input = judgeInput(b.frames, { reference: 1 });
    expect(input.pairs).toEqual([0, 2]);
    expect([input.width, input.height, input.paddedWidth, input.paddedHeight]).toEqual([202, 150, 204, 152]);
    expect(input.data.length).toBe(2 * JUDGE_CHANNELS * 204 * 152);
    expect(input.data.every(Number.isFinite)).toBe(true);
    // Frame planes and the mapped reference are levels; distances are capped at +-1.
    for (const c of [0, 3, 9, 10]) expect(Math.max(...plane(input, 0, c))).toBeLessThanOrEqual(1);
    expect(Math.min(...plane(input, 1, 6))).toBeGreaterThanOrEqual(-1);
  });

  it('sees only noise in a static bracket (under one noise unit on average), a clear conflict where an object moved', () => {
    const b = scene(3, { objects: 2 });
    const moving = judgeInput(b.frames, { reference: b.reference });
    const still = judgeInput(b.staticFrames, { reference: b.reference });
    for (const [i, k] of moving.pairs.entries()) {
      const truth = b.masks[k];
      expect(meanDistance(still, i, new Uint8Array(truth.length), 0)).toBeLessThan(0.2);
      expect(meanDistance(moving, i, truth, 1)).toBeGreaterThan(3 * meanDistance(moving, i, truth, 0));
    }
  });

  it('works at the working resolution: a wide bracket is judged at JUDGE_SIDE and masked at full size', () => {
    const b = scene(2, { objects: 1 }, 1100, 180, 2);
    const input = judgeInput(b.frames, { reference: 0 });
    expect(input.width).toBe(JUDGE_SIDE);
    expect(input.height).toBe(Math.round((180 * JUDGE_SIDE) / 1100));
    const d = judgeDetection(input, new Float32Array(input.pairs.length * input.paddedWidth * input.paddedHeight).fill(0.1));
    expect([d.width, d.height, expandPlane(d.mask).length, expandPlane(d.frameMasks[1]!).length]).toEqual([1100, 180, 1100 * 180, 1100 * 180]);
    expect(d.area).toBe(0);
  });

  it('refuses one frame, a bad reference and frames of different sizes', () => {
    const b = scene(1, { objects: 1 });
    expect(() => judgeInput(b.frames.slice(0, 1), { reference: 0 })).toThrow(RangeError);
    expect(() => judgeInput(b.frames, { reference: 3 })).toThrow(RangeError);
    const other = scene(1, { objects: 1 }, 100, 80);
    expect(() => judgeInput([b.frames[0], other.frames[1]], { reference: 0 })).toThrow(RangeError);
  });
});

describe('judgeDetection', () => {
  it('turns probabilities into masks with detect.ts morphology, uncertainty 0.5 at the threshold, and level maps', () => {
    const b = scene(4, { objects: 2 });
    const input = judgeInput(b.frames, { reference: b.reference });
    const d = judgeDetection(input, probabilities(input, b.masks));
    expect(d.reference).toBe(b.reference);
    expect(d.frameMasks[b.reference]).toBeNull();
    expect(d.fromReference[b.reference]).toBeNull();
    for (const k of input.pairs) {
      expect(maskScores(expandPlane(d.frameMasks[k]!), b.masks[k]).f1).toBeGreaterThan(0.97);
      expect(d.fromReference[k]!.median.length).toBe(3 * 256);
    }
    expect(maskScores(expandPlane(d.mask), b.union).f1).toBeGreaterThan(0.97);
    expect(Math.max(...d.uncertainty.data)).toBeCloseTo(0.9, 5);
    // A specks-only probability map is opened away.
    const specks = new Float32Array(input.pairs.length * input.paddedWidth * input.paddedHeight).fill(0.1);
    for (let i = 0; i < specks.length; i += 97) specks[i] = 0.9;
    expect(judgeDetection(input, specks).area).toBe(0);
  });

  it('above the working size keeps full-size masks per frame but only the union of their uncertainty: the largest of each pixel\'s probabilities', () => {
    // 5 frames of 1100 x 700: judged at 512 x 326, upsampled (nearest) to the frames' size.
    const b = scene(6, { objects: 2 }, 1100, 700, 5);
    const input = judgeInput(b.frames, { reference: b.reference });
    const { width: w, height: h, paddedWidth: pw, paddedHeight: ph, fullWidth: fw, fullHeight: fh } = input;
    expect([w, fw]).toEqual([JUDGE_SIDE, 1100]);
    const probability = new Float32Array(input.pairs.length * pw * ph).map((_, i) => 0.05 + 0.9 * ((Math.sin(i * 0.37) + 1) / 2));
    const d = judgeDetection(input, probability);
    expect(d.frameUncertainty.every((u) => u === null)).toBe(true);
    for (const k of input.pairs) expect(expandPlane(d.frameMasks[k]!).length).toBe(fw * fh);
    // The union is kept at the working size, and read at the frames' size as the masks are.
    expect([d.uncertainty.workWidth, d.uncertainty.workHeight, d.uncertainty.width, d.uncertainty.height]).toEqual([w, h, fw, fh]);
    const full = expandPlane(d.uncertainty);
    // At the default threshold (0.5) a frame's uncertainty is its probability: the union's is their maximum at the pixel the frame's maps are read from.
    for (const [x, y] of [[0, 0], [fw - 1, fh - 1], [537, 211], [1000, 650]]) {
      const sx = Math.min(w - 1, Math.floor(((x + 0.5) * w) / fw));
      const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / fh));
      const most = Math.max(...input.pairs.map((_, i) => probability[i * pw * ph + sy * pw + sx]));
      expect(full[y * fw + x]).toBeCloseTo(most, 6);
    }
  });

  it('moves the threshold: 0.7 is a ghost at the default, not at 0.8, and reads 0.5 at the threshold', () => {
    const b = scene(5, { objects: 2 });
    const input = judgeInput(b.frames, { reference: b.reference });
    const p = probabilities(input, b.masks, 0.7);
    expect(judgeDetection(input, p).area).toBeGreaterThan(0);
    const strict = judgeDetection(input, p, 0.8);
    expect(strict.area).toBe(0);
    expect(Math.max(...strict.uncertainty.data)).toBeLessThan(0.5);
    expect(Math.max(...judgeDetection(input, probabilities(input, b.masks, 0.7), 0.7).uncertainty.data)).toBeCloseTo(0.5, 5);
    expect(() => judgeDetection(input, p, 1)).toThrow(RangeError);
    expect(() => judgeDetection(input, p.subarray(1))).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { blendFrames } from '../../../../src-shared/fusion/blend';
import { addDetail, CONTRAST_SCALE, DETAIL_FLOOR, planeContrast } from '../../../../src-shared/fusion/detail-weights';
import { encodedLuma } from '../../../../src-shared/fusion/fusion-input';
import { learnedFuse } from '../../../../src-shared/fusion/learned-fuse';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { readTable, srgbDecodeTable, srgbEncodeTable } from '../../../../src-shared/image/srgb-tables';
import { collapse, createPlane, gaussianPyramid, laplacianPyramid, maxPyramidLevels } from '../../../../src-shared/merge/pyramid';
import { seededRandom, testImage } from '../../helpers/test-images';

/**
 * The pyramid blend written plainly (whole pyramids per frame), as blend.ts computed it before it was streamed;
 * level l of frame k blends with the Gaussian pyramid of weightsAt(l)[k] at that level.
 */
function referencePyramidBlend(frames: LinearImage[], weights: Float32Array[], weightsAt: (level: number) => Float32Array[] = () => weights): Float32Array {
  const { width: w, height: h } = frames[0];
  const levels = maxPyramidLevels(w, h);
  const enc = srgbEncodeTable();
  let acc: ReturnType<typeof createPlane>[] | null = null;
  frames.forEach((f, k) => {
    const e = createPlane(w, h, 3);
    for (let p = 0; p < w * h; p++) {
      for (let c = 0; c < 3; c++) e.data[p * 3 + c] = readTable(enc, f.data[p * f.channels + (f.channels === 1 ? 0 : c)]);
    }
    const lap = laplacianPyramid(e, levels);
    acc ??= lap.map((l) => createPlane(l.width, l.height, 3));
    for (let l = 0; l < levels; l++) {
      const gw = gaussianPyramid({ width: w, height: h, channels: 1, data: weightsAt(l)[k] }, l + 1)[l];
      for (let p = 0; p < gw.data.length; p++) for (let c = 0; c < 3; c++) acc[l].data[p * 3 + c] += gw.data[p] * lap[l].data[p * 3 + c];
    }
  });
  const out = collapse(acc!, true).data;
  const dec = srgbDecodeTable();
  return out.map((v) => readTable(dec, v));
}

/** |4-neighbour Laplacian| of the frame's luma as the network is given it (encodedLuma), reflect-101 borders, written plainly. */
function plainContrast(f: LinearImage): Float32Array {
  const { width: w, height: h } = f;
  const grey = encodedLuma(f);
  const m = (i: number, n: number): number => (n === 1 ? 0 : i < 0 ? 1 : i >= n ? n - 2 : i);
  return Float32Array.from({ length: w * h }, (_, p) => {
    const [x, y] = [p % w, Math.floor(p / w)];
    const g = (xx: number, yy: number): number => grey[m(yy, h) * w + m(xx, w)];
    return Math.abs(g(x - 1, y) + g(x + 1, y) + g(x, y - 1) + g(x, y + 1) - 4 * g(x, y));
  });
}

/** Each weight map's Gaussian at pyramid level `level`, as learnedFuse hands them to the blend. */
const weightsAtLevel = (weights: Float32Array[], w: number, h: number, level: number) =>
  weights.map((data) => gaussianPyramid({ width: w, height: h, channels: 1, data }, level + 1)[level]);

const contrastOf = (frames: LinearImage[]): Uint16Array[] => frames.map((f) => planeContrast(encodedLuma(f), f.width, f.height));

/** learnedFuse's blend with `levels` detail levels, from given weights (changed in place, as there). */
function detailBlend(frames: LinearImage[], weights: Float32Array[], levels: number): LinearImage {
  const { width: w, height: h } = frames[0];
  if (levels === 0) return blendFrames(frames, weights, 'pyramid');
  const coarse = levels < maxPyramidLevels(w, h) ? { level: levels, weights: weightsAtLevel(weights, w, h, levels) } : undefined;
  addDetail(weights, contrastOf(frames), w);
  return blendFrames(frames, weights, 'pyramid', coarse);
}

function normalisedRandomWeights(n: number, size: number, seed: number): Float32Array[] {
  const rnd = seededRandom(seed);
  const raw = Array.from({ length: n }, () => Float32Array.from({ length: size }, () => rnd()));
  return raw.map((r) => r.map((v, p) => v / raw.reduce((s, q) => s + q[p], 0)));
}

const worstDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

/** Encoded (sRGB 0..1) grey frame: base + amp on a one-pixel checkerboard in the middle rows, flat elsewhere. */
function checkerFrame(w: number, h: number, base: number, amp: number): LinearImage {
  const dec = srgbDecodeTable();
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = readTable(dec, base + (y > 8 && y < h - 8 ? ((x + y) % 2 ? amp : -amp) : 0));
  return { width: w, height: h, channels: 1, data, ev: null, meta: {} };
}

describe('blendFrames (learned fusion blend)', () => {
  it('detail levels: the finest levels blend with the weights times each frame\'s contrast, renormalised; the coarser ones with the given weights', () => {
    const [w, h] = [41, 30];
    const frames = [testImage(w, h, 3, 5), testImage(w, h, 1, 6), testImage(w, h, 3, 7)];
    const given = normalisedRandomWeights(3, w * h, 8);
    const contrast = frames.map(plainContrast);
    const stored = contrastOf(frames);
    // Stored in 16 bits: within one step of the plain |Laplacian| (half a step and float32 rounding).
    contrast.forEach((c, k) => expect(worstDiff(c, Array.from(stored[k], (q) => q / CONTRAST_SCALE))).toBeLessThanOrEqual(1 / CONTRAST_SCALE + 1e-7));
    const f = DETAIL_FLOOR;
    const c = stored.map((q) => Array.from(q, (v) => v / CONTRAST_SCALE));
    const detail = given.map((wk, k) => wk.map((v, p) => (v * (c[k][p] + f)) / given.reduce((s, q, j) => s + q[p] * (c[j][p] + f), 0)));
    const weights = given.map((wk) => wk.slice());
    const got = detailBlend(frames, weights, 3).data;
    // The caller's arrays now hold the weights full size blended with.
    expect(worstDiff(weights.flatMap((x) => [...x]), detail.flatMap((x) => [...x]))).toBeLessThan(1e-6);
    expect(worstDiff(got, referencePyramidBlend(frames, given, (l) => (l < 3 ? detail : given)))).toBeLessThan(1e-5);
    // and not the blend with the detail weights everywhere, nor the plain one.
    expect(worstDiff(got, referencePyramidBlend(frames, detail))).toBeGreaterThan(1e-3);
    expect(worstDiff(got, referencePyramidBlend(frames, given))).toBeGreaterThan(1e-3);
  });

  it('takes fine texture from the frame that has it and keeps the given weights\' tone; flat frames keep the given weights', () => {
    const [w, h] = [64, 48];
    // A textured darker frame (encoded 0.3 +- 0.1) and a flat brighter one (0.6), weighted half and half.
    const frames = [checkerFrame(w, h, 0.3, 0.1), checkerFrame(w, h, 0.6, 0)];
    const half = (): Float32Array[] => [new Float32Array(w * h).fill(0.5), new Float32Array(w * h).fill(0.5)];
    const enc = srgbEncodeTable();
    /** Mean and checkerboard amplitude of the encoded result over the textured rows' inner part. */
    const measure = (img: LinearImage): { mean: number; amp: number } => {
      let [sum, amp, n] = [0, 0, 0];
      for (let y = 16; y < h - 16; y++) {
        for (let x = 8; x < w - 8; x++) {
          const v = readTable(enc, img.data[(y * w + x) * 3]);
          sum += v;
          amp += (x + y) % 2 ? v : -v;
          n++;
        }
      }
      return { mean: sum / n, amp: amp / n };
    };
    const plain = measure(blendFrames(frames, half(), 'pyramid'));
    const weights = half();
    const detailed = measure(detailBlend(frames, weights, 3));
    const everywhere = measure(detailBlend(frames, half(), 99));
    // Plain: half the texture. With detail: nearly all of it, at the same mean tone.
    expect(plain.amp).toBeCloseTo(0.05, 2);
    expect(detailed.amp).toBeGreaterThan(0.095);
    expect(Math.abs(detailed.mean - plain.mean)).toBeLessThan(0.005);
    // Detail at every level would also move the tone towards the textured frame.
    expect(everywhere.mean).toBeLessThan(plain.mean - 0.05);
    // The textured frame's weight in its texture; where both are flat the weights stay 0.5.
    expect(weights[0][24 * w + 32]).toBeGreaterThan(0.99);
    expect(weights[0][2 * w + 32]).toBeCloseTo(0.5, 6);
  });

  it('refuses coarse weights that do not fit the pyramid, and contrast planes that do not fit the weights', () => {
    const frames = [testImage(8, 8, 3, 1), testImage(8, 8, 3, 2)];
    const weights = normalisedRandomWeights(2, 64, 3);
    expect(() => blendFrames(frames, weights, 'pyramid', { level: 0, weights: weightsAtLevel(weights, 8, 8, 0) })).toThrow(/integer level >= 1/);
    expect(() => blendFrames(frames, weights, 'pyramid', { level: 2, weights: weightsAtLevel(weights, 8, 8, 1) })).toThrow(/at level 2 must be 2x2x1, got 4x4x1/);
    expect(() => blendFrames(frames, weights, 'pyramid', { level: 1, weights: weightsAtLevel(weights.slice(1), 8, 8, 1) })).toThrow(/1 coarse weight maps for 2 frames/);
    expect(() => blendFrames(frames, weights, 'weighted-sum', { level: 1, weights: weightsAtLevel(weights, 8, 8, 1) })).toThrow(/pyramid blend only/);
    expect(() => addDetail(weights, contrastOf(frames).slice(1), 8)).toThrow(/1 contrast planes for 2 weight maps/);
  });

  it('learnedFuse blends with three detail levels by default, none when asked, and returns the weights it blended with', async () => {
    const [w, h] = [48, 40];
    const frames = [testImage(w, h, 3, 11), testImage(w, h, 3, 12)];
    // A network that always answers 0.7 / 0.3: the lift gives back constant maps.
    const predict = async (input: { data: Float32Array; paddedWidth: number; paddedHeight: number }): Promise<Float32Array> => {
      const plane = input.paddedWidth * input.paddedHeight;
      return input.data.map((_, i) => (i < plane ? 0.7 : 0.3));
    };
    const constant = (): Float32Array[] => [new Float32Array(w * h).fill(0.7), new Float32Array(w * h).fill(0.3)];
    const byDefault = await learnedFuse(frames, predict);
    const none = await learnedFuse(frames, predict, { detailLevels: 0 });
    const noDetail = blendFrames(frames, constant(), 'pyramid');
    const expected = constant();
    const withDetail = detailBlend(frames, expected, 3);
    expect(worstDiff(none.fused.data, noDetail.data)).toBeLessThan(1e-5);
    expect(worstDiff(byDefault.fused.data, withDetail.data)).toBeLessThan(1e-5);
    expect(worstDiff(byDefault.fused.data, noDetail.data)).toBeGreaterThan(1e-3);
    expect(worstDiff(byDefault.weights[0], expected[0])).toBeLessThan(1e-5);
    await expect(learnedFuse(frames, predict, { detailLevels: -1 })).rejects.toThrow(/detailLevels must be an integer >= 0/);
  });

  it('streams the pyramid blend to the same image as whole pyramids, for odd sizes, grey and RGB frames', () => {
    const [w, h] = [37, 22];
    const frames = [testImage(w, h, 3, 1), testImage(w, h, 1, 2), testImage(w, h, 3, 3)];
    const rnd = seededRandom(4);
    const raw = frames.map(() => Float32Array.from({ length: w * h }, () => rnd()));
    const weights = raw.map((r) => r.map((v, p) => v / (raw[0][p] + raw[1][p] + raw[2][p])));
    const got = blendFrames(frames, weights, 'pyramid').data;
    const want = referencePyramidBlend(frames, weights);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-5);
  });
});

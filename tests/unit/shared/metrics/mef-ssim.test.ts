import { describe, expect, it } from 'vitest';
import { downsample2x2, greyFromImage8, type Image8 } from '../../../../src-shared/metrics/grey';
import { MEF_MIN_SIDE, mefSsim, prepareMefSsim, scoreMefSsim } from '../../../../src-shared/metrics/mef-ssim';
import { prepareMefScale, scoreMefScale } from '../../../../src-shared/metrics/mef-ssim-scale';
import { literalMefScale, literalMefSsim } from './mef-ssim-literal';
import { mulberry32 as rng } from '../../../../src-shared/random';

function rgb(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Image8 {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y).map(Math.round), (y * width + x) * 3);
  }
  return { width, height, data };
}

const flat = (width: number, height: number, v: number): Image8 => rgb(width, height, () => [v, v, v]);

function noise(width: number, height: number, seed: number): Image8 {
  const r = rng(seed);
  return rgb(width, height, () => [r() * 255, r() * 255, r() * 255]);
}

/** Scene radiance with a smooth ramp, hard edges and fine texture, so that brackets clip in places. */
function radiance(x: number, y: number): [number, number, number] {
  const ramp = 2 ** ((x / 12) - 2);
  const disc = (x - 30) ** 2 + (y - 22) ** 2 < 120 ? 4 : 1;
  const texture = 1 + 0.3 * Math.sin(x * 1.3) * Math.cos(y * 0.9);
  const l = ramp * disc * texture * (y > 35 ? 0.25 : 1);
  return [l, l * 0.8, l * 1.1];
}

/** A bracket of the scene at the given stops: gamma 2.2, clipped, 8-bit. */
function bracket(width: number, height: number, stops: number[]): Image8[] {
  return stops.map((ev) => rgb(width, height, (x, y) => radiance(x, y).map((v) => 255 * Math.min(1, (v * 2 ** ev * 0.1) ** (1 / 2.2))) as [number, number, number]));
}

/** A per-pixel blend of the frames with random smooth-ish weights: a plausible but imperfect fusion. */
function blend(frames: Image8[], seed: number): Image8 {
  const r = rng(seed);
  const phase = frames.map(() => r() * 6);
  const { width, height } = frames[0];
  return rgb(width, height, (x, y) => {
    const w = frames.map((_, k) => 1 + Math.sin(x * 0.2 + y * 0.15 + phase[k]));
    const total = w.reduce((a, b) => a + b, 0);
    return [0, 1, 2].map((c) => frames.reduce((s, f, k) => s + (w[k] / total) * f.data[(y * width + x) * 3 + c], 0)) as [number, number, number];
  });
}

describe('greyFromImage8 and downsample2x2', () => {
  it('rounds 0.2989 R + 0.5870 G + 0.1140 B to whole numbers, as rgb2gray does on uint8', () => {
    const img: Image8 = { width: 3, height: 1, data: Uint8Array.from([255, 255, 255, 100, 150, 200, 1, 1, 1]) };
    expect(Array.from(greyFromImage8(img))).toEqual([255, 141, 1]);
  });

  it('takes RGBA (alpha ignored) and grey input', () => {
    expect(Array.from(greyFromImage8({ width: 1, height: 1, data: Uint8Array.from([100, 150, 200, 0]) }))).toEqual([141]);
    expect(Array.from(greyFromImage8({ width: 2, height: 1, data: Uint8Array.from([7, 9]) }))).toEqual([7, 9]);
  });

  it('averages 2x2 blocks and pads an odd last row and column after the image, not before', () => {
    const plane = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const d = downsample2x2(plane, 3, 3);
    expect([d.width, d.height]).toEqual([2, 2]);
    expect(Array.from(d.data)).toEqual([(1 + 2 + 4 + 5) / 4, (3 + 3 + 6 + 6) / 4, (7 + 8 + 7 + 8) / 4, 9]);
  });
});

describe('MEF-SSIM, vectorised, agrees with the literal per-window definition', () => {
  const cases: [string, Image8[], Image8][] = [];
  for (const k of [2, 3, 5]) {
    const frames = Array.from({ length: k }, (_, i) => noise(48, 45, 100 * k + i));
    cases.push([`${k} random exposures, blended fused, 48x45`, frames, blend(frames, 7 * k)]);
    cases.push([`${k} random exposures, unrelated random fused, 48x45`, frames, noise(48, 45, 7 * k)]);
    const stops = Array.from({ length: k }, (_, i) => 2 * i - k + 1);
    const scene = bracket(47, 50, stops);
    cases.push([`${k}-frame clipped bracket, blended fused, 47x50`, scene, blend(scene, k)]);
  }
  const structured = bracket(46, 44, [-3, 0, 3]);
  cases.push(['3-frame bracket, fused = its middle frame', structured, structured[1]]);
  cases.push(['bracket with a flat frame, fused flat', [...structured, flat(46, 44, 255)], flat(46, 44, 90)]);

  it.each(cases)('%s: score and every scale agree to 1e-6', (_, frames, fused) => {
    const fast = mefSsim(frames, fused);
    const slow = literalMefSsim(frames.map(greyFromImage8), greyFromImage8(fused), fused.width, fused.height);
    // An unrelated fused image can have a negative mean at some scale: prod(Q .^ w) is then NaN in both.
    if (Number.isNaN(slow.score)) expect(fast.score).toBeNaN();
    else expect(Math.abs(fast.score - slow.score)).toBeLessThan(1e-6);
    fast.perScale.forEach((q, s) => expect(Math.abs(q - slow.perScale[s])).toBeLessThan(1e-6));
  });

  it('gives the same quality map, window by window, at one scale (small planes, 2 and 5 exposures)', () => {
    for (const k of [2, 5]) {
      const frames = bracket(24, 19, Array.from({ length: k }, (_, i) => 3 * i - 6)).map(greyFromImage8);
      const fused = greyFromImage8(noise(24, 19, k));
      const fast = scoreMefScale(prepareMefScale(frames, 24, 19), fused);
      const slow = literalMefScale(frames, fused, 24, 19);
      expect(fast.map.length).toBe(14 * 9);
      let worst = 0;
      for (let i = 0; i < slow.map.length; i++) worst = Math.max(worst, Math.abs(fast.map[i] - slow.map[i]));
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it('returns the full-size map on request, (w-10) x (h-10), whose mean is the first scale', () => {
    const frames = bracket(50, 46, [-2, 2]);
    const r = mefSsim(frames, blend(frames, 3), { map: true });
    expect([r.mapWidth, r.mapHeight]).toEqual([40, 36]);
    expect(r.map).toHaveLength(40 * 36);
    const mean = r.map!.reduce((s, v) => s + v, 0) / r.map!.length;
    expect(mean).toBeCloseTo(r.perScale[0], 6);
    expect(mefSsim(frames, frames[0]).map).toBeUndefined();
  });
});

describe('MEF-SSIM known answers', () => {
  it('scores 1 when every exposure is the same image and the fused image is that image', () => {
    const img = bracket(60, 48, [0])[0];
    expect(mefSsim([img, img, img], img).score).toBeCloseTo(1, 6);
    const n = noise(48, 48, 1);
    expect(mefSsim([n, n], n).score).toBeCloseTo(1, 6);
  });

  it('scores about 1 when the fused image is the only exposure with structure', () => {
    const textured = noise(52, 48, 2);
    const r = mefSsim([flat(52, 48, 3), textured, flat(52, 48, 250)], textured);
    expect(r.score).toBeGreaterThan(0.999999);
    r.perScale.forEach((q) => expect(q).toBeGreaterThan(0.999999));
  });

  it('scores a flat fused image low', () => {
    const frames = [noise(48, 48, 3), noise(48, 48, 4)];
    expect(mefSsim(frames, flat(48, 48, 128)).score).toBeLessThan(0.2);
  });

  it('scores below 1 a fused image equal to an exposure that has less contrast than another', () => {
    const r = rng(5);
    const detail = Array.from({ length: 48 * 48 }, () => r() - 0.5);
    const at = (amp: number) => rgb(48, 48, (x, y) => {
      const v = 128 + amp * detail[y * 48 + x];
      return [v, v, v];
    });
    const low = at(40);
    const high = at(200);
    const lowScore = mefSsim([low, high], low).score;
    const highScore = mefSsim([low, high], high).score;
    expect(lowScore).toBeLessThan(0.9);
    expect(highScore).toBeGreaterThan(0.999);
  });

  it('does not depend on the order of the exposures', () => {
    const frames = bracket(49, 47, [-4, -1, 2, 5]);
    const fused = blend(frames, 9);
    const a = mefSsim(frames, fused);
    const b = mefSsim([frames[2], frames[0], frames[3], frames[1]], fused);
    expect(Math.abs(a.score - b.score)).toBeLessThan(1e-12);
  });

  it('scores many fused images against one prepared reference as mefSsim does', () => {
    const frames = bracket(48, 48, [-2, 1]);
    const ref = prepareMefSsim(frames);
    for (const fused of [frames[0], blend(frames, 1)]) expect(scoreMefSsim(ref, fused).score).toBe(mefSsim(frames, fused).score);
  });

  it('throws RangeError under 44 px on the short side, on size mismatch and without exposures', () => {
    expect(MEF_MIN_SIDE).toBe(44);
    expect(() => mefSsim([noise(43, 100, 1)], noise(43, 100, 2))).toThrow(RangeError);
    expect(() => mefSsim([noise(100, 43, 1)], noise(100, 43, 2))).toThrow(RangeError);
    expect(() => mefSsim([noise(44, 44, 1)], noise(44, 44, 2))).not.toThrow();
    expect(() => mefSsim([noise(48, 48, 1)], noise(48, 50, 2))).toThrow(RangeError);
    expect(() => mefSsim([], noise(48, 48, 2))).toThrow(RangeError);
  });
});

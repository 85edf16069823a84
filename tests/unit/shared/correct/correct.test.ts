import { describe, expect, it } from 'vitest';
import { correctClassical, correctLearned, type CorrectNets } from '../../../../src-shared/correct/correct';
import type { CorrectInput } from '../../../../src-shared/correct/correct-input';
import { toSrgb8 } from '../../../../src-shared/correct/display8';
import { createLinearImage } from '../../../../src-shared/image/linear-image';
import { srgbToLinear } from '../../../../src-shared/image/srgb';
import { correctlyExposedScene, exposed, psnr8 } from './correct-helpers';

const scene = correctlyExposedScene(240, 160);
const truth = exposed(scene, 0);

describe('correctClassical', () => {
  it('brings a frame 2 and 3 stops under back to the correct exposure', () => {
    for (const stops of [-2, -3]) {
      const input = exposed(scene, stops);
      const out = correctClassical(input);
      expect(out.stops).toBeGreaterThan(-stops - 0.2);
      expect(out.stops).toBeLessThan(-stops + 0.2);
      const gain = psnr8(out.ldr, truth) - psnr8(input, truth);
      expect(gain).toBeGreaterThan(10);
      expect(psnr8(out.ldr, truth)).toBeGreaterThan(28);
    }
  });

  it('darkens an over-exposed frame and fills its clipped highlights above the clip level', () => {
    const input = exposed(scene, 2);
    const out = correctClassical(input);
    expect(out.stops).toBeLessThan(-1.5);
    expect(out.clipped).toBeGreaterThan(0.2);
    expect(psnr8(out.ldr, truth) - psnr8(input, truth)).toBeGreaterThan(3);
    // A fully clipped pixel ends brighter than a plain gain would put it.
    const gain = 2 ** out.stops;
    let p = 0;
    while (!(input.data[p * 3] >= 0.999 && input.data[p * 3 + 1] >= 0.999 && input.data[p * 3 + 2] >= 0.999)) p++;
    expect(out.ldr.data[p * 3 + 1]).toBeGreaterThan(gain * 1.05);
    expect(out.hdr.data[p * 3 + 1]).toBeGreaterThan(gain * 1.05);
  });

  it('returns 3-channel images of the input size for grey and RGBA input, and never NaN', () => {
    const grey = createLinearImage(50, 30, 1);
    for (let i = 0; i < grey.data.length; i++) grey.data[i] = (i % 7) / 100;
    const rgba = createLinearImage(50, 30, 4);
    const out = [correctClassical(grey), correctClassical(rgba)];
    for (const o of out) {
      expect([o.ldr.width, o.ldr.height, o.ldr.channels]).toEqual([50, 30, 3]);
      expect(o.hdr.data.every(Number.isFinite)).toBe(true);
      expect(o.ldr.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    }
  });
});

/** Networks that return the physics (preGain x frame) with a constant log-gain added, computed from their input. */
function physicsNets(extraLog: number): CorrectNets & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    async hdr(input: CorrectInput) {
      const plane = input.paddedWidth * input.paddedHeight;
      calls.push(plane);
      const out = new Float32Array(3 * plane);
      const g = 2 ** (4 * input.data[4 * plane]);
      for (let c = 0; c < 3; c++) {
        for (let i = 0; i < plane; i++) out[c * plane + i] = Math.log(g * srgbToLinear(input.data[c * plane + i]) + 1e-4) + extraLog;
      }
      return out;
    },
    async ldr(logHdr: Float32Array) {
      return logHdr.map((v) => {
        const l = Math.min(1, Math.max(0, Math.exp(v) - 1e-4));
        return l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055;
      });
    },
  };
}

describe('correctLearned', () => {
  const input = exposed(scene, -2);

  it('with networks that add nothing, gives the pre-gained frame at full resolution', async () => {
    const nets = physicsNets(0);
    const out = await correctLearned(input, nets, { workingSide: 96, denoise: false });
    expect(nets.calls).toEqual([96 * 64]);
    const g = 2 ** out.stops;
    expect(out.stops).toBeGreaterThan(1.8);
    let worst = 0;
    for (let i = 0; i < input.data.length; i++) worst = Math.max(worst, Math.abs(out.hdr.data[i] - g * input.data[i]) / (g * input.data[i] + 1e-3));
    expect(worst).toBeLessThan(0.02);
    expect(psnr8(out.ldr, truth)).toBeGreaterThan(30);
  });

  it('lifts a log-gain from the working resolution to every full-resolution pixel', async () => {
    const base = await correctLearned(input, physicsNets(0), { workingSide: 96, denoise: false });
    const doubled = await correctLearned(input, physicsNets(Math.LN2), { workingSide: 96, denoise: false });
    expect(doubled.stops - base.stops).toBeCloseTo(1, 2);
    for (const i of [0, 1000, 50_000, input.data.length - 1]) expect(doubled.hdr.data[i]).toBeCloseTo(2 * base.hdr.data[i] + 1e-4, 3);
  });

  it('rejects networks that return the wrong shape', async () => {
    const bad: CorrectNets = { hdr: async () => new Float32Array(5), ldr: async (x) => x };
    await expect(correctLearned(input, bad, { workingSide: 96 })).rejects.toThrow(/HDR net returned 5 samples/);
  });

  it('writes 8-bit codes that round like the sRGB curve', () => {
    const img = createLinearImage(4, 1, 3);
    img.data.set([0, 0, 0, 0.18, 0.18, 0.18, 1, 1, 1, 2, -1, Number.NaN]);
    expect(Array.from(toSrgb8(img).data)).toEqual([0, 0, 0, 255, 118, 118, 118, 255, 255, 255, 255, 255, 255, 0, 0, 255]);
  });
});

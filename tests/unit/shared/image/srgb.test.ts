import { describe, expect, it } from 'vitest';
import { linearToSrgb, srgb16ToLinearLut, srgb8ToLinearLut, srgbToLinear } from '../../../../src-shared/image/srgb';

describe('sRGB transfer functions', () => {
  it('match the IEC 61966-2-1 curve at known points', () => {
    expect(srgbToLinear(0)).toBe(0);
    expect(srgbToLinear(1)).toBeCloseTo(1, 15);
    expect(srgbToLinear(0.04045)).toBeCloseTo(0.04045 / 12.92, 15); // end of the linear toe
    expect(srgbToLinear(0.5)).toBeCloseTo(0.21404114048223255, 14);
    expect(srgbToLinear(128 / 255)).toBeCloseTo(0.21586050011389926, 14);
    expect(linearToSrgb(0.0031308)).toBeCloseTo(0.0031308 * 12.92, 12);
    expect(linearToSrgb(0.18)).toBeCloseTo(0.46135612950044164, 14); // mid grey
  });

  it('are inverse to each other, continuous at the toe, and mirror negatives', () => {
    for (let i = 0; i <= 1000; i++) {
      const v = i / 1000;
      expect(linearToSrgb(srgbToLinear(v))).toBeCloseTo(v, 12);
    }
    // The standard's rounded constants leave a jump of about 2e-9 at the join; anything bigger is a bug.
    expect(Math.abs(srgbToLinear(0.04045 + 1e-12) - srgbToLinear(0.04045))).toBeLessThan(1e-8);
    expect(srgbToLinear(-0.5)).toBe(-srgbToLinear(0.5));
    expect(linearToSrgb(-0.2)).toBe(-linearToSrgb(0.2));
    expect(linearToSrgb(4)).toBeGreaterThan(1); // HDR values are not clipped
  });

  it('LUTs hold the exact curve for every 8-bit and 16-bit code', () => {
    const lut8 = srgb8ToLinearLut();
    const lut16 = srgb16ToLinearLut();
    expect(lut8.length).toBe(256);
    expect(lut16.length).toBe(65536);
    for (let c = 0; c < 256; c++) expect(lut8[c]).toBe(Math.fround(srgbToLinear(c / 255)));
    for (let c = 0; c < 65536; c += 257) expect(lut16[c]).toBe(lut8[c / 257]); // 257 * k is the 16-bit code of 8-bit k
    expect(srgb8ToLinearLut()).toBe(lut8); // built once and shared
  });
});

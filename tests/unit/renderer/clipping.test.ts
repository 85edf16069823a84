import { describe, expect, it } from 'vitest';
import { CLIP_HIGH_RGBA, CLIP_LOW_RGBA, clippingOverlay } from '../../../src-renderer/src/lib/clipping';

describe('clipping overlay', () => {
  it('paints a channel at 255 red, all channels at 0 blue, and leaves the rest transparent', () => {
    const px = (r: number, g: number, b: number) => [r, g, b, 255];
    const rgba = new Uint8ClampedArray([...px(255, 255, 255), ...px(255, 10, 10), ...px(0, 0, 0), ...px(0, 0, 1), ...px(128, 128, 128), ...px(254, 254, 254)]);
    const { data, high, low } = clippingOverlay(rgba);
    expect([high, low]).toEqual([2, 1]);
    const at = (i: number) => Array.from(data.subarray(i * 4, i * 4 + 4));
    expect(at(0)).toEqual([...CLIP_HIGH_RGBA]);
    expect(at(1)).toEqual([...CLIP_HIGH_RGBA]);
    expect(at(2)).toEqual([...CLIP_LOW_RGBA]);
    // One channel above zero is not clipped shadow; 254 is not clipped highlight.
    expect(at(3)).toEqual([0, 0, 0, 0]);
    expect(at(4)).toEqual([0, 0, 0, 0]);
    expect(at(5)).toEqual([0, 0, 0, 0]);
  });

  it('reuses a given buffer, and refuses sizes that do not match', () => {
    const rgba = new Uint8ClampedArray(8).fill(255);
    const out = new Uint8ClampedArray(8).fill(7);
    expect(clippingOverlay(rgba, out).data).toBe(out);
    expect(out[3]).toBe(255);
    expect(() => clippingOverlay(new Uint8ClampedArray(6))).toThrow(RangeError);
    expect(() => clippingOverlay(rgba, new Uint8ClampedArray(4))).toThrow(RangeError);
  });
});

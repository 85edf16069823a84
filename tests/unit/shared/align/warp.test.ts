import { describe, expect, it } from 'vitest';
import { applyAffine, invertAffine, similarity, type Affine } from '../../../../src-shared/align/transform';
import { coverageRect, intersectRects, warpFrame } from '../../../../src-shared/align/warp';
import { createLinearImage, type LinearImage } from '../../../../src-shared/image/linear-image';

/** RGB planes that are affine functions of position: bilinear resampling reproduces them exactly. */
function plane(w: number, h: number): LinearImage {
  const img = createLinearImage(w, h, 3, { sourceName: 'p.png' }, 1);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) img.data[(y * w + x) * 3 + c] = 1 + 0.5 * x - 0.25 * y + c;
  return img;
}

describe('warpFrame', () => {
  it('returns the frame itself for the identity', () => {
    const img = plane(8, 6);
    const r = warpFrame(img, [1, 0, 0, 0, 1, 0]);
    expect(r.image).toBe(img);
    expect(r.valid).toEqual({ x: 0, y: 0, width: 8, height: 6 });
  });

  it('copies whole-pixel shifts exactly, repeating the edge outside the frame', () => {
    const img = plane(10, 7);
    const r = warpFrame(img, [1, 0, 3, 0, 1, -2]);
    expect(r.image).not.toBe(img);
    expect(r.image.ev).toBe(1);
    expect(r.image.meta).toEqual(img.meta);
    expect(r.valid).toEqual({ x: 0, y: 2, width: 7, height: 5 });
    const at = (im: LinearImage, x: number, y: number) => im.data[(y * im.width + x) * 3];
    expect(at(r.image, 2, 4)).toBe(at(img, 5, 2));
    expect(at(r.image, 9, 4)).toBe(at(img, 9, 2)); // x + 3 beyond the frame: its right edge
    expect(at(r.image, 2, 0)).toBe(at(img, 5, 0)); // y - 2 above the frame: its top edge
  });

  it('resamples a similarity bilinearly: exact on affine images inside the valid rectangle', () => {
    const img = plane(60, 40);
    const t = similarity({ dx: 1.3, dy: -2.6, rotationDeg: 0.8, scale: 1.01 }, 60, 40);
    const r = warpFrame(img, t);
    const { x, y, width, height } = r.valid;
    expect(width).toBeGreaterThan(50);
    expect(height).toBeGreaterThan(30);
    for (let py = y; py < y + height; py++) {
      for (let px = x; px < x + width; px++) {
        const [u, v] = applyAffine(t.matrix, px, py);
        expect(u).toBeGreaterThanOrEqual(-1e-6);
        expect(v).toBeGreaterThanOrEqual(-1e-6);
        expect(u).toBeLessThanOrEqual(59 + 1e-6);
        expect(v).toBeLessThanOrEqual(39 + 1e-6);
        expect(r.image.data[(py * 60 + px) * 3 + 2]).toBeCloseTo(1 + 0.5 * u - 0.25 * v + 2, 4);
      }
    }
  });

  it('warping by T and then by its inverse gives back a smooth image inside the common region', () => {
    const w = 64;
    const h = 48;
    const img = createLinearImage(w, h, 1);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) img.data[y * w + x] = Math.sin(x * 0.2) * Math.cos(y * 0.15);
    const t = similarity({ dx: 0.4, dy: -0.7, rotationDeg: 0.5 }, w, h);
    const back = warpFrame(warpFrame(img, t).image, invertAffine(t.matrix));
    const inner = intersectRects(coverageRect(t.matrix, w, h), coverageRect(invertAffine(t.matrix), w, h));
    let worst = 0;
    for (let y = inner.y + 2; y < inner.y + inner.height - 2; y++) {
      for (let x = inner.x + 2; x < inner.x + inner.width - 2; x++) worst = Math.max(worst, Math.abs(back.image.data[y * w + x] - img.data[y * w + x]));
    }
    // Two bilinear passes blur a little: a few percent of the amplitude at these frequencies.
    expect(worst).toBeLessThan(0.05);
  });

  it('rejects a transform that is not finite or data of the wrong length', () => {
    const img = plane(4, 4);
    expect(() => warpFrame(img, [1, 0, NaN, 0, 1, 0] as Affine)).toThrow(RangeError);
    expect(() => warpFrame({ ...img, data: new Float32Array(3) }, [1, 0, 0.5, 0, 1, 0])).toThrow(RangeError);
  });
});

describe('coverageRect', () => {
  it('is empty when the frame is moved off the grid', () => {
    expect(coverageRect([1, 0, 50, 0, 1, 0], 20, 20).width).toBe(0);
  });

  it('shrinks by the rotation sweep at the corners', () => {
    // 1 degree about the centre of 1000x600 moves the corners ~5 px vertically and ~8.7 px horizontally... at most.
    const r = coverageRect(similarity({ dx: 0, dy: 0, rotationDeg: 1 }, 1000, 600).matrix, 1000, 600);
    expect(r.x).toBeGreaterThan(0);
    expect(r.y).toBeGreaterThan(0);
    expect(r.x).toBeLessThan(10);
    expect(r.y).toBeLessThan(14);
  });
});

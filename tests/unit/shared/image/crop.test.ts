import { describe, expect, it } from 'vitest';
import { cropImage } from '../../../../src-shared/image/crop';
import { createLinearImage } from '../../../../src-shared/image/linear-image';

describe('cropImage', () => {
  it('copies the rectangle row by row, every channel, and keeps the rest of the image', () => {
    const img = createLinearImage(4, 3, 3, { exposureTime: 0.01 }, 1.5);
    for (let i = 0; i < img.data.length; i++) img.data[i] = i;
    const out = cropImage(img, { x: 1, y: 1, width: 2, height: 2 });
    expect([out.width, out.height, out.channels, out.ev, out.meta.exposureTime]).toEqual([2, 2, 3, 1.5, 0.01]);
    // Pixel (1,1) is sample 15.., (2,1) 18.., (1,2) 27.., (2,2) 30...
    expect(Array.from(out.data)).toEqual([15, 16, 17, 18, 19, 20, 27, 28, 29, 30, 31, 32]);
    out.data[0] = -1;
    expect(img.data[15]).toBe(15);
  });

  it('refuses rectangles outside the image or not in whole pixels', () => {
    const img = createLinearImage(4, 3);
    expect(() => cropImage(img, { x: 3, y: 0, width: 2, height: 1 })).toThrow(RangeError);
    expect(() => cropImage(img, { x: 0, y: 0, width: 0, height: 1 })).toThrow(RangeError);
    expect(() => cropImage(img, { x: -1, y: 0, width: 1, height: 1 })).toThrow(RangeError);
    expect(() => cropImage(img, { x: 0.5, y: 0, width: 1, height: 1 })).toThrow(RangeError);
    expect(cropImage(img, { x: 0, y: 0, width: 4, height: 3 }).data).toEqual(img.data);
  });
});

/** A rectangle of an image, copied: x, y, width and height in whole pixels, inside the image. */
import type { LinearImage } from './linear-image';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function cropImage(img: LinearImage, rect: Rect): LinearImage {
  const { x, y, width, height } = rect;
  const whole = [x, y, width, height].every(Number.isInteger);
  if (!whole || width < 1 || height < 1 || x < 0 || y < 0 || x + width > img.width || y + height > img.height) {
    throw new RangeError(`crop ${width}x${height} at (${x}, ${y}) is not inside the ${img.width}x${img.height} image`);
  }
  const ch = img.channels;
  const data = new Float32Array(width * height * ch);
  for (let row = 0; row < height; row++) {
    const from = ((y + row) * img.width + x) * ch;
    data.set(img.data.subarray(from, from + width * ch), row * width * ch);
  }
  return { ...img, width, height, data };
}

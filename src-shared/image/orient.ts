/**
 * A frame turned the way its EXIF Orientation (TIFF tag 274) says it is shown. Cameras store a portrait shot's
 * pixels as the sensor read them and tag the file 6 or 8; every viewer turns them. The engine works on the image
 * as shown, so a vertical bracket merges, previews and exports upright (the outputs carry no orientation tag).
 *
 * Orientation, as the tag's values define it (where the stored first row and column belong):
 * 1 as stored; 2 mirrored left-right; 3 turned 180 degrees; 4 mirrored top-bottom; 5 transposed (mirrored
 * along the main diagonal); 6 turned 90 degrees clockwise; 7 transversed (mirrored along the other diagonal);
 * 8 turned 90 degrees anticlockwise.
 */
import type { LinearImage } from './linear-image';
import { frameSamples } from './samples';

/** Whether `o` is an orientation that changes the pixels (2..8). */
export function turnsImage(o: number | undefined): o is 2 | 3 | 4 | 5 | 6 | 7 | 8 {
  return o !== undefined && Number.isInteger(o) && o >= 2 && o <= 8;
}

/**
 * The image as shown for orientation `o`: a new image (width and height swapped for 5-8) in frame memory
 * (shared where the thread shares frames), or the same image for 1 and for values outside 1..8.
 */
export function orientImage(image: LinearImage, o: number | undefined): LinearImage {
  if (!turnsImage(o)) return image;
  const { width: w, height: h, channels: ch, data } = image;
  const swap = o >= 5;
  const ow = swap ? h : w;
  const oh = swap ? w : h;
  const out = frameSamples(w * h * ch);
  // Source pixel of output (x, y): sx = ax + bx*x + cx*y, sy = ay + by*x + cy*y.
  const [ax, bx, cx, ay, by, cy] = SOURCE[o](w, h);
  for (let y = 0; y < oh; y++) {
    let o0 = y * ow * ch;
    for (let x = 0; x < ow; x++) {
      const sx = ax + bx * x + cx * y;
      const sy = ay + by * x + cy * y;
      const s = (sy * w + sx) * ch;
      for (let c = 0; c < ch; c++) out[o0 + c] = data[s + c];
      o0 += ch;
    }
  }
  return { ...image, width: ow, height: oh, data: out };
}

/** The orientation that undoes `o`: the quarter turns undo each other, the rest undo themselves. */
export function inverseOrientation(o: number): number {
  return o === 6 ? 8 : o === 8 ? 6 : o;
}

/** The one orientation that turns an image as `first` and then `then` do, found on a 3 x 2 probe. */
export function composeOrientations(first: number, then: number): number {
  const probe: LinearImage = { width: 3, height: 2, channels: 1, data: Float32Array.of(0, 1, 2, 3, 4, 5), ev: null, meta: {} };
  const want = orientImage(orientImage(probe, first), then);
  for (let o = 1; o <= 8; o++) {
    const got = orientImage(probe, o);
    if (got.width === want.width && got.data.every((v, i) => v === want.data[i])) return o;
  }
  throw new Error(`internal error: no orientation turns as ${first} then ${then}`);
}

/**
 * The image turned as orientation `to` says, whatever it was turned by before (meta.orientation; absent: as
 * stored). The same image when they agree; meta.orientation says `to` after.
 */
export function reorient(image: LinearImage, to: number | undefined): LinearImage {
  const from = turnsImage(image.meta.orientation) ? image.meta.orientation : 1;
  const target = turnsImage(to) ? to : 1;
  if (from === target) return image;
  // One pass, not two (undo, then turn): the eight orientations form a group, so the pair is one of them.
  const out = orientImage(image, composeOrientations(inverseOrientation(from), target));
  const { orientation: _was, ...meta } = image.meta;
  return { ...out, meta: target === 1 ? meta : { ...meta, orientation: target } };
}

type Affine = [number, number, number, number, number, number];

/** Per orientation, the stored pixel an output pixel reads (W, H: the stored size). */
const SOURCE: Record<2 | 3 | 4 | 5 | 6 | 7 | 8, (w: number, h: number) => Affine> = {
  2: (w) => [w - 1, -1, 0, 0, 0, 1],
  3: (w, h) => [w - 1, -1, 0, h - 1, 0, -1],
  4: (_w, h) => [0, 1, 0, h - 1, 0, -1],
  5: () => [0, 0, 1, 0, 1, 0],
  6: (_w, h) => [0, 0, 1, h - 1, -1, 0],
  7: (w, h) => [w - 1, 0, -1, h - 1, -1, 0],
  8: (w) => [w - 1, 0, -1, 0, 1, 0],
};

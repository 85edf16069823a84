// Renders synthetic exposure brackets from a known radiance field, as a camera writing 8-bit sRGB would.
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { linearToSrgb, srgb8ToLinearLut } from '../../../../src-shared/image/srgb';
import { mulberry32 } from '../../../../src-shared/random';

/** Small deterministic PRNG (mulberry32) so every run renders the same pixels. */
export const rng = mulberry32;

export function gaussian(rand: () => number): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/**
 * A scene spanning about `stops` stops: a smooth log-luminance ramp across the image, blobs,
 * fine texture and colour, centred so that mid-grey (0.18) sits in the middle of the range.
 */
export function radianceField(width: number, height: number, stops = 10, seed = 1): LinearImage {
  const rand = rng(seed);
  const data = new Float32Array(width * height * 3);
  const blobs = Array.from({ length: 6 }, () => ({ x: rand() * width, y: rand() * height, r: (0.05 + rand() * 0.15) * width, s: (rand() - 0.5) * 4 }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let l = (x / (width - 1) - 0.5) * stops * 0.8 + (y / (height - 1) - 0.5) * stops * 0.2;
      for (const b of blobs) l += b.s * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
      l += 0.3 * Math.sin(x * 0.9) * Math.sin(y * 0.7) + 0.15 * (rand() - 0.5);
      const lum = 0.18 * 2 ** l;
      const hue = (x + 2 * y) / (width + height);
      const i = (y * width + x) * 3;
      // Never R = G = B: grey pixels make every Mertens weight the epsilon, which is ill-conditioned.
      data[i] = lum * (0.8 + 0.3 * hue);
      data[i + 1] = lum;
      data[i + 2] = lum * (1.25 - 0.2 * hue);
    }
  }
  return { width, height, channels: 3, data, ev: 0, meta: { sourceTransfer: 'linear', clipLevel: Infinity } };
}

export interface RenderOptions {
  /** Relative noise (std) on the linear signal before quantisation. */
  noise?: number;
  seed?: number;
  name?: string;
}

export interface RenderedFrame {
  frame: LinearImage;
  /** The 8-bit sRGB codes, interleaved RGB, as a PNG would hold them. */
  codes: Uint8Array;
}

/** One exposure: radiance * 2^ev, noise, clip at 1, sRGB encode, 8-bit quantisation, decode back to linear. */
export function renderFrame(radiance: LinearImage, ev: number, opts: RenderOptions = {}): RenderedFrame {
  const { noise = 0.005, seed = 7, name = `ev${ev}.png` } = opts;
  const rand = rng(seed);
  const gain = 2 ** ev;
  const n = radiance.width * radiance.height * 3;
  const codes = new Uint8Array(n);
  const data = new Float32Array(n);
  const lut = srgb8ToLinearLut();
  for (let i = 0; i < n; i++) {
    let v = radiance.data[i] * gain;
    if (noise > 0) v *= 1 + noise * gaussian(rand);
    v = Math.min(1, Math.max(0, v));
    const code = Math.round(linearToSrgb(v) * 255);
    codes[i] = code;
    data[i] = lut[code];
  }
  const frame: LinearImage = {
    width: radiance.width,
    height: radiance.height,
    channels: 3,
    data,
    ev,
    meta: { sourceName: name, sourceTransfer: 'srgb', sourceBits: 8, clipLevel: 1 },
  };
  return { frame, codes };
}

export function renderBracket(radiance: LinearImage, evs: number[], noise = 0.005): RenderedFrame[] {
  return evs.map((ev, i) => renderFrame(radiance, ev, { noise, seed: 100 + i, name: `frame${i}.png` }));
}

/**
 * JPEG frames through libjpeg-turbo (sharp) in Node: the same frame as jpeg-js within libjpeg's rounding and
 * chroma upsampling, grey and progressive files included; CMYK, truncated and corrupt files fall back to
 * jpeg-js (the same errors as before); readFrame takes this path and still reads the EXIF exposure.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { decodeJpegNative, decodeJpegNativeReduced, nativeJpegAvailable } from '../../../../src-main/services/native-jpeg';
import { jpegFrameHeader } from '../../../../src-shared/codecs/decode';
import { readFrame } from '../../../../src-main/services/frames';
import { decodeJpeg, encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { DecodeError } from '../../../../src-shared/errors';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { linearToSrgb } from '../../../../src-shared/image/srgb';

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-native-jpeg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.LUXFUSE_JPEG_DECODER;
});

const W = 96;
const H = 64;

/** A smooth colour gradient with one sharp-edged square, RGBA 8-bit. */
function rgba(): Uint8ClampedArray {
  const data = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * 4;
      const inSquare = x >= 40 && x < 56 && y >= 20 && y < 36;
      data[p] = inSquare ? 230 : 20 + x * 2;
      data[p + 1] = inSquare ? 40 : 30 + y * 3;
      data[p + 2] = inSquare ? 60 : 200 - x;
      data[p + 3] = 255;
    }
  }
  return data;
}

/** Largest difference between two frames' samples, in 8-bit sRGB levels. */
function levels(a: LinearImage, b: LinearImage): { max: number; share: (over: number) => number } {
  const d = Array.from(a.data, (v, i) => Math.abs(Math.round(linearToSrgb(v) * 255) - Math.round(linearToSrgb(b.data[i]) * 255)));
  return { max: Math.max(...d), share: (over) => d.filter((x) => x > over).length / d.length };
}

describe('JPEG through libjpeg-turbo', () => {
  it('is available here (sharp and its binary are installed by npm ci)', async () => {
    expect(await nativeJpegAvailable()).toBe(true);
  });

  it('decodes reduced to a longest side, the smooth parts as the full decode averages them; refuses what the full decode refuses', async () => {
    const bytes = encodeJpeg({ width: W, height: H, data: rgba() }, { quality: 95 });
    const small = (await decodeJpegNativeReduced(bytes, 'a.jpg', 24))!;
    expect([small.width, small.height, small.channels]).toEqual([24, 16, 3]);
    const full = (await decodeJpegNative(bytes, 'a.jpg'))!;
    // The 4 x 4 block at (0, 0) of the full decode against the reduced pixel (0, 0), in sRGB levels (the gradient's corner).
    for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) sum += linearToSrgb(full.data[(y * W + x) * 3 + c]) * 255;
      expect(Math.abs(linearToSrgb(small.data[c]) * 255 - sum / 16)).toBeLessThanOrEqual(3);
    }
    expect(await decodeJpegNativeReduced(bytes.subarray(0, bytes.length >> 1), 'cut.jpg', 24)).toBeNull();
  });

  it("gives jpeg-js's frame within libjpeg's rounding and upsampling: same size and metadata, linear light", async () => {
    const bytes = encodeJpeg({ width: W, height: H, data: rgba() }, { quality: 95 });
    const js = decodeJpeg(bytes, 'a.jpg');
    const native = (await decodeJpegNative(bytes, 'a.jpg'))!;
    expect(native).not.toBeNull();
    expect([native.width, native.height, native.channels]).toEqual([W, H, 3]);
    expect(native.meta).toEqual(js.meta);
    const diff = levels(native, js);
    // Rounding: 1 level; the chroma edges of the square: more, on few samples.
    expect(diff.share(1)).toBeLessThan(0.05);
    expect(diff.max).toBeLessThanOrEqual(24);
    // Away from the square, the gradient agrees within the two decoders' rounding.
    for (const [x, y] of [[5, 5], [90, 60], [20, 50]]) {
      for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        expect(Math.abs(linearToSrgb(native.data[i]) - linearToSrgb(js.data[i])) * 255).toBeLessThanOrEqual(2.01);
      }
    }
  });

  it('reads grey and progressive files', async () => {
    const grey = await sharp(Buffer.from(Uint8Array.from({ length: W * H }, (_, p) => (p % W) * 2)), { raw: { width: W, height: H, channels: 1 } })
      .toColourspace('b-w')
      .jpeg({ quality: 95 })
      .toBuffer();
    expect(jpegFrameHeader(grey)).toEqual({ width: W, height: H, components: 1 });
    const g = (await decodeJpegNative(grey, 'g.jpg'))!;
    expect(g.channels).toBe(3);
    for (let p = 0; p < W * H; p++) expect(g.data[p * 3]).toBe(g.data[p * 3 + 2]);
    expect(levels(g, decodeJpeg(grey, 'g.jpg')).max).toBeLessThanOrEqual(1);

    // Progressive, chroma subsampled 4:2:0 (sharp's default): libjpeg interpolates the chroma, jpeg-js repeats it,
    // so they differ over the whole gradient; against the source pixels libjpeg's is at least as close on average.
    const source = rgba();
    const progressive = await sharp(Buffer.from(source), { raw: { width: W, height: H, channels: 4 } }).removeAlpha().jpeg({ quality: 95, progressive: true }).toBuffer();
    const p = (await decodeJpegNative(progressive, 'p.jpg'))!;
    expect(p).not.toBeNull();
    const error = (img: LinearImage): number => {
      let sum = 0;
      for (let i = 0; i < W * H * 3; i++) sum += Math.abs(Math.round(linearToSrgb(img.data[i]) * 255) - source[Math.floor(i / 3) * 4 + (i % 3)]);
      return sum / (W * H * 3);
    };
    const native = error(p);
    const js = error(decodeJpeg(progressive, 'p.jpg'));
    expect(native).toBeLessThan(1.5);
    expect(native).toBeLessThanOrEqual(js);
  });

  it('leaves CMYK, truncated and corrupt files to jpeg-js', async () => {
    const cmyk = await sharp(Buffer.from(rgba()), { raw: { width: W, height: H, channels: 4 } }).removeAlpha().toColourspace('cmyk').jpeg().toBuffer();
    expect(jpegFrameHeader(cmyk)?.components).toBe(4);
    expect(await decodeJpegNative(cmyk, 'c.jpg')).toBeNull();
    const whole = encodeJpeg({ width: W, height: H, data: rgba() });
    expect(await decodeJpegNative(whole.subarray(0, Math.floor(whole.length * 0.6)), 't.jpg')).toBeNull();
    const scrambled = whole.slice();
    for (let i = 700; i < 900; i++) scrambled[i] = (i * 37) & 0xff;
    expect(await decodeJpegNative(scrambled, 's.jpg')).toBeNull();
  });

  it('readFrame decodes through it, still reads the EXIF exposure, and a truncated file gets the same error as with jpeg-js', async () => {
    const path = join(dir, 'shot.jpg');
    writeFileSync(path, encodeJpeg({ width: W, height: H, data: rgba() }, { exif: { exposureTime: 1 / 125, fNumber: 8, iso: 200 } }));
    const frame = await readFrame(path);
    const native = (await decodeJpegNative(readFileSync(path), path))!;
    expect(Array.from(frame.data)).toEqual(Array.from(native.data));
    expect(frame.meta.exposureTime).toBeCloseTo(1 / 125, 9);
    expect(frame.ev).toBeCloseTo(Math.log2(((1 / 125) * 2) / 64), 9);

    const cut = join(dir, 'cut.jpg');
    writeFileSync(cut, readFileSync(path).subarray(0, 900));
    const native1 = await readFrame(cut).catch((e: unknown) => e);
    process.env.LUXFUSE_JPEG_DECODER = 'js';
    const js1 = await readFrame(cut).catch((e: unknown) => e);
    expect(native1).toBeInstanceOf(DecodeError);
    expect((native1 as Error).message).toBe((js1 as Error).message);
    expect((native1 as Error).message).toContain(cut);
  });

  it('LUXFUSE_JPEG_DECODER=js turns it off', async () => {
    process.env.LUXFUSE_JPEG_DECODER = 'js';
    expect(await decodeJpegNative(encodeJpeg({ width: W, height: H, data: rgba() }), 'x.jpg')).toBeNull();
  });
});

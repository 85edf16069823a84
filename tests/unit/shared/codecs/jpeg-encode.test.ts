import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import {
  claimJpegStrips,
  encodeJpegStrip,
  joinJpeg,
  jpegBlockRows,
  jpegHeader,
  jpegQuantTable,
  jpegStripRows,
  jpegStripView,
} from '../../../../src-shared/codecs/jpeg-encode';
import type { Rgba8Image } from '../../../../src-shared/image/linear-image';
import { imagemagickTool, opencvTool, run, runOpencv, tempDir } from '../../helpers/external-tools';

const opencv = opencvTool();
const convert = imagemagickTool();
const tmp = tempDir();
afterAll(tmp.cleanup);

/** Texture, edges and smooth gradients (every Huffman path: long zero runs, large AC values, big DC steps); odd sizes. */
function picture(width: number, height: number, seed = 1): Rgba8Image {
  const data = new Uint8ClampedArray(width * height * 4);
  let s = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (s * 1103515245 + 12345) >>> 0;
      const i = (y * width + x) * 4;
      const edge = x > width / 2 ? 200 : 30;
      data[i] = (x * 255) / width;
      data[i + 1] = y < height / 3 ? edge : 128 + 100 * Math.sin((x + 2 * y) / 7);
      data[i + 2] = y > (2 * height) / 3 ? s >>> 24 : (x ^ y) & 255;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

function whole(img: Rgba8Image, quality = 92): Uint8Array {
  return joinJpeg(jpegHeader({ width: img.width, height: img.height, quality }), [encodeJpegStrip(img, quality, 0, jpegBlockRows(img.height))]);
}

/** Entropy-coded data of a baseline file: after the SOS segment, up to EOI. */
function scanData(bytes: Uint8Array): Uint8Array {
  for (let at = 2; at < bytes.length; ) {
    const marker = bytes[at + 1];
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (marker === 0xda) return bytes.subarray(at + 2 + length, bytes.length - 2);
    at += 2 + length;
  }
  throw new Error('no SOS');
}

function psnr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    if (i % 4 === 3) continue;
    se += (a[i] - b[i]) ** 2;
    n++;
  }
  return 10 * Math.log10((255 * 255) / (se / n));
}

describe('jpeg-encode', () => {
  it('scales the example quantisation tables as libjpeg does (quality 50 is Table K.1, 100 all ones)', () => {
    const k1 = [16, 11, 10, 16, 24, 40, 51, 61];
    expect(Array.from(jpegQuantTable([...k1, ...new Array<number>(56).fill(99)], 50).subarray(0, 8))).toEqual(k1);
    expect(new Set(jpegQuantTable(new Array<number>(64).fill(99), 100))).toEqual(new Set([1]));
    // libjpeg at 92: scale 16, (16 * 16 + 50) / 100 -> 3; at 10: scale 500, (99 * 500 + 50) / 100 -> 495, capped 255.
    expect(jpegQuantTable([16], 92)[0]).toBe(3);
    expect(jpegQuantTable([99], 10)[0]).toBe(255);
  });

  it('strips encoded apart and joined are the whole encode, byte for byte, however the image is cut', () => {
    for (const [w, h] of [
      [83, 61],
      [64, 64],
      [9, 200],
    ]) {
      const img = picture(w, h, w);
      const total = jpegBlockRows(h);
      const expected = whole(img);
      for (const cut of [1, 2, 3, total]) {
        const rows = Math.ceil(total / cut);
        const strips: Uint8Array[] = [];
        for (let first = 0; first < total; first += rows) strips.push(encodeJpegStrip(jpegStripView(img, first, Math.min(rows, total - first)), 92, first, total));
        expect(Buffer.compare(joinJpeg(jpegHeader({ width: w, height: h, quality: 92 }), strips), expected), `${w}x${h} in ${cut}`).toBe(0);
      }
    }
  });

  it('threads claiming strips from one counter encode each exactly once (the join is the whole encode)', () => {
    const img = picture(40, 300);
    const claim = new Int32Array(new SharedArrayBuffer(4));
    // Another thread took strip 0 first; this one claims the rest; strip 0 is encoded as that thread would.
    Atomics.add(claim, 0, 1);
    const stripRows = 5;
    const total = jpegBlockRows(img.height);
    const mine = claimJpegStrips(img, 92, stripRows, claim);
    expect(mine.map(([i]) => i)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(claimJpegStrips(img, 92, stripRows, claim)).toEqual([]);
    const strips = [encodeJpegStrip(jpegStripView(img, 0, stripRows), 92, 0, total), ...mine.map(([, b]) => b)];
    expect(Buffer.compare(joinJpeg(jpegHeader({ width: 40, height: 300, quality: 92 }), strips), whole(img))).toBe(0);
  });

  it('puts a restart marker after every block row but the last, numbered 0..7 in turn', () => {
    const img = picture(50, 8 * 19 + 3);
    const data = scanData(whole(img));
    const markers: number[] = [];
    for (let i = 0; i + 1 < data.length; i++) {
      if (data[i] !== 0xff) continue;
      const next = data[i + 1];
      expect(next === 0 || (next >= 0xd0 && next <= 0xd7), `0xFF ${next.toString(16)} at ${i}`).toBe(true);
      if (next !== 0) markers.push(next - 0xd0);
    }
    expect(markers).toEqual(Array.from({ length: 19 }, (_, k) => k % 8));
  });

  it('refuses strips that do not fit the image', () => {
    const img = picture(16, 20);
    expect(() => encodeJpegStrip(jpegStripView(img, 0, 1), 92, 0, 3)).not.toThrow();
    expect(() => encodeJpegStrip({ width: 16, height: 12, data: new Uint8ClampedArray(16 * 12 * 4) }, 92, 0, 3)).toThrow(/multiple of 8/);
    expect(() => encodeJpegStrip(img, 92, 1, 3)).toThrow(/run past/);
    expect(() => encodeJpegStrip(img, 0, 0, 3)).toThrow(/quality/);
    expect(jpegStripRows(4000, 4)).toBe(125);
    expect(jpegStripRows(100, 4)).toBe(16);
  });

  it('is as faithful as the jpeg-js encoder with the same tables at every quality, and smaller as quality falls', () => {
    const img = picture(120, 90);
    let last = Infinity;
    for (const q of [100, 92, 75, 30]) {
      const bytes = encodeJpeg(img, { quality: q });
      const ours = psnr(jpeg.decode(bytes, { useTArray: true }).data, img.data);
      const reference = jpeg.encode({ width: img.width, height: img.height, data: img.data }, q).data;
      const theirs = psnr(jpeg.decode(reference, { useTArray: true }).data, img.data);
      expect(ours, `quality ${q}`).toBeGreaterThan(theirs - 0.2);
      expect(bytes.length, `quality ${q}`).toBeLessThan(reference.length * 1.02);
      expect(bytes.length).toBeLessThan(last);
      last = bytes.length;
    }
  });

  it('writes pure noise at quality 100 whole: far past its first size guess, many 0xFF bytes stuffed', () => {
    const width = 256;
    const height = 24;
    let s = 5;
    const data = Uint8ClampedArray.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : ((s = (s * 1103515245 + 12345) >>> 0) >>> 24)));
    const img = { width, height, data };
    const bytes = encodeJpeg(img, { quality: 100 });
    // Over 3 bytes a pixel: well past the encoder's first guess of its size (1 byte a pixel).
    expect(bytes.length).toBeGreaterThan(width * height * 3);
    expect(psnr(jpeg.decode(bytes, { useTArray: true }).data, data)).toBeGreaterThan(40);
  });

  it.skipIf(opencv.skip)(opencv.title('libjpeg-turbo decodes a file with restart markers to what jpeg-js decodes'), () => {
    opencv.requireAvailable();
    const img = picture(203, 131);
    const path = join(tmp.dir, 'rst.jpg');
    const bytes = encodeJpeg(img, { quality: 92 });
    writeFileSync(path, bytes);
    runOpencv(
      `import sys, cv2, numpy as np
a = cv2.imread(sys.argv[1], cv2.IMREAD_COLOR)
np.ascontiguousarray(a[:, :, ::-1]).tofile(sys.argv[1] + '.rgb')`,
      [path],
    );
    const theirs = new Uint8Array(readFileSync(`${path}.rgb`));
    const ours = jpeg.decode(bytes, { useTArray: true }).data;
    let max = 0;
    for (let p = 0, q = 0; q < theirs.length; p += 4, q += 3) {
      for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(ours[p + c] - theirs[q + c]));
    }
    // Both decode the same coefficients; only their IDCT and colour rounding differ.
    expect(max).toBeLessThanOrEqual(3);
  });

  it.skipIf(convert.skip)(convert.title('ImageMagick reads it without a warning and estimates quality 92 from its tables'), () => {
    convert.requireAvailable();
    const path = join(tmp.dir, 'q92.jpg');
    writeFileSync(path, encodeJpeg(picture(100, 70), { quality: 92 }));
    const out = run('identify', ['-regard-warnings', '-format', '%Q %[jpeg:sampling-factor] %wx%h', path]).stdout;
    expect(out.trim()).toBe('92 1x1,1x1,1x1 100x70');
  });
});

// Radiance RGBE writer: round trips through our reader, OpenCV (rgbe.c) and pfstools, RLE and flat scanlines.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeHdr } from '../../../../src-shared/codecs/hdr-read';
import { encodeHdr } from '../../../../src-shared/codecs/hdr-write';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { externalCommand, opencvTool, run, runOpencv, tempDir } from '../../helpers/external-tools';
import { seededRandom } from '../../helpers/test-images';

const opencv = opencvTool();
const pfsin = externalCommand('pfsin', 'pfstools');
const tmp = tempDir();
afterAll(tmp.cleanup);

/** HDR-ish RGB: magnitudes 2^-10..2^12 with flat stretches (so RLE has runs) and some zeros. */
function hdrImage(width: number, height: number, seed: number): LinearImage {
  const rand = seededRandom(seed);
  const data = new Float32Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    const x = p % width;
    const flat = x % 40 < 15; // runs of identical pixels
    for (let c = 0; c < 3; c++) {
      const r = rand();
      data[p * 3 + c] = flat ? 0.75 * (c + 1) : r < 0.05 ? 0 : 2 ** (rand() * 22 - 10) * (1 + r);
    }
  }
  return { width, height, channels: 3, data, ev: null, meta: {} };
}

/** Every pixel within half an RGBE step: 1/256 of its largest channel (plus float32 rounding). */
function expectWithinRgbe(got: Float32Array, src: Float32Array): void {
  expect(got.length).toBe(src.length);
  for (let i = 0; i < src.length; i += 3) {
    const max = Math.max(src[i], src[i + 1], src[i + 2], 0);
    for (let c = 0; c < 3; c++) {
      const want = Math.max(0, src[i + c]);
      if (Math.abs(got[i + c] - want) > max / 256 + 1e-7 * max) {
        throw new Error(`pixel ${i / 3} channel ${c}: got ${got[i + c]}, source ${want}`);
      }
    }
  }
}

describe('encodeHdr', () => {
  it('writes the header strict readers want: signature, comment, EXPOSURE, PRIMARIES, FORMAT last, -Y H +X W', () => {
    const bytes = encodeHdr(hdrImage(9, 4, 1), { exposure: 0.5, comment: 'Luxfuse 1.0' });
    const text = new TextDecoder().decode(bytes.subarray(0, 150));
    expect(text.startsWith([
      '#?RADIANCE', '# Luxfuse 1.0', 'EXPOSURE=0.5', 'PRIMARIES= 0.6400 0.3300 0.3000 0.6000 0.1500 0.0600 0.3127 0.3290',
      'FORMAT=32-bit_rle_rgbe', '', '-Y 4 +X 9', '',
    ].join('\n'))).toBe(true);
    expect(new TextDecoder().decode(encodeHdr(hdrImage(9, 4, 1), { primaries: false }).subarray(0, 48)))
      .toMatch(/^#\?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 4 \+X 9\n/);
  });

  it('codes values as rgbe.c does, rounded to nearest: 1 -> (128,128,128,129)', () => {
    const img: LinearImage = { width: 1, height: 1, channels: 3, data: Float32Array.of(1, 0.5, 0.25), ev: null, meta: {} };
    const b = encodeHdr(img, { primaries: false });
    expect(Array.from(b.subarray(b.length - 4))).toEqual([128, 64, 32, 129]);
    const edge = (v: number): number[] => {
      const e = encodeHdr({ ...img, data: Float32Array.of(v, 0, 0) }, { primaries: false });
      return Array.from(e.subarray(e.length - 4));
    };
    expect(edge(255.75)).toEqual([128, 0, 0, 137]); // mantissa 255.75 rounds up to 256: next exponent
    expect(edge(0)).toEqual([0, 0, 0, 0]);
    expect(edge(-3)).toEqual([0, 0, 0, 0]);
    expect(edge(NaN)).toEqual([0, 0, 0, 0]);
    expect(edge(1e-39)).toEqual([0, 0, 0, 0]); // under 2^-128
    expect(edge(Infinity)).toEqual([255, 0, 0, 255]);
    expect(edge(3e38)).toEqual([255, 0, 0, 255]);
  });

  for (const [width, height, what] of [
    [1, 3, 'width 1 (flat)'], [7, 5, 'width 7 (flat)'], [8, 4, 'width 8 (RLE)'], [301, 17, 'width 301 (RLE)'],
    [32768, 1, 'width 32768 (flat: too wide for RLE)'],
  ] as const) {
    it(`round-trips ${what} through our reader within RGBE precision`, () => {
      const img = hdrImage(width, height, width);
      const back = decodeHdr(encodeHdr(img), 'x.hdr');
      expect([back.width, back.height, back.channels]).toEqual([width, height, 3]);
      expectWithinRgbe(back.data, img.data);
    });
  }

  it('run-length codes flat areas (and the flat option writes 4 bytes a pixel)', () => {
    const img = hdrImage(400, 20, 3);
    const rle = encodeHdr(img, { primaries: false });
    const flat = encodeHdr(img, { primaries: false, rle: false });
    const header = '#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y 20 +X 400\n'.length;
    expect(flat.length).toBe(header + 400 * 20 * 4);
    expect(rle.length).toBeLessThan(flat.length * 0.8);
    expect(decodeHdr(rle).data).toEqual(decodeHdr(flat).data);
    const black = encodeHdr({ width: 1000, height: 2, channels: 3, data: new Float32Array(6000), ev: null, meta: {} }, { primaries: false });
    expect(black.length).toBeLessThan(200);
  });

  it('writes grey as R=G=B and drops alpha', () => {
    const grey: LinearImage = { width: 10, height: 2, channels: 1, data: Float32Array.from({ length: 20 }, (_, i) => i / 3), ev: null, meta: {} };
    const back = decodeHdr(encodeHdr(grey));
    for (let p = 0; p < 20; p++) expect([back.data[p * 3 + 1], back.data[p * 3 + 2]]).toEqual([back.data[p * 3], back.data[p * 3]]);
    expectWithinRgbe(back.data, Float32Array.from({ length: 60 }, (_, i) => grey.data[Math.floor(i / 3)]));
    const rgba: LinearImage = { width: 2, height: 1, channels: 4, data: Float32Array.of(1, 2, 3, 0.5, 4, 5, 6, 1), ev: null, meta: {} };
    expect(Array.from(decodeHdr(encodeHdr(rgba)).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rejects bad sizes, channel counts, exposures and comments', () => {
    const img = hdrImage(4, 4, 1);
    expect(() => encodeHdr({ ...img, width: 0 })).toThrow(RangeError);
    expect(() => encodeHdr({ ...img, channels: 2 as never })).toThrow(RangeError);
    expect(() => encodeHdr({ ...img, data: new Float32Array(3) })).toThrow(RangeError);
    expect(() => encodeHdr(img, { exposure: 0 })).toThrow(RangeError);
    expect(() => encodeHdr(img, { comment: 'two\nlines' })).toThrow(RangeError);
  });

  it.skipIf(opencv.skip)(opencv.title('OpenCV (rgbe.c) reads our RLE and flat files to the values our reader gives'), () => {
    opencv.requireAvailable();
    for (const [width, height] of [[301, 17], [7, 5]] as const) {
      const img = hdrImage(width, height, 11);
      const path = join(tmp.dir, `cv-${width}.hdr`);
      writeFileSync(path, encodeHdr(img, { exposure: 1, comment: 'Luxfuse' }));
      const shape = runOpencv(`import sys, cv2, numpy as np
a = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
if a is None: sys.exit('OpenCV could not read ' + sys.argv[1])
np.ascontiguousarray(a[:, :, ::-1]).astype('<f4').tofile(sys.argv[1] + '.raw')
print(' '.join(map(str, a.shape)), a.dtype)`, [path]).stdout.trim();
      expect(shape).toBe(`${height} ${width} 3 float32`);
      const buf = readFileSync(`${path}.raw`);
      const got = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
      expect(got).toEqual(decodeHdr(readFileSync(path)).data);
      expectWithinRgbe(got, img.data);
    }
  });

  it.skipIf(pfsin.skip)(pfsin.title('pfstools (pfsin, pfsout to PFM) reads our file to the same values'), () => {
    pfsin.requireAvailable();
    const img = hdrImage(53, 9, 5);
    const path = join(tmp.dir, 'pfs.hdr');
    writeFileSync(path, encodeHdr(img, { comment: 'Luxfuse' }));
    run('sh', ['-c', 'pfsin "$1" | pfsout "$2"', 'sh', path, `${path}.pfm`]);
    const pfm = new Uint8Array(readFileSync(`${path}.pfm`));
    // PFM: "PF\nW H\nscale\n", then float rows bottom to top, little-endian when scale < 0.
    const text = new TextDecoder('latin1').decode(pfm.subarray(0, 40));
    const m = /^PF\n(\d+) (\d+)\n(-?[\d.]+)\n/.exec(text)!;
    expect([Number(m[1]), Number(m[2])]).toEqual([53, 9]);
    expect(Number(m[3])).toBeLessThan(0);
    const floats = new Float32Array(pfm.slice(m[0].length).buffer);
    const ours = decodeHdr(readFileSync(path)).data;
    const rowLen = 53 * 3;
    let worst = 0;
    for (let y = 0; y < 9; y++) {
      const theirs = floats.subarray((8 - y) * rowLen, (9 - y) * rowLen);
      for (let i = 0; i < rowLen; i++) {
        const o = y * rowLen + i;
        const p = o - (o % 3);
        worst = Math.max(worst, Math.abs(theirs[i] - ours[o]) / Math.max(ours[p], ours[p + 1], ours[p + 2], 1e-30));
      }
    }
    // pfstools goes through XYZ and back in float: equal to float32 rounding of the pixel's largest channel.
    expect(worst).toBeLessThan(1e-5);
  });
});

import { decode } from 'fast-png';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../../../src-shared/codecs/png';
import { decodeCommonPng } from '../../../../src-shared/codecs/png-read';
import { portableZlib } from '../../../../src-shared/codecs/zlib-backend';
import { DecodeError } from '../../../../src-shared/errors';
import { expectSame, expectedLinear, samples } from '../../helpers/test-images';

/** A PNG whose row y uses filter filters[y % filters.length], its image data split over two IDAT chunks. */
function filteredPng(width: number, height: number, colorType: 0 | 2 | 4 | 6, depth: 8 | 16, data: Uint8Array, filters: number[]): Uint8Array {
  const spp = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
  const bpp = (spp * depth) / 8;
  const n = width * bpp;
  const raw = new Uint8Array(height * (n + 1));
  for (let y = 0; y < height; y++) {
    const type = filters[y % filters.length];
    raw[y * (n + 1)] = type;
    for (let i = 0; i < n; i++) {
      const x = data[y * n + i];
      const a = i >= bpp ? data[y * n + i - bpp] : 0;
      const b = y > 0 ? data[(y - 1) * n + i] : 0;
      const c = y > 0 && i >= bpp ? data[(y - 1) * n + i - bpp] : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predicted = [0, a, b, (a + b) >> 1, paeth][type];
      raw[y * (n + 1) + 1 + i] = (x - predicted) & 255;
    }
  }
  const z = zlibSync(raw);
  const chunk = (type: string, body: Uint8Array): number[] => {
    const typed = new Uint8Array([...type].map((ch) => ch.charCodeAt(0)).concat([...body]));
    const crc = portableZlib.crc32(typed);
    const len = body.length;
    return [len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...typed, crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255];
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([depth, colorType, 0, 0, 0], 8);
  const half = z.length >> 1;
  return new Uint8Array([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
    ...chunk('IHDR', ihdr), ...chunk('IDAT', z.subarray(0, half)), ...chunk('IDAT', z.subarray(half)), ...chunk('IEND', new Uint8Array(0)),
  ]);
}

describe('decodeCommonPng (the PNG reader for 8/16-bit grey, RGB and alpha, without fast-png)', () => {
  for (const [colorType, depth] of [[2, 8], [6, 8], [0, 16], [4, 8], [6, 16]] as const) {
    it(`unfilters every filter type of colour type ${colorType}, ${depth}-bit, to the pixels fast-png reads`, () => {
      const [width, height] = [13, 11];
      const spp = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
      const bytes = samples(8, width * height * spp * (depth / 8), colorType * 10 + depth) as Uint8Array;
      const png = filteredPng(width, height, colorType, depth, bytes, [0, 1, 2, 3, 4, 4, 3, 2, 1]);
      const ref = decode(png, { checkCrc: true }); // independent of our CRC, unfiltering and inflate
      const keep = spp >= 3 ? 3 : 1;
      const kept: number[] = [];
      for (let p = 0; p < width * height; p++) for (let c = 0; c < keep; c++) kept.push(ref.data[p * spp + c]);
      const img = decodeCommonPng(png, 'f.png')!;
      expect([img.width, img.height, img.channels]).toEqual([width, height, keep]);
      expectSame(img.data, expectedLinear(depth, kept));
      expect(img.meta).toEqual({ sourceName: 'f.png', sourceTransfer: 'srgb', sourceBits: depth, clipLevel: 1 });
    });
  }

  it('leaves palettes, low bit depths and interlaced images to fast-png', () => {
    const png = filteredPng(4, 4, 2, 8, new Uint8Array(48), [0]);
    const interlaced = png.slice();
    interlaced[28] = 1; // IHDR interlace method (its CRC is checked later, by fast-png)
    expect(decodeCommonPng(interlaced)).toBeNull();
    const palette = png.slice();
    palette[25] = 3;
    expect(decodeCommonPng(palette)).toBeNull();
  });

  it('throws DecodeError for a bad CRC, a bad filter type and image data that ends early', () => {
    const data = samples(8, 8 * 8 * 3, 3) as Uint8Array;
    const flipped = filteredPng(8, 8, 2, 8, data, [1]);
    flipped[50] ^= 4;
    expect(() => decodePng(flipped, 'crc.png')).toThrow(/truncated or corrupt PNG: CRC mismatch/);
    expect(() => decodePng(filteredPng(8, 8, 2, 8, data, [5]), 'f.png')).toThrow(/filter type 5/);
    const short = filteredPng(8, 9, 2, 8, new Uint8Array(8 * 9 * 3), [0]);
    new DataView(short.buffer).setUint32(20, 10); // the header now claims a row more than the data holds
    const ihdrCrc = portableZlib.crc32(short.subarray(12, 29));
    new DataView(short.buffer).setUint32(29, ihdrCrc);
    expect(() => decodePng(short, 's.png')).toThrow(DecodeError);
  });
});

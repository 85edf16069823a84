import { describe, expect, it } from 'vitest';
import { encodeExr } from '../../../../src-shared/codecs/exr';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { parseExrHeader } from '../../../../src-shared/codecs/exr-header';
import { floatToHalf, halfToFloat } from '../../../../src-shared/codecs/half';
import { DecodeError, UnsupportedFormatError } from '../../../../src-shared/errors';
import { testImage } from '../../helpers/test-images';
import { renameExrChannels } from '../../helpers/fuzz';

function halfOf(v: number): number {
  return halfToFloat(floatToHalf(v));
}

function expectSamples(got: Float32Array, want: Float32Array, map: (v: number) => number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = Math.fround(map(want[i]));
    if (!Object.is(got[i], w)) expect.fail(`sample ${i}: got ${got[i]}, want ${w} (from ${want[i]})`);
  }
}

const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

describe('encodeExr / decodeExr', () => {
  for (const pixelType of ['half', 'float'] as const) {
    for (const compression of ['none', 'zips', 'zip'] as const) {
      for (const channels of [1, 3, 4] as const) {
        it(`round-trips ${channels}-channel ${pixelType} ${compression} values exactly (${pixelType === 'half' ? 'to half precision' : 'bit for bit'})`, () => {
          // 37 x 35: odd width, and a last ZIP block of 3 lines.
          const img = testImage(37, 35, channels, channels * 7 + compression.length);
          const bytes = encodeExr(img, { pixelType, compression });
          const back = decodeExr(bytes, 'x.exr');
          expect([back.width, back.height, back.channels]).toEqual([37, 35, channels]);
          expectSamples(back.data, img.data, pixelType === 'half' ? halfOf : (v) => v);
          expect(back.meta).toMatchObject({ sourceName: 'x.exr', sourceTransfer: 'linear', sourceBits: pixelType === 'half' ? 16 : 32, clipLevel: Infinity });
        });
      }
    }
  }

  it('defaults to half and ZIP', () => {
    const h = parseExrHeader(encodeExr(testImage(4, 4, 3)));
    expect(h.compression).toBe(3);
    expect(h.channels.map((c) => c.pixelType)).toEqual([1, 1, 1]);
  });

  it('keeps infinities and the half range limits', () => {
    const data = new Float32Array([Infinity, -Infinity, 65504, 70000, 2 ** -24, -0]);
    const back = decodeExr(encodeExr({ width: 2, height: 1, channels: 3, data, ev: null, meta: {} }));
    expect(Array.from(back.data)).toEqual([Infinity, -Infinity, 65504, Infinity, 2 ** -24, -0]);
  });

  it('writes the required header attributes, BGR channel order, Rec.709 chromaticities and a valid offset table', () => {
    const bytes = encodeExr(testImage(5, 40, 3), { compression: 'zip' });
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x76, 0x2f, 0x31, 0x01, 2, 0, 0, 0]);
    const h = parseExrHeader(bytes);
    expect(h.channels.map((c) => c.name)).toEqual(['B', 'G', 'R']);
    expect([...h.attributes.keys()]).toEqual([
      'channels', 'chromaticities', 'compression', 'dataWindow', 'displayWindow',
      'lineOrder', 'pixelAspectRatio', 'screenWindowCenter', 'screenWindowWidth',
    ]);
    const attr = (name: string): DataView => view(h.attributes.get(name)!.value);
    const chroma = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => attr('chromaticities').getFloat32(i * 4, true));
    [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329].forEach((v, i) => expect(chroma[i]).toBeCloseTo(v, 6));
    expect([0, 4, 8, 12].map((o) => attr('displayWindow').getInt32(o, true))).toEqual([0, 0, 4, 39]);
    expect(attr('lineOrder').getUint8(0)).toBe(0);
    expect(attr('pixelAspectRatio').getFloat32(0, true)).toBe(1);
    expect(attr('screenWindowWidth').getFloat32(0, true)).toBe(1);
    expect(h.attributes.get('screenWindowCenter')!.type).toBe('v2f');
    // 40 lines in 16-line blocks: 3 chunks at increasing offsets, each starting with its first scanline.
    const v = view(bytes);
    const offsets = [0, 1, 2].map((i) => v.getUint32(h.end + i * 8, true));
    expect(offsets[0]).toBe(h.end + 24);
    expect(offsets.map((o) => v.getInt32(o, true))).toEqual([0, 16, 32]);
    expect(offsets[1]).toBe(offsets[0] + 8 + v.getInt32(offsets[0] + 4, true));
    expect(offsets[2]).toBe(offsets[1] + 8 + v.getInt32(offsets[1] + 4, true));
  });

  it('names channels A,B,G,R for RGBA and Y for grey', () => {
    expect(parseExrHeader(encodeExr(testImage(3, 3, 4))).channels.map((c) => c.name)).toEqual(['A', 'B', 'G', 'R']);
    expect(parseExrHeader(encodeExr(testImage(3, 3, 1))).channels.map((c) => c.name)).toEqual(['Y']);
  });

  it('compresses smooth images and stores incompressible blocks raw, readable either way', () => {
    const smooth = testImage(64, 32, 3);
    for (let i = 0; i < smooth.data.length; i++) smooth.data[i] = (i % 192) / 64;
    const none = encodeExr(smooth, { compression: 'none' });
    expect(encodeExr(smooth, { compression: 'zip' }).length).toBeLessThan(none.length / 4);
    // Noise does not compress: the ZIP chunk must be the raw block, size = 16 lines * 64 * 3 * 2 bytes.
    const noisy = testImage(64, 16, 3);
    const bits = new Uint32Array(noisy.data.buffer);
    let seed = 99;
    for (let i = 0; i < bits.length; i++) {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      bits[i] = seed ^ (seed >>> 13);
      if ((bits[i] & 0x7f800000) === 0x7f800000) bits[i] ^= 0x40000000; // no NaN or infinity
    }
    const bytes = encodeExr(noisy, { compression: 'zip', pixelType: 'float' });
    const h = parseExrHeader(bytes);
    const off = view(bytes).getUint32(h.end, true);
    expect(view(bytes).getInt32(off + 4, true)).toBe(16 * 64 * 3 * 4);
    expectSamples(decodeExr(bytes).data, noisy.data, (v) => v);
  });

  it('reads files whose data window does not start at the origin', () => {
    const img = testImage(6, 20, 3);
    const bytes = encodeExr(img, { pixelType: 'float', compression: 'zip' });
    const h = parseExrHeader(bytes);
    const dw = view(h.attributes.get('dataWindow')!.value);
    [10, 20, 15, 39].forEach((v, i) => dw.setInt32(i * 4, v, true)); // (10,20)-(15,39)
    const v = view(bytes);
    for (let i = 0; i < 2; i++) {
      const chunk = v.getUint32(h.end + i * 8, true);
      v.setInt32(chunk, v.getInt32(chunk, true) + 20, true);
    }
    const back = decodeExr(bytes);
    expect([back.width, back.height]).toEqual([6, 20]);
    expectSamples(back.data, img.data, (x) => x);
  });

  it('rejects bad arguments with RangeError', () => {
    const img = testImage(4, 4, 3);
    expect(() => encodeExr({ ...img, data: new Float32Array(5) })).toThrow(RangeError);
    expect(() => encodeExr(img, { compression: 'b44' as 'zip' })).toThrow(RangeError);
    expect(() => encodeExr(img, { pixelType: 'uint' as 'half' })).toThrow(RangeError);
    expect(() => encodeExr({ ...img, channels: 2 as 3 })).toThrow(RangeError);
  });
});

describe('decodeExr errors', () => {
  // Smooth content, so every chunk is really compressed (a raw chunk has nothing to check).
  const smooth = testImage(20, 40, 3);
  smooth.data.forEach((_, i) => (smooth.data[i] = (i % 60) / 30));
  const good = encodeExr(smooth, { compression: 'zip' });

  it('throws DecodeError naming the file for truncation anywhere', () => {
    for (const cut of [3, 7, 30, 200, parseExrHeader(good).end + 10, good.length - 100, good.length - 1]) {
      let err: unknown;
      try {
        decodeExr(good.subarray(0, cut), 'cut.exr');
      } catch (e) {
        err = e;
      }
      expect(err, `cut at ${cut}`).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).file).toBe('cut.exr');
      expect((err as Error).message).toMatch(/EXR/);
    }
  });

  it('throws DecodeError on corrupt compressed data and bad offsets', () => {
    const h = parseExrHeader(good);
    const off = view(good).getUint32(h.end, true);
    expect(view(good).getInt32(off + 4, true)).toBeLessThan(16 * 20 * 3 * 2);
    const flipped = good.slice();
    flipped[off + 8 + 30] ^= 0x55;
    expect(() => decodeExr(flipped, 'bad.exr')).toThrow(DecodeError);
    const badOffset = good.slice();
    view(badOffset).setUint32(h.end + 8, good.length + 5, true);
    expect(() => decodeExr(badOffset, 'bad.exr')).toThrow(/outside the file/);
    const badLine = good.slice();
    view(badLine).setInt32(off, 5, true);
    expect(() => decodeExr(badLine, 'bad.exr')).toThrow(/scanline 5/);
    expect(() => decodeExr(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), 'x.exr')).toThrow(/not an OpenEXR file/);
  });

  it('throws UnsupportedFormatError for deep files and other compressions; DecodeError for a tiled or multi-part flag without its attributes', () => {
    const withVersion = (flags: number): Uint8Array => {
      const b = good.slice();
      view(b).setUint32(4, 2 | flags, true);
      return b;
    };
    // Tiled files are read (exr-tools.test.ts); one that says it is tiled but has no tile description is corrupt.
    expect(() => decodeExr(withVersion(0x200), 't.exr')).toThrow(DecodeError);
    expect(() => decodeExr(withVersion(0x200), 't.exr')).toThrow(/missing required attribute tiles/);
    // Multi-part files are read too (exr-tools.test.ts); one whose header lacks a part's chunk count is corrupt.
    expect(() => decodeExr(withVersion(0x1000), 't.exr')).toThrow(/missing required attribute chunkCount/);
    expect(() => decodeExr(withVersion(0x800), 't.exr')).toThrow(/deep/);
    const dwaa = good.slice();
    const c = parseExrHeader(dwaa).attributes.get('compression')!.value;
    c[0] = 8;
    expect(() => decodeExr(dwaa, 'p.exr')).toThrow(UnsupportedFormatError);
    expect(() => decodeExr(dwaa, 'p.exr')).toThrow(/DWAA/);
  });
});

describe('layered channel names', () => {
  it('reads a file whose only RGB is a layer ("ViewLayer.Combined.R", as Blender writes it), and says which layer', () => {
    const img = testImage(21, 13, 3, 4);
    const plain = encodeExr(img, { compression: 'zip' });
    const layered = renameExrChannels(plain, (n) => `ViewLayer.Combined.${n}`);
    expect(parseExrHeader(layered).channels.map((c) => c.name)).toEqual(['ViewLayer.Combined.B', 'ViewLayer.Combined.G', 'ViewLayer.Combined.R']);
    const back = decodeExr(layered, 'render.exr');
    expect(back.data).toEqual(decodeExr(plain, 'plain.exr').data);
    expect(back.meta.decodeWarnings).toEqual(['render.exr has no plain R, G, B channels; its layer "ViewLayer.Combined" is read']);
    // Plain R, G, B are read as before, without a warning; a layer without all three is no image.
    expect(decodeExr(plain, 'plain.exr').meta).not.toHaveProperty('decodeWarnings');
    const partial = renameExrChannels(plain, (n) => (n === 'B' ? 'depth.Z' : `beauty.${n}`));
    expect(() => decodeExr(partial, 'p.exr')).toThrow(/hold no RGB or Y image/);
  });
});

describe('EXR speed sanity', () => {
  it('encodes and decodes a 2000x1500 RGB half ZIP image in reasonable time', () => {
    const width = 2000;
    const height = 1500;
    const img = testImage(width, height, 3);
    // Photographic-like content: smooth gradients with 2% noise, so zlib works about as hard as on real images.
    let seed = 7;
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        for (let c = 0; c < 3; c++, i++) {
          seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
          img.data[i] = (0.2 + (x / width) * (c + 1) + Math.sin(y / 40)) * (1 + 0.02 * (seed / 2 ** 32));
        }
      }
    }
    const t0 = performance.now();
    const bytes = encodeExr(img);
    const t1 = performance.now();
    const back = decodeExr(bytes);
    const t2 = performance.now();
    console.log(`EXR 2000x1500 half/zip: encode ${(t1 - t0).toFixed(0)} ms, decode ${(t2 - t1).toFixed(0)} ms, ${(bytes.length / 1e6).toFixed(1)} MB`);
    expect(back.data[12345]).toBe(Math.fround(halfOf(img.data[12345])));
    // Generous bound: this is a sanity check against accidental quadratic work, not a benchmark.
    expect(t1 - t0).toBeLessThan(10_000);
  });
});

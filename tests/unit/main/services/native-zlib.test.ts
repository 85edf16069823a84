import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { encodeExr } from '../../../../src-shared/codecs/exr';
import { encodePng } from '../../../../src-shared/codecs/png';
import { encodeTiff } from '../../../../src-shared/codecs/tiff';
import { portableZlib, setZlibBackend } from '../../../../src-shared/codecs/zlib-backend';
import { nativeZlib } from '../../../../src-main/services/native-zlib';
import { externalCommand, run, tempDir } from '../../helpers/external-tools';
import { samples, testImage } from '../../helpers/test-images';

const exrmaketiled = externalCommand('exrmaketiled', 'openexr');

const STREET = resolve(import.meta.dirname, '../../../../../shared/datasets/brackets/street');

/** Decodes the same bytes with each backend. */
function both(bytes: Uint8Array, name: string): [Float32Array, Float32Array] {
  setZlibBackend(portableZlib);
  const a = decodeImage(bytes, name).data;
  setZlibBackend(nativeZlib);
  const b = decodeImage(bytes, name).data;
  return [a, b];
}

describe('native zlib backend', () => {
  afterEach(() => setZlibBackend(null));

  it('inflates and checksums exactly as the portable one, and cuts over-long data short the same way', () => {
    const data = samples(8, 200_000, 9) as Uint8Array;
    const raw = deflateSync(data).subarray(2);
    expect(Buffer.from(nativeZlib.inflateRaw(raw, data.length)).equals(Buffer.from(data))).toBe(true);
    expect(Buffer.from(nativeZlib.inflateRaw(raw, 1000))).toEqual(Buffer.from(portableZlib.inflateRaw(raw, 1000)));
    expect(() => nativeZlib.inflateRaw(raw.subarray(0, raw.length >> 1), data.length)).toThrow();
    expect(nativeZlib.crc32(data)).toBe(portableZlib.crc32(data));
    expect(nativeZlib.crc32(data.subarray(5), nativeZlib.crc32(data.subarray(0, 5)))).toBe(portableZlib.crc32(data));
  });

  it('gives the same pixels as fflate for PNG (8 and 16-bit) and Deflate TIFF', () => {
    const [w, h] = [61, 47];
    const cases: [string, Uint8Array][] = [
      ['rgba8.png', encodePng({ width: w, height: h, channels: 4, bits: 8, data: samples(8, w * h * 4, 1) as Uint8Array })],
      ['rgb16.png', encodePng({ width: w, height: h, channels: 3, bits: 16, data: samples(16, w * h * 3, 2) as Uint16Array })],
      ['rgb16.tif', encodeTiff({ width: w, height: h, channels: 3, bits: 16, compression: 'deflate', rowsPerStrip: 7, data: samples(16, w * h * 3, 3) as Uint16Array })],
    ];
    for (const [name, bytes] of cases) {
      const [a, b] = both(bytes, name);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer)), name).toBe(true);
    }
  });

  it.skipIf(!existsSync(STREET))(`gives the same pixels as fflate on the shared street bracket PNGs${existsSync(STREET) ? '' : ' (SKIPPED: ../shared/datasets is not beside this checkout)'}`, () => {
    for (const name of ['DSC_0092.png', 'DSC_0096.png']) {
      const [a, b] = both(new Uint8Array(readFileSync(join(STREET, name))), name);
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer)), name).toBe(true);
    }
  });

  it.skipIf(exrmaketiled.skip)(exrmaketiled.title("writes ZIP/ZIPS EXR and Deflate TIFF through zlib's run-length coding: same pixels back, OpenEXR reads them, at most 10 % over zlibRle"), () => {
    exrmaketiled.requireAvailable();
    const { dir, cleanup } = tempDir();
    try {
      // Smooth, as a photograph's radiance is: random samples would not compress and be stored raw by both.
      const image = { ...testImage(203, 45, 3, 4), meta: {} };
      image.data = Float32Array.from(image.data, (_, i) => Math.fround(1 + Math.sin(i / 300) + ((i % 3) * (i >> 7)) / 900));
      const [w, h] = [61, 47];
      const tiffData = samples(16, w * h * 3, 5) as Uint16Array;
      for (const compression of ['zip', 'zips'] as const) {
        setZlibBackend(portableZlib);
        const portable = encodeExr(image, { compression });
        setZlibBackend(nativeZlib);
        const native = encodeExr(image, { compression });
        expect(Buffer.from(native).equals(Buffer.from(portable))).toBe(false);
        // 0.8 % larger on the 24 MP bench radiance; on this small synthetic image 4.5 %.
        expect(native.length).toBeLessThan(portable.length * 1.1);
        expect(Array.from(decodeImage(native, 'n.exr').data)).toEqual(Array.from(decodeImage(portable, 'p.exr').data));
        const file = join(dir, `${compression}.exr`);
        writeFileSync(file, native);
        run('exrmaketiled', [file, join(dir, `${compression}.tiled.exr`)]);
      }
      const tiff = { width: w, height: h, channels: 3 as const, bits: 16 as const, compression: 'deflate' as const, rowsPerStrip: 7, data: tiffData };
      setZlibBackend(nativeZlib);
      const [a, b] = both(encodeTiff(tiff), 'native.tif');
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
      expect(Buffer.from(a.buffer).equals(Buffer.from(expectedTiffPixels(tiffData).buffer))).toBe(true);
    } finally {
      cleanup();
    }
  });
});

/** 16-bit sRGB samples as the TIFF reader linearises them (the portable encode, decoded): the reference. */
function expectedTiffPixels(data: Uint16Array): Float32Array {
  setZlibBackend(portableZlib);
  return decodeImage(encodeTiff({ width: 61, height: 47, channels: 3, bits: 16, compression: 'deflate', rowsPerStrip: 7, data }), 'portable.tif').data;
}


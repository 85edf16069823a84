import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { encodePng } from '../../../../src-shared/codecs/png';
import { encodeTiff } from '../../../../src-shared/codecs/tiff';
import { portableZlib, setZlibBackend } from '../../../../src-shared/codecs/zlib-backend';
import { nativeZlib } from '../../../../src-main/services/native-zlib';
import { samples } from '../../helpers/test-images';

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
});

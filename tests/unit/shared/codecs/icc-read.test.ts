import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { iccProfile } from '../../../../src-shared/codecs/icc';
import { embeddedIcc, iccDescription, iccIsSrgb } from '../../../../src-shared/codecs/icc-read';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { encodePng } from '../../../../src-shared/codecs/png';
import { encodeTiff } from '../../../../src-shared/codecs/tiff';
import { zlibBackend } from '../../../../src-shared/codecs/zlib-backend';

const rgba = { width: 16, height: 8, data: new Uint8ClampedArray(16 * 8 * 4).fill(128) };
const p3 = iccProfile('display-p3');
const srgb = iccProfile('srgb');

/** A PNG with an iCCP chunk (name "ICC", zlib-compressed profile) after its IHDR, CRC and all. */
function pngWithIcc(icc: Uint8Array): Uint8Array {
  const png = encodePng({ width: 16, height: 8, channels: 3, bits: 8, data: new Uint8Array(16 * 8 * 3).fill(90) });
  const body = new Uint8Array([...new TextEncoder().encode('ICC'), 0, 0, ...deflateSync(icc)]);
  const chunk = new Uint8Array(12 + body.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, body.length);
  chunk.set(new TextEncoder().encode('iCCP'), 4);
  chunk.set(body, 8);
  view.setUint32(8 + body.length, zlibBackend().crc32(chunk.subarray(4, 8 + body.length)));
  const ihdrEnd = 8 + 25;
  return new Uint8Array([...png.subarray(0, ihdrEnd), ...chunk, ...png.subarray(ihdrEnd)]);
}

describe('embedded ICC profiles', () => {
  it('reads a JPEG\'s profile back byte for byte, names it and tells sRGB from another space', () => {
    const got = embeddedIcc(encodeJpeg(rgba, { icc: p3 }));
    expect(got).toEqual(p3);
    expect(iccDescription(got!)).toBe('Display P3');
    expect(iccIsSrgb(got!)).toBe(false);
    const plain = embeddedIcc(encodeJpeg(rgba, { icc: srgb }));
    expect(iccDescription(plain!)).toBe('sRGB');
    expect(iccIsSrgb(plain!)).toBe(true);
    expect(embeddedIcc(encodeJpeg(rgba))).toBeNull();
  });

  it('joins a profile split over several APP2 segments, and gives up on one that lost a segment', () => {
    // A profile of 150,000 bytes (padding after the tags, its size field set to match): three segments.
    const big = new Uint8Array(150_000);
    big.set(p3);
    new DataView(big.buffer).setUint32(0, big.length);
    const jpeg = encodeJpeg(rgba, { icc: big });
    const got = embeddedIcc(jpeg);
    expect(got?.length).toBe(big.length);
    expect(got).toEqual(big);
    expect(iccDescription(got!)).toBe('Display P3');
    // The second of the three segments removed: no profile rather than a wrong one.
    const starts: number[] = [];
    for (let p = 2; p < jpeg.length - 4 && jpeg[p] === 0xff && jpeg[p + 1] !== 0xda; p += 2 + ((jpeg[p + 2] << 8) | jpeg[p + 3])) if (jpeg[p + 1] === 0xe2) starts.push(p);
    expect(starts.length).toBe(3);
    const len = 2 + ((jpeg[starts[1] + 2] << 8) | jpeg[starts[1] + 3]);
    expect(embeddedIcc(new Uint8Array([...jpeg.subarray(0, starts[1]), ...jpeg.subarray(starts[1] + len)]))).toBeNull();
  });

  it('reads a PNG\'s iCCP chunk and a TIFF\'s InterColorProfile tag', () => {
    expect(embeddedIcc(pngWithIcc(p3))).toEqual(p3);
    expect(embeddedIcc(encodePng({ width: 4, height: 4, channels: 3, bits: 8, data: new Uint8Array(48) }))).toBeNull();
    const tiff = encodeTiff({ width: 4, height: 4, channels: 3, bits: 16, data: new Uint16Array(48), icc: p3 });
    expect(embeddedIcc(tiff)).toEqual(p3);
    expect(embeddedIcc(encodeTiff({ width: 4, height: 4, channels: 3, bits: 16, data: new Uint16Array(48) }))).toBeNull();
  });

  it('takes nothing that is not a profile: a wrong signature, a size past the data, other bytes', () => {
    const bad = Uint8Array.from(p3);
    bad[36] = 0x78; // 'acsp' -> 'xcsp'
    expect(embeddedIcc(encodeJpeg(rgba, { icc: bad }))).toBeNull();
    const long = Uint8Array.from(p3);
    new DataView(long.buffer).setUint32(0, p3.length + 10);
    expect(embeddedIcc(encodeJpeg(rgba, { icc: long }))).toBeNull();
    expect(embeddedIcc(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))).toBeNull();
    expect(embeddedIcc(new Uint8Array([0xff, 0xd8, 0xff]))).toBeNull();
  });
});

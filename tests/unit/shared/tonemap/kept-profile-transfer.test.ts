/** An sRGB output keeping the frames' own profile encodes with that profile's tone curves, as the frames were read with them. */
import { describe, expect, it } from 'vitest';
import { adobeRgbProfile, iccProfile } from '../../../../src-shared/codecs/icc';
import { iccTransfer } from '../../../../src-shared/codecs/icc-read';
import { decodePng, encodePng } from '../../../../src-shared/codecs/png';
import { decodeTiff, encodeTiff } from '../../../../src-shared/codecs/tiff';
import { toSrgb8 } from '../../../../src-shared/correct/display8';
import { createLinearImage } from '../../../../src-shared/image/linear-image';
import { relinearise } from '../../../../src-shared/image/transfer-tables';
import { toneMap, toneMap16 } from '../../../../src-shared/tonemap/tone-map';

const adobe = iccTransfer(adobeRgbProfile());
const G = 563 / 256;

describe('frames linearised and encoded with their profile\'s tone curves', () => {
  it('re-reads every 8-bit and 16-bit code of a PNG and a TIFF as Adobe RGB\'s power gives it, exactly', () => {
    const codes8 = Uint8Array.from({ length: 256 * 3 }, (_, i) => Math.floor(i / 3));
    const png = decodePng(encodePng({ width: 256, height: 1, channels: 3, bits: 8, data: codes8 }));
    relinearise(png, adobe);
    for (let i = 0; i < codes8.length; i++) expect(png.data[i]).toBe(Math.fround((codes8[i] / 255) ** G));
    const codes16 = Uint16Array.from({ length: 4096 * 3 }, (_, i) => Math.floor(i / 3) * 16 + (i % 3));
    const tiff = decodeTiff(encodeTiff({ width: 4096, height: 1, channels: 3, bits: 16, data: codes16 }));
    relinearise(tiff, adobe);
    for (let i = 0; i < codes16.length; i++) expect(tiff.data[i]).toBe(Math.fround((codes16[i] / 65535) ** G));
  });

  it('leaves frames alone where the curves are sRGB\'s (Display P3) or the samples are linear already', () => {
    const img = createLinearImage(4, 1, 3, { sourceTransfer: 'srgb', sourceBits: 8 });
    img.data.set([0.001, 0.2, 0.5, 1, 0, 0.3, 0.05, 0.1, 0.7, 0.9, 0.4, 0.6]);
    const before = Float32Array.from(img.data);
    relinearise(img, iccTransfer(iccProfile('display-p3')));
    expect(img.data).toEqual(before);
    relinearise({ ...img, meta: { sourceTransfer: 'linear', sourceBits: 32 } }, adobe);
    expect(img.data).toEqual(before);
  });

  it('gives every Adobe RGB code back from the tone pass (8 and 16 bits) and from toSrgb8, where sRGB\'s curve is up to 9 codes off', () => {
    const img = createLinearImage(256, 1, 3, { sourceTransfer: 'srgb', sourceBits: 8 });
    for (let k = 0; k < 256; k++) img.data.fill((k / 255) ** G, k * 3, k * 3 + 3);
    const kept = toneMap(img, { operator: 'none' }, { key: 1, output: 'srgb', transfer: adobe });
    const kept16 = toneMap16(img, { operator: 'none' }, { key: 1, output: 'srgb', transfer: adobe });
    const plain = toneMap(img, { operator: 'none' }, { key: 1, output: 'srgb' });
    const display = toSrgb8(img, adobe);
    let sRgbWorst = 0;
    for (let k = 0; k < 256; k++) {
      expect(kept.data[k * 4], `code ${k}`).toBe(k);
      expect(Math.abs(kept16.data[k * 4] / 257 - k), `16-bit code ${k}`).toBeLessThan(0.01);
      expect(display.data[k * 4 + 1], `toSrgb8 code ${k}`).toBe(k);
      sRgbWorst = Math.max(sRgbWorst, Math.abs(plain.data[k * 4] - k));
    }
    expect(sRgbWorst).toBe(9);
  });

  it('refuses a kept profile\'s curves on a Display P3 output (a programming error: that output has its own curve)', () => {
    const img = createLinearImage(2, 1, 3);
    expect(() => toneMap(img, { operator: 'none' }, { key: 1, output: 'display-p3', transfer: adobe })).toThrow(RangeError);
  });
});

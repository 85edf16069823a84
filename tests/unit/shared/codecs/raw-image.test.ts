/** LibRaw's output to a LinearImage: colour and monochrome sensors decode; anything else is a DecodeError naming the file. */
import { describe, expect, it } from 'vitest';
import { rawToLinearImage } from '../../../../src-shared/codecs/raw-image';
import type { LibRawImage, LibRawMetadata } from '../../../../src-shared/codecs/raw-libraw';
import { DecodeError } from '../../../../src-shared/errors';

const meta = { shutter: 1 / 125, aperture: 8, iso_speed: 100 } as LibRawMetadata;
const thrown = (image: LibRawImage): DecodeError => {
  try {
    rawToLinearImage(image, meta, 'shot.dng');
  } catch (e) {
    return e as DecodeError;
  }
  throw new Error('no error');
};

describe('rawToLinearImage', () => {
  it('scales 16-bit RGB to 0..1', () => {
    const img = rawToLinearImage({ width: 1, height: 1, colors: 3, bits: 16, data: new Uint16Array([0, 32768, 65535]) }, meta, 'shot.dng');
    expect(Array.from(img.data)).toEqual([0, Math.fround(32768 / 65535), 1]);
  });

  it('turns a monochrome sensor (1 colour) into grey RGB instead of refusing it', () => {
    const img = rawToLinearImage({ width: 2, height: 1, colors: 1, bits: 16, data: new Uint16Array([65535, 0]) }, meta, 'mono.dng');
    expect([img.width, img.height, img.channels]).toEqual([2, 1, 3]);
    expect(Array.from(img.data)).toEqual([1, 1, 1, 0, 0, 0]);
  });

  it('refuses other layouts with a DecodeError whose message names the file', () => {
    const four = thrown({ width: 1, height: 1, colors: 4, bits: 16, data: new Uint16Array(4) });
    expect(four).toBeInstanceOf(DecodeError);
    expect(four.file).toBe('shot.dng');
    expect(four.message).toMatch(/^shot\.dng: unsupported RAW data: LibRaw decoded 4 colour channels at 16 bits/);
    const short = thrown({ width: 4, height: 4, colors: 3, bits: 16, data: new Uint16Array(12) });
    expect(short.message).toMatch(/^shot\.dng: corrupt RAW data: LibRaw returned 12 samples for a 4 x 4 image/);
  });
});

/** decodeTiff on a chain of several image directories: which one it reads, and that it says so when it matters. */
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { decodeTiff } from '../../../../src-shared/codecs/tiff';
import { frameWarnings } from '../../../../src-shared/image/linear-image';
import { srgbToLinear } from '../../../../src-shared/image/srgb';
import { greyTiffPages, type TiffPage } from '../../helpers/tiff-pages';

const flat = (width: number, height: number, level: number, newSubfileType?: number): TiffPage => ({ width, height, level: () => level, newSubfileType });
const linear = (level: number): number => srgbToLinear(level / 255);

describe('decodeTiff on a TIFF with several image directories', () => {
  it('reads the first of several pages and warns, naming the file, that the others are not read', () => {
    const image = decodeTiff(greyTiffPages([flat(4, 2, 200, 2), flat(4, 2, 50, 2), flat(4, 2, 90, 2)]), 'scan.tif');
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(image.data[0]).toBeCloseTo(linear(200), 6);
    expect(image.meta.decodeWarnings).toEqual(['scan.tif holds 3 full-resolution images (pages); only the first (4x2) is read']);
  });

  it('skips a reduced-resolution first directory (a thumbnail) for the full image, without a warning', () => {
    const image = decodeTiff(greyTiffPages([flat(2, 1, 10, 1), flat(4, 2, 120)]), 'thumbed.tif');
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(image.data[0]).toBeCloseTo(linear(120), 6);
    expect(image.meta).not.toHaveProperty('decodeWarnings');
  });

  it('does not count a transparency mask as a page', () => {
    const image = decodeTiff(greyTiffPages([flat(4, 2, 120), flat(4, 2, 255, 4)]), 'masked.tif');
    expect(image.data[0]).toBeCloseTo(linear(120), 6);
    expect(image.meta).not.toHaveProperty('decodeWarnings');
  });

  it('reads the largest of reduced-resolution images only, and says that is all the file holds', () => {
    const image = decodeTiff(greyTiffPages([flat(2, 1, 10, 1), flat(4, 2, 120, 1)]), 'previews.tif');
    expect([image.width, image.height]).toEqual([4, 2]);
    expect(image.meta.decodeWarnings).toEqual(['previews.tif holds only reduced-resolution images (previews); the largest (4x2) is read']);
  });

  it('reads the full image a TIFF/EP file keeps in a sub-directory (SubIFDs) below a thumbnail, without a warning', () => {
    const thumbnailFirst = greyTiffPages([{ ...flat(2, 1, 10, 1), subIfds: [flat(6, 4, 140)] }]);
    const image = decodeTiff(thumbnailFirst, 'ep.tif');
    expect([image.width, image.height]).toEqual([6, 4]);
    expect(image.data[0]).toBeCloseTo(linear(140), 6);
    expect(image.meta).not.toHaveProperty('decodeWarnings');
    // Of several sub-directories, the full-resolution one, whatever their order.
    const two = decodeTiff(greyTiffPages([{ ...flat(2, 1, 10, 1), subIfds: [flat(3, 2, 60, 1), flat(6, 4, 140)] }]), 'ep2.tif');
    expect([two.width, two.height]).toEqual([6, 4]);
  });

  it('keeps the warning through decodeImage, and a bracket reports it once per file', () => {
    const pages = greyTiffPages([flat(4, 2, 200), flat(4, 2, 50)]);
    const frame = decodeImage(pages, 'a.tif');
    expect(frame.channels).toBe(3);
    const synthetic = { ...frame, meta: { ...frame.meta, sourceName: 'synthetic +2 EV from a.tif' } };
    const plain = decodeImage(greyTiffPages([flat(4, 2, 30)]), 'b.tif');
    expect(frameWarnings([frame, synthetic, plain])).toEqual(['a.tif holds 2 full-resolution images (pages); only the first (4x2) is read']);
  });
});

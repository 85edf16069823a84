import { describe, expect, it } from 'vitest';
import { compareNatural, sortNatural } from '../../../../src-shared/bracket/natural-sort';
import { baseName, dirName, extensionOf, fileKind, stemOf, companionRank } from '../../../../src-shared/bracket/file-kind';

describe('compareNatural', () => {
  it('orders digit runs by value and letters without case', () => {
    expect(sortNatural(['IMG_10.jpg', 'img_9.jpg', 'IMG_1.jpg', 'IMG_100.jpg', 'b.jpg', 'A.jpg'])).toEqual([
      'A.jpg',
      'b.jpg',
      'IMG_1.jpg',
      'img_9.jpg',
      'IMG_10.jpg',
      'IMG_100.jpg',
    ]);
  });

  it('handles numbers longer than a double and leading zeros, and is total', () => {
    expect(sortNatural(['x12345678901234567890', 'x12345678901234567889', 'x007', 'x7', 'x07'])).toEqual([
      'x007',
      'x07',
      'x7',
      'x12345678901234567889',
      'x12345678901234567890',
    ]);
    expect(compareNatural('a.JPG', 'a.jpg')).not.toBe(0);
    expect(Math.sign(compareNatural('a.JPG', 'a.jpg'))).toBe(-Math.sign(compareNatural('a.jpg', 'a.JPG')));
    expect(compareNatural('same', 'same')).toBe(0);
  });

  it('orders folders before deeper names as a file browser does', () => {
    expect(sortNatural(['s/2/a.jpg', 's/10/a.jpg', 's/1/b.jpg'])).toEqual(['s/1/b.jpg', 's/2/a.jpg', 's/10/a.jpg']);
  });
});

describe('file-kind helpers', () => {
  it('splits paths of both separators', () => {
    expect(baseName('a/b/IMG_1.CR2')).toBe('IMG_1.CR2');
    expect(baseName('C:\\shoot\\IMG_1.CR2')).toBe('IMG_1.CR2');
    expect(dirName('C:\\shoot\\IMG_1.CR2')).toBe('C:\\shoot');
    expect(dirName('IMG_1.CR2')).toBe('');
    expect(extensionOf('a/IMG_1.CR2')).toBe('cr2');
    expect(extensionOf('a.b/noext')).toBe('');
    expect(stemOf('a/IMG_1.tar.tif')).toBe('IMG_1.tar');
  });

  it('knows the supported kinds and which copy of a shot to keep', () => {
    expect(['x.DNG', 'x.tiff', 'x.Jpeg', 'x.png', 'x.exr', 'x.heic'].map(fileKind)).toEqual(['raw', 'tiff', 'jpeg', 'png', 'exr', null]);
    expect(companionRank('a.NEF')).toBeLessThan(companionRank('a.tif'));
    expect(companionRank('a.tif')).toBeLessThan(companionRank('a.jpg'));
    expect(companionRank('a.jpg')).toBe(companionRank('a.png'));
  });
});

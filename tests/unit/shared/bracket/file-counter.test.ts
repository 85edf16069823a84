import { describe, expect, it } from 'vitest';
import { counterStep, fileCounter, orderByCounter } from '../../../../src-shared/bracket/file-counter';
import { compareNatural } from '../../../../src-shared/bracket/natural-sort';

describe('fileCounter', () => {
  it.each([
    ['DCIM/100CANON/IMG_1234.CR3', 'img_', 1234],
    ['_MG_0042.CR2', '_mg_', 42],
    ['DSC_0000.NEF', 'dsc_', 0],
    ['DSC01234.ARW', 'dsc', 1234],
    ['P1010001.RW2', 'p', 1],
    ['DSCF9999.RAF', 'dscf', 9999],
    ['L1000123.DNG', 'l', 123],
  ])('reads %s as series %s, number %i', (path, series, number) => {
    expect(fileCounter(path)).toMatchObject({ series, number });
  });

  it.each(['party-001.jpg', 'IMG_20240601_183000.jpg', 'PXL_20240601_183000123.jpg', 'IMG_1234 - Copy.JPG', 'IMG_1234-HDR.tif', 'sunset.jpg', '12345678.jpg'])(
    'finds no counter in %s',
    (path) => {
      expect(fileCounter(path)).toBeUndefined();
    },
  );

  it('steps forward round the wrap', () => {
    expect(counterStep(1, 2)).toBe(1);
    expect(counterStep(9999, 1)).toBe(2);
    expect(counterStep(9999, 0)).toBe(1);
    expect(counterStep(5, 3)).toBe(9998);
  });

  it('orders one second of files by counter across the wrap, other series apart', () => {
    const names = ['x/IMG_0001.CR3', 'x/IMG_9998.CR3', 'x/IMG_9999.CR3', 'x/JDO_0005.CR3', 'x/shot.jpg'];
    expect(orderByCounter(names, (f) => f, compareNatural)).toEqual(['x/IMG_9998.CR3', 'x/IMG_9999.CR3', 'x/IMG_0001.CR3', 'x/JDO_0005.CR3', 'x/shot.jpg']);
    expect(orderByCounter(['a/IMG_0003.CR3', 'a/IMG_0002.CR3'], (f) => f, compareNatural)).toEqual(['a/IMG_0002.CR3', 'a/IMG_0003.CR3']);
  });
});

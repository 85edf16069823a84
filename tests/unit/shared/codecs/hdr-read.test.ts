import { describe, expect, it } from 'vitest';
import { decodeHdr } from '../../../../src-shared/codecs/hdr-read';
import { DecodeError } from '../../../../src-shared/errors';

const header = (w: number, h: number): number[] => Array.from(`#?RADIANCE\nFORMAT=32-bit_rle_rgbe\nEXPOSURE=1\n\n-Y ${h} +X ${w}\n`, (c) => c.charCodeAt(0));

describe('decodeHdr', () => {
  it('reads flat pixels as mantissa * 2^(e - 136), exponent 0 as black', () => {
    const bytes = Uint8Array.from([...header(3, 1), 128, 64, 32, 129, 0, 0, 0, 0, 255, 1, 2, 140]);
    const img = decodeHdr(bytes, 'flat.hdr');
    expect([img.width, img.height, img.channels]).toEqual([3, 1, 3]);
    expect(Array.from(img.data)).toEqual([1, 0.5, 0.25, 0, 0, 0, 255 * 16, 16, 32]);
    expect(img.meta).toMatchObject({ sourceTransfer: 'linear', clipLevel: Infinity, sourceName: 'flat.hdr' });
  });

  it('reads new-style run-length scanlines (runs and literals per plane)', () => {
    const w = 8;
    // Each plane: a run of 5 then 3 literals.
    const plane = (run: number, lit: number[]): number[] => [128 + 5, run, 3, ...lit];
    const line = [2, 2, 0, w, ...plane(128, [64, 64, 64]), ...plane(64, [1, 2, 3]), ...plane(0, [0, 0, 0]), ...plane(129, [129, 130, 131])];
    const img = decodeHdr(Uint8Array.from([...header(w, 2), ...line, ...line]));
    expect(Array.from(img.data.subarray(0, 3))).toEqual([1, 0.5, 0]);
    expect(Array.from(img.data.subarray(15, 24))).toEqual([0.5, 1 / 128, 0, 1, 4 / 128, 0, 2, 12 / 128, 0]);
    expect(img.data.subarray(24)).toEqual(img.data.subarray(0, 24));
  });

  it('rejects what it cannot read, naming the file', () => {
    expect(() => decodeHdr(Uint8Array.from(header(2, 2)).subarray(0, 5), 'cut.hdr')).toThrow(DecodeError);
    expect(() => decodeHdr(Uint8Array.from([...header(2, 2), 1, 2, 3]), 'short.hdr')).toThrow(/short|truncated/);
    expect(() => decodeHdr(Uint8Array.from(Array.from('P6\n', (c) => c.charCodeAt(0))))).toThrow(DecodeError);
  });
});

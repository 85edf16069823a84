import { inflateSync } from 'node:zlib';
import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { adler32 } from '../../../../src-shared/codecs/adler32';
import { zlibRle } from '../../../../src-shared/codecs/deflate-rle';
import { canonicalCodes, huffmanLengths } from '../../../../src-shared/codecs/huffman';
import { seededRandom } from '../../helpers/test-images';

/** Inflates with the real zlib (Node) and with fflate; both must give the input back. */
function expectRoundTrip(data: Uint8Array, boundaries: number[] = []): Uint8Array {
  const packed = zlibRle(data, boundaries, Infinity);
  expect(packed).not.toBeNull();
  expect(new Uint8Array(inflateSync(packed!))).toEqual(data); // zlib checks the Adler-32 too
  expect(unzlibSync(packed!)).toEqual(data);
  return packed!;
}

function kraft(lengths: Uint8Array): number {
  return Array.from(lengths).reduce((k, l) => (l ? k + 2 ** -l : k), 0);
}

describe('zlibRle', () => {
  const rand = seededRandom(42);

  it('produces zlib streams that zlib and fflate inflate exactly', () => {
    const noisy = Uint8Array.from({ length: 5000 }, () => 128 + Math.round((rand() - 0.5) * 20));
    const runs = Uint8Array.from({ length: 5000 }, (_, i) => (i % 700 < 600 ? 128 : i & 255));
    const mixed = Uint8Array.from({ length: 70001 }, (_, i) => (i % 3000 < 1000 ? 7 : Math.floor(rand() * 256)));
    expectRoundTrip(noisy);
    expectRoundTrip(runs, [2500]);
    expectRoundTrip(mixed, [1, 999, 1000, 35000, 69999]);
    expectRoundTrip(new Uint8Array(100000).fill(3)); // one long run: many 258-byte matches
    expectRoundTrip(new Uint8Array([9]));
    expectRoundTrip(new Uint8Array([9, 9]));
    expectRoundTrip(new Uint8Array([1, 1, 1, 1]), [1]); // a run starting right at a block boundary
  });

  it('covers every run length 3..258 and every length code', () => {
    const parts: number[] = [];
    for (let len = 1; len <= 260; len++) parts.push(len & 1 ? 11 : 12, ...new Array(len).fill(len & 1 ? 12 : 11));
    expectRoundTrip(Uint8Array.from(parts), [1000, 9000]);
  });

  it('compresses smooth data well and gives up (null) when it cannot beat the raw size', () => {
    const smooth = Uint8Array.from({ length: 20000 }, () => 128 + (rand() < 0.9 ? 0 : 1));
    expect(expectRoundTrip(smooth).length).toBeLessThan(smooth.length / 4);
    const random = Uint8Array.from({ length: 20000 }, () => Math.floor(rand() * 256));
    expect(zlibRle(random, [], random.length)).toBeNull();
  });
});

describe('huffmanLengths', () => {
  it('gives a complete code within the length limit even for very skewed counts', () => {
    // Fibonacci counts make an unlimited Huffman tree as deep as there are symbols.
    const freq = new Uint32Array(30);
    for (let i = 0, a = 1, b = 1; i < 30; i++, [a, b] = [b, a + b]) freq[i] = a;
    const lengths = huffmanLengths(freq, 15);
    expect(Math.max(...lengths)).toBe(15);
    expect(kraft(lengths)).toBe(1);
    const short = huffmanLengths(freq.subarray(0, 19), 7);
    expect(Math.max(...short)).toBeLessThanOrEqual(7);
    expect(kraft(short)).toBe(1);
  });

  it('handles one used symbol (gives it a partner) and none', () => {
    expect(Array.from(huffmanLengths(new Uint32Array([0, 0, 5]), 15))).toEqual([1, 0, 1]);
    expect(Array.from(huffmanLengths(new Uint32Array([5, 0, 0]), 15))).toEqual([1, 1, 0]);
    expect(Array.from(huffmanLengths(new Uint32Array(3), 15))).toEqual([0, 0, 0]);
  });

  it('makes the canonical codes of RFC 1951, bit-reversed', () => {
    // The RFC's example: lengths (3,3,3,3,3,2,4,4) give codes 010,011,100,101,110,00,1110,1111.
    const codes = canonicalCodes(new Uint8Array([3, 3, 3, 3, 3, 2, 4, 4]));
    const msbFirst = ['010', '011', '100', '101', '110', '00', '1110', '1111'];
    msbFirst.forEach((bits, s) => expect(codes[s]).toBe(parseInt([...bits].reverse().join(''), 2)));
  });
});

describe('adler32', () => {
  it('matches known values', () => {
    expect(adler32(new TextEncoder().encode('Wikipedia'))).toBe(0x11e60398);
    expect(adler32(new Uint8Array(0))).toBe(1);
    const big = new Uint8Array(100000).fill(255); // long enough to need the modulo reductions
    expect(adler32(big)).toBe(adler32Reference(big));
  });
});

function adler32Reference(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

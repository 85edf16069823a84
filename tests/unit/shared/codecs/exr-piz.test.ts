// PIZ compression (wavelet + Huffman) and capture metadata in our EXR files, checked against OpenEXR
// (exrheader, exrmaketiled) and OpenCV's OpenEXR, plus OpenCV-written PIZ files in our reader.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeExr, type ExrEncodeOptions } from '../../../../src-shared/codecs/exr';
import { parseExrHeader } from '../../../../src-shared/codecs/exr-header';
import { hufCompress, hufDecompress } from '../../../../src-shared/codecs/exr-huf';
import { pizCompressBlock, pizDecompressBlock } from '../../../../src-shared/codecs/exr-piz';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { floatToHalf, halfToFloat } from '../../../../src-shared/codecs/half';
import { DecodeError } from '../../../../src-shared/errors';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { externalCommand, opencvTool, run, runOpencv, tempDir } from '../../helpers/external-tools';
import { seededRandom, testImage } from '../../helpers/test-images';

const opencv = opencvTool();
const exrheader = externalCommand('exrheader', 'openexr');
const exrmaketiled = externalCommand('exrmaketiled', 'openexr');
const tmp = tempDir();
afterAll(tmp.cleanup);

/** noise: HDR random samples (PIZ cannot shrink them: blocks are stored raw); photo: smooth shapes plus sensor-like noise. */
type Kind = 'noise' | 'photo' | 'gradient' | 'flat' | 'zero';

function picture(kind: Kind, width: number, height: number, channels: 1 | 3 | 4, seed = 1): LinearImage {
  if (kind === 'noise') return testImage(width, height, channels, seed);
  const rand = seededRandom(seed);
  const data = new Float32Array(width * height * channels);
  for (let i = 0; i < data.length; i++) {
    const p = Math.floor(i / channels);
    const [x, y, c] = [p % width, Math.floor(p / width), i % channels];
    data[i] = kind === 'photo'
      ? 0.2 + 0.6 * Math.sin(x / 17 + c) ** 2 + 0.3 * (y / height) + (rand() - 0.5) * 0.004
      : kind === 'gradient' ? (x / width) * 4 + (y / height) * 0.5 + c * 0.1 : kind === 'flat' ? 0.18 * (c + 1) : 0;
  }
  return { width, height, channels, data, ev: null, meta: {} };
}

/** Per chunk of a PIZ file: whether it is compressed (smaller than raw), and how many distinct 16-bit words its bitmap lists. */
function chunks(bytes: Uint8Array): { compressed: boolean; distinct: number }[] {
  const h = parseExrHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const width = h.xMax - h.xMin + 1;
  const height = h.yMax - h.yMin + 1;
  const lineBytes = h.channels.reduce((n, c) => n + width * (c.pixelType === 1 ? 2 : 4), 0);
  return Array.from({ length: Math.ceil(height / 32) }, (_, i) => {
    const at = view.getUint32(h.end + i * 8, true);
    const compressed = view.getInt32(at + 4, true) < Math.min(32, height - i * 32) * lineBytes;
    let distinct = 1; // zero is implied
    if (compressed) {
      const [min, max] = [view.getUint16(at + 8, true), view.getUint16(at + 10, true)];
      for (let k = 0; k <= max - min; k++) for (let b = bytes[at + 12 + k]; b; b >>= 1) distinct += b & 1;
    }
    return { compressed, distinct };
  });
}

/** What a reader must return: the samples rounded to half, or as they are for float. */
function stored(img: LinearImage, pixelType: 'half' | 'float'): Float32Array {
  return pixelType === 'half' ? img.data.map((v) => halfToFloat(floatToHalf(v))) : img.data;
}

/** Bit-exact comparison (so -0 and +0 differ, and half rounding must match exactly). */
function expectBits(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) throw new Error(`sample ${i}: got ${got[i]}, want ${want[i]}`);
}

interface Case {
  kind: Kind;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  pixelType: 'half' | 'float';
}

const cases: Case[] = [
  { kind: 'noise', width: 67, height: 45, channels: 3, pixelType: 'half' },
  { kind: 'noise', width: 33, height: 70, channels: 4, pixelType: 'half' },
  { kind: 'noise', width: 31, height: 33, channels: 1, pixelType: 'float' },
  { kind: 'noise', width: 257, height: 40, channels: 3, pixelType: 'float' },
  { kind: 'photo', width: 67, height: 45, channels: 3, pixelType: 'half' },
  { kind: 'photo', width: 33, height: 70, channels: 4, pixelType: 'half' },
  { kind: 'photo', width: 257, height: 40, channels: 3, pixelType: 'float' }, // > 16384 distinct words: the 16-bit wavelet
  { kind: 'gradient', width: 101, height: 65, channels: 3, pixelType: 'half' },
  { kind: 'gradient', width: 7, height: 3, channels: 3, pixelType: 'float' },
  { kind: 'flat', width: 45, height: 37, channels: 3, pixelType: 'half' },
  { kind: 'flat', width: 1, height: 1, channels: 3, pixelType: 'half' }, // smaller raw: stored uncompressed
  { kind: 'zero', width: 50, height: 32, channels: 4, pixelType: 'float' },
];
const caseName = (c: Case): string => `${c.kind} ${c.width}x${c.height} ${c.channels}-channel ${c.pixelType}`;
const caseFile = (c: Case): string => join(tmp.dir, `piz-${c.kind}-${c.width}x${c.height}-${c.channels}-${c.pixelType}.exr`);
const encodeCase = (c: Case): Uint8Array => encodeExr(picture(c.kind, c.width, c.height, c.channels), { pixelType: c.pixelType, compression: 'piz' });

describe('OpenEXR Huffman coder', () => {
  const roundTrip = (values: Uint16Array): void => {
    const packed = hufCompress(values);
    const back = new Uint16Array(values.length);
    hufDecompress(packed, back);
    expect(back).toEqual(values);
  };

  it('round-trips skewed, uniform, run-heavy and edge-valued data', () => {
    const rand = seededRandom(3);
    roundTrip(Uint16Array.from({ length: 5000 }, () => Math.floor(-Math.log(rand() + 1e-9) * 4)));
    roundTrip(Uint16Array.from({ length: 20000 }, () => Math.floor(rand() * 65536)));
    roundTrip(Uint16Array.from({ length: 3000 }, (_, i) => (Math.floor(i / 700) % 2 ? 65535 : 7))); // runs over 255, max value
    roundTrip(new Uint16Array(1000)); // one value only
    roundTrip(Uint16Array.of(42));
    // Very unequal frequencies give codes longer than the 14-bit lookup table.
    const fib: number[] = [];
    for (let s = 0, f = 1, g = 1; s < 24; s++, [f, g] = [g, f + g]) for (let k = 0; k < f; k++) fib.push(s * 2);
    roundTrip(Uint16Array.from(fib.sort((a, b) => ((a * 7919) % 13) - ((b * 7919) % 13) || a - b)));
  });

  it('codes long runs with the run pseudo-symbol (a flat block is a few bytes)', () => {
    // 391 runs of 256, each a 1-bit value code, a 1-bit run code and an 8-bit count: about 490 bytes for 200000.
    expect(hufCompress(new Uint16Array(100000).fill(9)).length).toBeLessThan(20 + 2 + Math.ceil((391 * 10) / 8) + 1);
  });

  it('throws on truncated data', () => {
    const packed = hufCompress(Uint16Array.from({ length: 500 }, (_, i) => (i * 37) % 101));
    expect(() => hufDecompress(packed.subarray(0, packed.length - 5), new Uint16Array(500))).toThrow();
    expect(() => hufDecompress(packed, new Uint16Array(501))).toThrow();
  });
});

describe('PIZ blocks', () => {
  it('round-trips mixed half and float channels, and falls back to raw when not smaller', () => {
    const rand = seededRandom(5);
    const [width, lines] = [19, 32];
    const channelBytes = [2, 4, 2];
    // Words of a few distinct values: compressible, whichever channel they land in.
    const words = Uint16Array.from({ length: width * lines * 4 }, () => [0, 15360, 15361, 15400][Math.floor(rand() * 4)]);
    const raw = new Uint8Array(words.buffer);
    const packed = pizCompressBlock(raw, width, lines, channelBytes);
    expect(packed.length).toBeLessThan(raw.length);
    const out = new Uint8Array(raw.length);
    pizDecompressBlock(packed, out, width, lines, channelBytes);
    expect(out).toEqual(raw);
    const tiny = Uint8Array.of(1, 2, 3, 4);
    expect(pizCompressBlock(tiny, 2, 1, [2])).toEqual(tiny);
  });
});

describe('encodeExr with PIZ', () => {
  for (const c of cases) {
    it(`round-trips ${caseName(c)} bit-exact through our reader`, () => {
      const bytes = encodeCase(c);
      expect(parseExrHeader(bytes).compression).toBe(4);
      const back = decodeExr(bytes, 'p.exr');
      expect([back.width, back.height, back.channels]).toEqual([c.width, c.height, c.channels]);
      expectBits(back.data, stored(picture(c.kind, c.width, c.height, c.channels), c.pixelType));
    });
  }

  it('compresses the blocks of photo-like images, including with the 16-bit wavelet (over 16384 distinct words)', () => {
    for (const c of cases.filter((k) => k.kind === 'photo' || k.kind === 'gradient' || k.kind === 'flat')) {
      const blocks = chunks(encodeCase(c));
      if (c.width * c.height >= 256) expect(blocks[0].compressed, caseName(c)).toBe(true); // tiny ones may not shrink
    }
    const wide = chunks(encodeCase(cases.find((c) => c.kind === 'photo' && c.pixelType === 'float')!));
    expect(wide[0].distinct).toBeGreaterThan(16384);
    expect(chunks(encodeCase(cases[0])).every((b) => !b.compressed)).toBe(true); // HDR noise: stored raw
  });

  it('makes smooth images much smaller than raw', () => {
    const smooth = picture('gradient', 200, 96, 3);
    expect(encodeExr(smooth, { compression: 'piz' }).length).toBeLessThan(encodeExr(smooth, { compression: 'none' }).length / 3);
  });

  it('throws DecodeError on corrupt PIZ data', () => {
    const bytes = encodeCase(cases[4]); // gradient: its blocks compress (noise blocks are stored raw)
    const h = parseExrHeader(bytes);
    const view = new DataView(bytes.buffer);
    const first = view.getUint32(h.end, true);
    expect(view.getInt32(first + 4, true)).toBeLessThan(101 * 32 * 6);
    const [minNonZero, maxNonZero] = [view.getUint16(first + 8, true), view.getUint16(first + 10, true)];
    const hufAt = first + 8 + 4 + (maxNonZero - minNonZero + 1); // the Huffman length, then its 20-byte header
    const badTable = bytes.slice();
    badTable.fill(0, hufAt + 4 + 20, hufAt + 4 + 40); // code lengths all zero: no code can match
    expect(() => decodeExr(badTable, 'bad.exr')).toThrow(DecodeError);
    const badLength = bytes.slice();
    new DataView(badLength.buffer).setUint32(hufAt, 0xffffff, true);
    expect(() => decodeExr(badLength, 'bad.exr')).toThrow(/runs past/);
    const badBitmap = bytes.slice();
    new DataView(badBitmap.buffer).setUint16(first + 8 + 2, 9000, true); // maxNonZero past the bitmap
    expect(() => decodeExr(badBitmap, 'bad.exr')).toThrow(DecodeError);
  });

  it.skipIf(opencv.skip)(opencv.title('OpenEXR (via OpenCV) reads identical values from every PIZ case'), () => {
    opencv.requireAvailable();
    for (const c of cases) writeFileSync(caseFile(c), encodeCase(c));
    const shapes = runOpencv(`import sys, cv2, numpy as np
for path in sys.argv[1:]:
    a = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if a is None: sys.exit('OpenCV could not read ' + path)
    if a.ndim == 3: a = a[:, :, [2, 1, 0, 3][:a.shape[2]]]
    np.ascontiguousarray(a).astype('<f4').tofile(path + '.raw')
    print(' '.join(map(str, a.shape)))`, cases.map(caseFile)).stdout.trim().split('\n');
    cases.forEach((c, i) => {
      expect(shapes[i], caseName(c)).toBe(c.channels === 1 ? `${c.height} ${c.width}` : `${c.height} ${c.width} ${c.channels}`);
      const buf = readFileSync(`${caseFile(c)}.raw`);
      expectBits(new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)), stored(picture(c.kind, c.width, c.height, c.channels), c.pixelType));
    });
  });

  it.skipIf(opencv.skip)(opencv.title('our reader decodes PIZ files OpenEXR wrote (half and float, 1 and 4 channels) exactly'), () => {
    opencv.requireAvailable();
    const jobs = [['half', 1, 45, 33], ['float', 4, 70, 37], ['float', 3, 300, 41]] as const;
    const args = jobs.flatMap(([type, channels, width, height], i) => {
      const img = testImage(width, height, channels, 20 + i);
      const src = join(tmp.dir, `cv-src-${i}.raw`);
      writeFileSync(src, new Uint8Array(img.data.buffer));
      return [src, String(width), String(height), String(channels), type, join(tmp.dir, `cv-piz-${i}.exr`)];
    });
    runOpencv(`import sys, cv2, numpy as np
a = sys.argv[1:]
for i in range(0, len(a), 6):
    src, w, h, n, t, out = a[i:i + 6]
    img = np.fromfile(src, dtype='<f4').reshape(int(h), int(w), int(n))
    if int(n) >= 3: img = img[:, :, [2, 1, 0, 3][:int(n)]]
    if int(n) == 1: img = img[:, :, 0]
    kind = cv2.IMWRITE_EXR_TYPE_HALF if t == 'half' else cv2.IMWRITE_EXR_TYPE_FLOAT
    ok = cv2.imwrite(out, np.ascontiguousarray(img), [cv2.IMWRITE_EXR_TYPE, kind, cv2.IMWRITE_EXR_COMPRESSION, cv2.IMWRITE_EXR_COMPRESSION_PIZ])
    if not ok: sys.exit('OpenCV could not write ' + out)`, args);
    jobs.forEach(([type, channels, width, height], i) => {
      const bytes = new Uint8Array(readFileSync(join(tmp.dir, `cv-piz-${i}.exr`)));
      expect(parseExrHeader(bytes).compression).toBe(4);
      // Same data through our encoder: pixel data (past the header) within 1% of OpenEXR's (Huffman ties may differ).
      const ours = encodeExr(testImage(width, height, channels, 20 + i), { pixelType: type, compression: 'piz' });
      const pixelBytes = (b: Uint8Array): number => b.length - parseExrHeader(b).end;
      expect(Math.abs(pixelBytes(ours) - pixelBytes(bytes))).toBeLessThanOrEqual(pixelBytes(bytes) * 0.01);
      const back = decodeExr(bytes, 'opencv.exr');
      expect([back.width, back.height, back.channels]).toEqual([width, height, channels]);
      expectBits(back.data, stored(testImage(width, height, channels, 20 + i), type));
    });
  });

  it.skipIf(exrmaketiled.skip)(exrmaketiled.title('exrmaketiled reads every PIZ case through to the last pixel'), () => {
    exrmaketiled.requireAvailable();
    for (const c of cases) {
      writeFileSync(caseFile(c), encodeCase(c));
      run('exrmaketiled', [caseFile(c), `${caseFile(c)}.tiled.exr`]);
    }
  });
});

describe('EXR capture metadata', () => {
  const metadata: NonNullable<ExrEncodeOptions['metadata']> = {
    capDate: '2024:05:06 07:08:09', utcOffset: -7200, expTime: 0.01, aperture: 5.6, isoSpeed: 200,
    whiteLuminance: 100, owner: 'Jo Doe', comments: 'Merged from 3 frames', software: 'Luxfuse 0.1',
  };

  it('writes the standard attributes in name order with their types', () => {
    const h = parseExrHeader(encodeExr(picture('flat', 8, 8, 3), { compression: 'piz', metadata }));
    const names = [...h.attributes.keys()];
    expect(names).toEqual([...names].sort());
    const get = (n: string) => h.attributes.get(n)!;
    expect(get('capDate').type).toBe('string');
    expect(String.fromCharCode(...get('capDate').value)).toBe('2024:05:06 07:08:09');
    const f = (n: string): number => new DataView(get(n).value.buffer, get(n).value.byteOffset).getFloat32(0, true);
    expect(get('expTime').type).toBe('float');
    expect([f('expTime'), f('aperture'), f('isoSpeed'), f('utcOffset'), f('whiteLuminance')])
      .toEqual([Math.fround(0.01), Math.fround(5.6), 200, -7200, 100]);
    expect(String.fromCharCode(...get('software').value)).toBe('Luxfuse 0.1');
  });

  it('rejects malformed values', () => {
    const img = picture('flat', 2, 2, 3);
    expect(() => encodeExr(img, { metadata: { capDate: '2024-05-06T07:08:09' } })).toThrow(RangeError);
    expect(() => encodeExr(img, { metadata: { expTime: 0 } })).toThrow(RangeError);
    expect(() => encodeExr(img, { metadata: { isoSpeed: NaN } })).toThrow(RangeError);
    expect(() => encodeExr(img, { metadata: { utcOffset: Infinity } })).toThrow(RangeError);
  });

  it.skipIf(exrheader.skip)(exrheader.title('exrheader shows piz and every attribute with its value'), () => {
    exrheader.requireAvailable();
    const path = join(tmp.dir, 'meta.exr');
    writeFileSync(path, encodeExr(picture('gradient', 40, 40, 3), { compression: 'piz', metadata: { ...metadata, comments: 'Merged — 3 frames' } }));
    const out = run('exrheader', [path]).stdout;
    for (const line of [
      'compression (type compression): piz',
      'capDate (type string): "2024:05:06 07:08:09"',
      'utcOffset (type float): -7200',
      'expTime (type float): 0.01',
      'aperture (type float): 5.6',
      'isoSpeed (type float): 200',
      'whiteLuminance (type float): 100',
      'owner (type string): "Jo Doe"',
      'comments (type string): "Merged — 3 frames"',
      'software (type string): "Luxfuse 0.1"',
    ]) expect(out).toContain(line);
  });
});

// TIFF variants our encoder does not make (LZW, PackBits, tiles, predictors, half floats), made by ImageMagick/libtiff.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import UTIF from 'utif2';
import { afterAll, describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from '../../../../src-shared/codecs/half';
import { decodeTiff, encodeTiff, type TiffEncodeOptions } from '../../../../src-shared/codecs/tiff';
import { imagemagickTool, opencvTool, run, runOpencv, tempDir } from '../../helpers/external-tools';
import { expectSame, expectedLinear, samples, seededRandom } from '../../helpers/test-images';

const convert = imagemagickTool();
const opencv = opencvTool();
const tmp = tempDir();
afterAll(tmp.cleanup);

/** Our TIFF, rewritten by ImageMagick with the given options. */
function viaImagemagick(name: string, source: Uint8Array, args: string[]): Uint8Array {
  const src = join(tmp.dir, `${name}-src.tif`);
  const out = join(tmp.dir, `${name}.tif`);
  writeFileSync(src, source);
  run('convert', [src, ...args, out]);
  return new Uint8Array(readFileSync(out));
}

function tags(bytes: Uint8Array): Record<string, number[] | undefined> {
  return UTIF.decode(bytes.slice().buffer)[0] as unknown as Record<string, number[] | undefined>;
}

interface Case {
  name: string;
  source: Omit<TiffEncodeOptions, 'data'> & { data: Uint8Array | Uint16Array | Float32Array };
  args: string[];
  /** Tags the rewritten file must have, so the test exercises the path it claims. */
  expectTags: Record<string, number[]>;
  bigEndian?: boolean;
  expected?: (src: Float32Array) => Float32Array;
  tolerance?: number;
}

function intSource(bits: 8 | 16, channels: 1 | 3, width = 37, height = 29): Case['source'] {
  return { width, height, channels, bits, data: samples(bits, width * height * channels, bits + channels) };
}

/**
 * Floats ImageMagick (a Q16 build without HDRI) keeps: it stores samples as 16-bit quanta, so use k/65535 in [0,1].
 */
function floatSource(width: number, height: number): Case['source'] {
  const rand = seededRandom(9);
  const data = Float32Array.from({ length: width * height * 3 }, () => Math.floor(rand() * 65536) / 65535);
  return { width, height, channels: 3, bits: 32, data };
}

const cases: Case[] = [
  { name: '8-bit RGB, LZW', source: intSource(8, 3), args: ['-compress', 'lzw'], expectTags: { t259: [5] } },
  { name: '8-bit RGB, PackBits', source: intSource(8, 3), args: ['-compress', 'rle'], expectTags: { t259: [32773] } },
  {
    name: '8-bit RGB, LZW with horizontal predictor, 16x16 tiles',
    source: intSource(8, 3),
    args: ['-compress', 'lzw', '-define', 'tiff:predictor=2', '-define', 'tiff:tile-geometry=16x16'],
    expectTags: { t259: [5], t317: [2], t322: [16] },
  },
  {
    name: '8-bit grey, Deflate, 16x16 tiles',
    source: intSource(8, 1),
    args: ['-compress', 'zip', '-define', 'tiff:tile-geometry=16x16'],
    expectTags: { t259: [8], t322: [16], t262: [1] },
  },
  {
    name: '16-bit RGB, LZW with horizontal predictor',
    source: intSource(16, 3),
    args: ['-compress', 'lzw', '-define', 'tiff:predictor=2'],
    expectTags: { t259: [5], t317: [2], t258: [16, 16, 16] },
  },
  {
    name: '16-bit RGB, big-endian, Deflate, 16x16 tiles',
    source: intSource(16, 3),
    args: ['-define', 'tiff:endian=msb', '-compress', 'zip', '-define', 'tiff:tile-geometry=16x16'],
    expectTags: { t259: [8], t322: [16] },
    bigEndian: true,
  },
  {
    name: '16-bit grey, big-endian, PackBits',
    source: intSource(16, 1),
    args: ['-define', 'tiff:endian=msb', '-compress', 'rle'],
    expectTags: { t259: [32773], t262: [1] },
    bigEndian: true,
  },
  {
    name: '32-bit float RGB, Deflate with floating-point predictor',
    source: floatSource(37, 29),
    args: ['-define', 'quantum:format=floating-point', '-depth', '32', '-compress', 'zip', '-define', 'tiff:predictor=3'],
    expectTags: { t259: [8], t317: [3], t339: [3, 3, 3] },
    tolerance: 1e-7,
  },
  {
    name: '32-bit float RGB, big-endian, Deflate with floating-point predictor',
    source: floatSource(37, 29),
    args: ['-define', 'tiff:endian=msb', '-define', 'quantum:format=floating-point', '-depth', '32', '-compress', 'zip', '-define', 'tiff:predictor=3'],
    expectTags: { t317: [3], t339: [3, 3, 3] },
    bigEndian: true,
    tolerance: 1e-7,
  },
  {
    name: '32-bit float RGB, big-endian, LZW (ImageMagick adds the float predictor)',
    source: floatSource(37, 29),
    args: ['-define', 'tiff:endian=msb', '-define', 'quantum:format=floating-point', '-depth', '32', '-compress', 'lzw'],
    expectTags: { t259: [5], t339: [3, 3, 3], t317: [3] },
    bigEndian: true,
    tolerance: 1e-7,
  },
  {
    name: '32-bit float RGB, floating-point predictor, 16x16 tiles',
    source: floatSource(48, 20),
    args: ['-define', 'quantum:format=floating-point', '-depth', '32', '-compress', 'zip', '-define', 'tiff:predictor=3', '-define', 'tiff:tile-geometry=16x16'],
    expectTags: { t317: [3], t322: [16] },
    tolerance: 1e-7,
  },
  // Separate planes (-interlace plane): Photoshop's "Per Channel" pixel order.
  {
    name: '8-bit RGB, planar, LZW with horizontal predictor',
    source: intSource(8, 3),
    args: ['-interlace', 'plane', '-compress', 'lzw', '-define', 'tiff:predictor=2'],
    expectTags: { t284: [2], t259: [5], t317: [2] },
  },
  {
    name: '16-bit RGB, planar, big-endian, Deflate, 16x16 tiles',
    source: intSource(16, 3),
    args: ['-interlace', 'plane', '-define', 'tiff:endian=msb', '-compress', 'zip', '-define', 'tiff:tile-geometry=16x16'],
    expectTags: { t284: [2], t259: [8], t322: [16] },
    bigEndian: true,
  },
  {
    name: '32-bit float RGB, planar, Deflate with floating-point predictor',
    source: floatSource(37, 29),
    args: ['-interlace', 'plane', '-define', 'quantum:format=floating-point', '-depth', '32', '-compress', 'zip', '-define', 'tiff:predictor=3'],
    expectTags: { t284: [2], t317: [3], t339: [3, 3, 3] },
    tolerance: 1e-7,
  },
  {
    name: '16-bit half-float RGB, Deflate, floating-point predictor',
    source: floatSource(37, 29),
    args: ['-define', 'quantum:format=floating-point', '-depth', '16', '-compress', 'zip', '-define', 'tiff:predictor=3'],
    expectTags: { t258: [16, 16, 16], t339: [3, 3, 3], t317: [3] },
    expected: (src) => src.map((v) => halfToFloat(floatToHalf(v))),
    tolerance: 1e-3,
  },
  {
    name: '16-bit half-float RGB, big-endian, LZW',
    source: floatSource(37, 29),
    args: ['-define', 'tiff:endian=msb', '-define', 'quantum:format=floating-point', '-depth', '16', '-compress', 'lzw'],
    expectTags: { t258: [16, 16, 16], t339: [3, 3, 3], t317: [3] },
    bigEndian: true,
    // ImageMagick's own float->half rounding may differ from ours by one half step.
    expected: (src) => src.map((v) => halfToFloat(floatToHalf(v))),
    tolerance: 1e-3,
  },
];

describe('TIFF files written by ImageMagick (libtiff)', () => {
  for (const c of cases) {
    it.skipIf(convert.skip)(convert.title(`decodes ${c.name} to the source values`), () => {
      convert.requireAvailable();
      const bytes = viaImagemagick(c.name.replace(/[^a-z0-9]+/gi, '-'), encodeTiff(c.source), c.args);
      expect(String.fromCharCode(bytes[0], bytes[1])).toBe(c.bigEndian ? 'MM' : 'II');
      const t = tags(bytes);
      for (const [tag, value] of Object.entries(c.expectTags)) expect(t[tag], tag).toEqual(value);
      const img = decodeTiff(bytes, 'im.tif');
      expect([img.width, img.height, img.channels]).toEqual([c.source.width, c.source.height, c.source.channels]);
      const linear = expectedLinear(c.source.bits, c.source.data);
      expectSame(img.data, c.expected ? c.expected(linear) : linear, c.tolerance ?? 0);
    });
  }
});

describe('our TIFF files in libtiff (via OpenCV)', () => {
  const variants: (Omit<TiffEncodeOptions, 'data' | 'width' | 'height'> & { name: string })[] = [
    { name: '8-bit RGB, Deflate with predictor', channels: 3, bits: 8, compression: 'deflate' },
    { name: '16-bit RGB, big-endian, Deflate with predictor, 3-row strips', channels: 3, bits: 16, littleEndian: false, compression: 'deflate', rowsPerStrip: 3 },
    { name: '16-bit grey, big-endian, uncompressed', channels: 1, bits: 16, littleEndian: false },
    { name: '32-bit float RGB, big-endian, Deflate', channels: 3, bits: 32, littleEndian: false, compression: 'deflate' },
    { name: '32-bit float grey, uncompressed, with EXIF', channels: 1, bits: 32, exif: { make: 'Canon', exposureTime: 0.01 } },
  ];
  for (const v of variants) {
    it.skipIf(opencv.skip)(opencv.title(`libtiff reads our ${v.name} exactly`), () => {
      opencv.requireAvailable();
      const [width, height] = [29, 13];
      const data = samples(v.bits, width * height * v.channels, v.bits + v.channels + 100);
      const path = join(tmp.dir, `ours-${v.name.replace(/[^a-z0-9]+/gi, '-')}.tif`);
      writeFileSync(path, encodeTiff({ ...v, width, height, data }));
      const shape = runOpencv(
        `import sys, cv2, numpy as np
a = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
if a is None: sys.exit('OpenCV could not read ' + sys.argv[1])
if a.ndim == 3: a = a[:, :, ::-1]
np.ascontiguousarray(a).astype('<f8').tofile(sys.argv[1] + '.raw')
print(' '.join(map(str, a.shape)), a.dtype)`,
        [path],
      ).stdout.trim();
      expect(shape).toBe(`${height} ${width}${v.channels === 3 ? ' 3' : ''} ${v.bits === 8 ? 'uint8' : v.bits === 16 ? 'uint16' : 'float32'}`);
      const buf = readFileSync(`${path}.raw`);
      const got = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
      expect(Array.from(got)).toEqual(Array.from(data));
    });
  }
});

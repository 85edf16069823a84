// TIFF variants our encoder does not make (LZW, PackBits, tiles, predictors, half floats), made by ImageMagick/libtiff.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import UTIF from 'utif2';
import { afterAll, describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat } from '../../../../src-shared/codecs/half';
import { decodeTiff, encodeTiff, type TiffEncodeOptions } from '../../../../src-shared/codecs/tiff';
import { externalCommand, imagemagickTool, opencvTool, run, runOpencv, tempDir, type ExternalTool } from '../../helpers/external-tools';
import { linearToSrgb } from '../../../../src-shared/image/srgb';
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

/** A smooth 8-bit RGB picture (gradients and a soft disc), the kind of content JPEG codes well. */
function smoothRgb8(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - width / 2, y - height / 2) / (width / 3);
      const i = (y * width + x) * 3;
      out[i] = Math.round(40 + (180 * x) / width);
      out[i + 1] = Math.round(200 - (150 * y) / height);
      out[i + 2] = Math.round(60 + 150 * Math.max(0, 1 - d));
    }
  }
  return out;
}

describe('JPEG-compressed TIFF files (Photoshop, scanners) written by libtiff', () => {
  const tiffcp = externalCommand('tiffcp', 'libtiff-tools');
  const [width, height] = [64, 48];
  const source = encodeTiff({ width, height, channels: 3, bits: 8, data: smoothRgb8(width, height) });
  const jpegCases: { name: string; make: (src: string, out: string) => void; tags: Record<string, number[]>; tool: ExternalTool }[] = [
    { name: 'RGB, one strip (ImageMagick)', make: (src, out) => run('convert', [src, '-compress', 'jpeg', out]), tags: { t259: [7], t262: [2] }, tool: convert },
    { name: 'RGB, 16x16 tiles (ImageMagick)', make: (src, out) => run('convert', [src, '-compress', 'jpeg', '-define', 'tiff:tile-geometry=16x16', out]), tags: { t259: [7], t322: [16] }, tool: convert },
    // libtiff's own default: YCbCr with 2x2 chroma subsampling, 16-row strips.
    { name: 'YCbCr 4:2:0, 16-row strips (tiffcp -c jpeg)', make: (src, out) => run('tiffcp', ['-c', 'jpeg', '-r', '16', src, out]), tags: { t259: [7], t262: [6] }, tool: tiffcp },
  ];
  for (const c of jpegCases) {
    it.skipIf(c.tool.skip || convert.skip)(c.tool.title(`decodes ${c.name} as ImageMagick does, within JPEG's chroma rounding`), () => {
      c.tool.requireAvailable();
      convert.requireAvailable();
      const src = join(tmp.dir, 'jpeg-src.tif');
      const out = join(tmp.dir, `jpeg-${c.name.replace(/[^a-z0-9]+/gi, '-')}.tif`);
      writeFileSync(src, source);
      c.make(src, out);
      const bytes = new Uint8Array(readFileSync(out));
      const t = tags(bytes);
      for (const [tag, value] of Object.entries(c.tags)) expect(t[tag], tag).toEqual(value);
      const img = decodeTiff(bytes, 'j.tif');
      expect([img.width, img.height, img.channels]).toEqual([width, height, 3]);
      const reference = new Uint8Array(spawnSync('convert', [out, '-depth', '8', 'rgb:-'], { maxBuffer: 1 << 24 }).stdout);
      expect(reference.length).toBe(width * height * 3);
      const original = smoothRgb8(width, height);
      let worst = 0;
      let sum = 0;
      let oursOff = 0;
      let theirsOff = 0;
      for (let i = 0; i < reference.length; i++) {
        const ours = Math.round(linearToSrgb(img.data[i]) * 255);
        worst = Math.max(worst, Math.abs(ours - reference[i]));
        sum += Math.abs(ours - reference[i]);
        oursOff += Math.abs(ours - original[i]);
        theirsOff += Math.abs(reference[i] - original[i]);
      }
      // Both decoders read the same coefficients; they differ in IDCT rounding and, for 4:2:0, in how chroma is
      // upsampled. Measured: RGB 0.05 codes apart on average (worst 1); YCbCr 4:2:0 1.12 apart (worst 10), ours
      // 2.03 codes from the original against ImageMagick's 1.64.
      const ycc = c.tags.t262?.[0] === 6;
      expect(sum / reference.length).toBeLessThan(ycc ? 2 : 1);
      expect(worst).toBeLessThanOrEqual(ycc ? 12 : 3);
      expect(oursOff / reference.length).toBeLessThan(theirsOff / reference.length + (ycc ? 1 : 0.25));
    });
  }

  it.skipIf(convert.skip)(convert.title('decodes a greyscale JPEG-compressed TIFF, strips or tiles, as ImageMagick does'), () => {
    convert.requireAvailable();
    const src = join(tmp.dir, 'grey-src.tif');
    writeFileSync(src, source);
    for (const tiles of [[], ['-define', 'tiff:tile-geometry=16x16']]) {
      const out = join(tmp.dir, `grey-jpeg-${tiles.length}.tif`);
      run('convert', [src, '-colorspace', 'gray', '-compress', 'jpeg', ...tiles, out]);
      const img = decodeTiff(new Uint8Array(readFileSync(out)), 'g.tif');
      expect([img.width, img.height, img.channels]).toEqual([width, height, 1]);
      const reference = new Uint8Array(spawnSync('convert', [out, '-depth', '8', 'gray:-'], { maxBuffer: 1 << 24 }).stdout);
      expect(reference.length).toBe(width * height);
      let worst = 0;
      for (let i = 0; i < reference.length; i++) worst = Math.max(worst, Math.abs(Math.round(linearToSrgb(img.data[i]) * 255) - reference[i]));
      // Before, utif2 wrote three samples a pixel into a one-sample buffer: two thirds of the picture were lost.
      expect(worst).toBeLessThanOrEqual(2);
    }
  });
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

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng, encodePng } from '../../../../src-shared/codecs/png';
import { DecodeError } from '../../../../src-shared/errors';
import { srgbToLinear } from '../../../../src-shared/image/srgb';
import { imagemagickTool, opencvTool, run, runOpencv, tempDir } from '../../helpers/external-tools';
import { expectSame, expectedLinear, samples } from '../../helpers/test-images';

const convert = imagemagickTool();
const opencv = opencvTool();
const tmp = tempDir();
afterAll(tmp.cleanup);

/** Keeps the first `keep` of every `spp` samples. */
function firstChannels(data: ArrayLike<number>, spp: number, keep: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < data.length; i += spp) for (let c = 0; c < keep; c++) out.push(data[i + c]);
  return out;
}

describe('encodePng / decodePng', () => {
  for (const bits of [8, 16] as const) {
    for (const channels of [1, 3, 4] as const) {
      it(`round-trips ${bits}-bit ${channels}-channel samples to exact linear values (alpha dropped)`, () => {
        const [width, height] = [19, 11];
        const data = samples(bits, width * height * channels, bits + channels) as Uint8Array | Uint16Array;
        const img = decodePng(encodePng({ width, height, channels, bits, data }), 'x.png');
        const keep = channels === 1 ? 1 : 3;
        expect([img.width, img.height, img.channels]).toEqual([width, height, keep]);
        expectSame(img.data, expectedLinear(bits, firstChannels(data, channels, keep)));
        expect(img.meta).toEqual({ sourceName: 'x.png', sourceTransfer: 'srgb', sourceBits: bits, clipLevel: 1 });
      });
    }
  }

  it('accepts Uint8ClampedArray (canvas) data', () => {
    const data = new Uint8ClampedArray([0, 64, 128, 255, 255, 0, 0, 255]);
    const img = decodePng(encodePng({ width: 2, height: 1, channels: 4, bits: 8, data }));
    expectSame(img.data, expectedLinear(8, [0, 64, 128, 255, 0, 0]));
  });

  it('throws DecodeError naming the file for truncated or corrupt PNGs', () => {
    const bytes = encodePng({ width: 32, height: 32, channels: 3, bits: 8, data: samples(8, 3072, 1) as Uint8Array });
    for (const cut of [4, 20, 40, bytes.length / 2, bytes.length - 5]) {
      expect(() => decodePng(bytes.subarray(0, cut), 'cut.png'), `cut at ${cut}`).toThrow(DecodeError);
    }
    const flipped = bytes.slice();
    flipped[60] ^= 0x10; // inside IDAT: the chunk CRC no longer matches
    let err: unknown;
    try {
      decodePng(flipped, 'bad.png');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).file).toBe('bad.png');
    expect((err as Error).message).toMatch(/truncated or corrupt PNG/);
  });

  it('rejects bad encoder arguments with RangeError', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 3, bits: 8, data: new Uint8Array(11) })).toThrow(RangeError);
    expect(() => encodePng({ width: 2, height: 2, channels: 3, bits: 16, data: new Uint8Array(12) })).toThrow(RangeError);
    expect(() => encodePng({ width: 2, height: 2, channels: 2 as 3, bits: 8, data: new Uint8Array(8) })).toThrow(RangeError);
    expect(() => encodePng({ width: 2, height: 2, channels: 3, bits: 12 as 8, data: new Uint8Array(12) })).toThrow(RangeError);
  });
});

/** Decodes with OpenCV (libpng), low bit depths and palettes expanded to 8-bit; returns RGB or grey samples as 0..1. */
function opencvSamples(path: string): { shape: number[]; data: Float64Array } {
  const shape = runOpencv(
    `import sys, cv2, numpy as np
a = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
if a.ndim == 3: a = a[:, :, [2, 1, 0, 3][:a.shape[2]]]
(np.ascontiguousarray(a).astype(np.float64) / (65535.0 if a.dtype == np.uint16 else 255.0)).tofile(sys.argv[1] + '.raw')
print(' '.join(map(str, a.shape)))`,
    [path],
  ).stdout.trim().split(' ').map(Number);
  const buf = readFileSync(`${path}.raw`);
  return { shape, data: new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)) };
}

describe('PNG variants from ImageMagick (libpng), checked against OpenCV', () => {
  for (const [name, args, channels] of [
    ['8-bit palette', ['-colors', '50', 'PNG8:'], 3],
    ['4-bit grey', ['-colorspace', 'Gray', '-depth', '4'], 1],
    ['1-bit grey', ['-colorspace', 'Gray', '-threshold', '50%', '-depth', '1'], 1],
    ['Adam7-interlaced 8-bit RGB', ['-depth', '8', '-interlace', 'PNG'], 3],
    ['Adam7-interlaced 16-bit RGBA', ['-alpha', 'set', '-depth', '16', '-interlace', 'PNG'], 3],
  ] as const) {
    const title = `decodes ${name} to the linear values of libpng's pixels`;
    it.skipIf(convert.skip || opencv.skip)((convert.skip ? convert : opencv).title(title), () => {
      convert.requireAvailable();
      opencv.requireAvailable();
      const path = join(tmp.dir, `${name.replace(/\W/g, '')}.png`);
      const format = args.at(-1)!.endsWith(':') ? args.at(-1)! : '';
      run('convert', ['-size', '37x23', '-seed', '5', 'plasma:fractal', ...args.filter((a) => !a.endsWith(':')), `${format}${path}`]);
      const img = decodePng(new Uint8Array(readFileSync(path)), 'im.png');
      const ref = opencvSamples(path);
      expect(ref.shape.slice(0, 2)).toEqual([23, 37]);
      expect(img.channels).toBe(channels);
      const refChannels = ref.shape[2] ?? 1;
      expectSame(img.data, Float32Array.from(firstChannels(ref.data, refChannels, channels), (v) => srgbToLinear(v)));
    });
  }

  it.skipIf(opencv.skip)(opencv.title('libpng reads our 16-bit RGB PNG exactly'), () => {
    opencv.requireAvailable();
    const data = samples(16, 9 * 7 * 3, 2) as Uint16Array;
    const path = join(tmp.dir, 'ours16.png');
    writeFileSync(path, encodePng({ width: 9, height: 7, channels: 3, bits: 16, data }));
    runOpencv(
      `import sys, cv2, numpy as np
a = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
np.ascontiguousarray(a[:, :, ::-1]).astype('<u2').tofile(sys.argv[1] + '.raw')`,
      [path],
    );
    const buf = readFileSync(`${path}.raw`);
    expect(Array.from(new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)))).toEqual(Array.from(data));
  });
});

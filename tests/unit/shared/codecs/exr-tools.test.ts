// Checks our EXR files against the real OpenEXR library (exrheader, OpenCV's EXR codec) and reads files it wrote.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeExr } from '../../../../src-shared/codecs/exr';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { floatToHalf, halfToFloat } from '../../../../src-shared/codecs/half';
import { UnsupportedFormatError } from '../../../../src-shared/errors';
import { externalCommand, opencvTool, run, runOpencv, tempDir } from '../../helpers/external-tools';
import { testImage } from '../../helpers/test-images';
import { renameExrChannels } from '../../helpers/fuzz';

const exrheader = externalCommand('exrheader', 'openexr');
const exrmaketiled = externalCommand('exrmaketiled', 'openexr');
const exrmultipart = externalCommand('exrmultipart', 'openexr');
const opencv = opencvTool();
const tmp = tempDir();
afterAll(tmp.cleanup);

/** Reads EXRs with OpenCV; writes each one's samples as float32 in R,G,B(,A) or Y order to path.raw; prints shapes. */
const READ_SCRIPT = `
import sys, cv2, numpy as np
for path in sys.argv[1:]:
    a = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if a is None: sys.exit('OpenCV could not read ' + path)
    if a.ndim == 3: a = a[:, :, [2, 1, 0, 3][:a.shape[2]]]
    np.ascontiguousarray(a, dtype=np.float32).tofile(path + '.raw')
    print(' '.join(map(str, a.shape)))
`;

/** Writes EXRs with OpenCV from raw float32 samples (R,G,B(,A) or Y order). Each job: raw h w c out type compression. */
const WRITE_SCRIPT = `
import sys, cv2, numpy as np
args = sys.argv[1:]
for k in range(0, len(args), 7):
    raw, h, w, c, out, typ, comp = args[k:k + 7]
    a = np.fromfile(raw, dtype=np.float32).reshape(int(h), int(w), int(c))
    a = a[:, :, 0] if int(c) == 1 else a[:, :, [2, 1, 0, 3][:int(c)]]
    params = [cv2.IMWRITE_EXR_TYPE, getattr(cv2, 'IMWRITE_EXR_TYPE_' + typ), cv2.IMWRITE_EXR_COMPRESSION, getattr(cv2, 'IMWRITE_EXR_COMPRESSION_' + comp)]
    if not cv2.imwrite(out, np.ascontiguousarray(a), params): sys.exit('OpenCV could not write ' + out)
`;

/** Starting Python with cv2 takes about half a second, so every file goes through one call, made on first use. */
function batch<K extends string, V>(keys: readonly K[], work: (keys: readonly K[]) => Map<K, V>): (key: K) => V {
  let results: Map<K, V> | undefined;
  return (key) => {
    results ??= work(keys);
    return results.get(key)!;
  };
}

function readRaw(path: string): Float32Array {
  const buf = readFileSync(path);
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function expectSameSamples(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) expect.fail(`sample ${i}: got ${got[i]}, want ${want[i]}`);
  }
}

describe('our EXR files in OpenEXR', () => {
  it.skipIf(exrheader.skip)(exrheader.title('exrheader reads the header and lists every attribute'), () => {
    exrheader.requireAvailable();
    const path = join(tmp.dir, 'header.exr');
    writeFileSync(path, encodeExr(testImage(7, 5, 3)));
    const out = run('exrheader', [path]).stdout;
    expect(out).toMatch(/channels \(type chlist\):\s+B, 16-bit floating-point, sampling 1 1\s+G, 16-bit floating-point, sampling 1 1\s+R, 16-bit floating-point/);
    expect(out).toMatch(/chromaticities \(type chromaticities\):\s+red\s+\(0\.64 0\.33\)\s+green \(0\.3 0\.6\)\s+blue\s+\(0\.15 0\.06\)\s+white \(0\.3127 0\.329\)/);
    expect(out).toMatch(/compression \(type compression\): zip/);
    expect(out).toMatch(/dataWindow \(type box2i\): \(0 0\) - \(6 4\)/);
    expect(out).toMatch(/displayWindow \(type box2i\): \(0 0\) - \(6 4\)/);
    expect(out).toMatch(/lineOrder \(type lineOrder\): increasing y/);
    expect(out).toMatch(/pixelAspectRatio \(type float\): 1/);
    expect(out).toMatch(/screenWindowCenter \(type v2f\): \(0 0\)/);
    expect(out).toMatch(/screenWindowWidth \(type float\): 1/);
    writeFileSync(path, encodeExr(testImage(7, 5, 4), { pixelType: 'float', compression: 'zips' }));
    const out2 = run('exrheader', [path]).stdout;
    expect(out2).toMatch(/A, 32-bit floating-point[\s\S]*B, 32-bit[\s\S]*G, 32-bit[\s\S]*R, 32-bit/);
    expect(out2).toMatch(/compression \(type compression\): zip, individual scanlines/);
  });

  const variants = (['half', 'float'] as const).flatMap((pixelType) =>
    (['none', 'zips', 'zip'] as const).flatMap((compression) =>
      ([1, 3, 4] as const).map((channels) => ({ pixelType, compression, channels, key: `${pixelType}-${compression}-${channels}` }))));
  // 67 x 37: several ZIP blocks with a short last one, odd width.
  const image = (v: (typeof variants)[number]) => testImage(67, 37, v.channels, 3 + v.channels + v.compression.length);
  const readBack = batch(variants.map((v) => v.key), (keys) => {
    const paths = keys.map((key) => join(tmp.dir, `ours-${key}.exr`));
    variants.forEach((v, i) => writeFileSync(paths[i], encodeExr(image(v), v)));
    const shapes = runOpencv(READ_SCRIPT, paths).stdout.trim().split('\n');
    return new Map(keys.map((key, i) => [key, { shape: shapes[i].split(' ').map(Number), data: readRaw(`${paths[i]}.raw`) }]));
  });
  for (const v of variants) {
    const name = `OpenEXR (via OpenCV) reads our ${v.channels}-channel ${v.pixelType} ${v.compression} pixels exactly`;
    it.skipIf(opencv.skip)(opencv.title(name), () => {
      opencv.requireAvailable();
      const { shape, data } = readBack(v.key);
      expect(shape).toEqual(v.channels === 1 ? [37, 67] : [37, 67, v.channels]);
      const img = image(v);
      expectSameSamples(data, v.pixelType === 'half' ? img.data.map((x) => halfToFloat(floatToHalf(x))) : img.data);
    });
  }
});

describe('OpenEXR files (written by OpenCV) in decodeExr', () => {
  const jobs = [
    ['HALF', 'ZIP', 3], ['FLOAT', 'ZIP', 3], ['HALF', 'ZIPS', 4], ['FLOAT', 'NO', 1], ['HALF', 'NO', 3], ['FLOAT', 'ZIPS', 3],
    ['HALF', 'PIZ', 3], ['HALF', 'RLE', 3], ['FLOAT', 'RLE', 1], ['HALF', 'PXR24', 4], ['FLOAT', 'PXR24', 3], ['HALF', 'B44', 3], ['HALF', 'B44A', 4], ['HALF', 'DWAA', 3],
  ] as const;
  const source = (channels: 1 | 3 | 4) => testImage(53, 41, channels, 11);
  const written = batch(jobs.map(([t, c, n]) => `${t}-${c}-${n}`), (keys) => {
    const args = jobs.flatMap(([type, compression, channels], i) => {
      const rawPath = join(tmp.dir, `src-${keys[i]}.raw`);
      writeFileSync(rawPath, new Uint8Array(source(channels).data.buffer));
      return [rawPath, '41', '53', String(channels), join(tmp.dir, `opencv-${keys[i]}.exr`), type, compression];
    });
    runOpencv(WRITE_SCRIPT, args);
    return new Map(keys.map((key) => [key, new Uint8Array(readFileSync(join(tmp.dir, `opencv-${key}.exr`)))]));
  });

  for (const [type, compression, channels] of jobs.slice(0, 10)) {
    it.skipIf(opencv.skip)(opencv.title(`reads ${channels}-channel ${type} ${compression} exactly`), () => {
      opencv.requireAvailable();
      const back = decodeExr(written(`${type}-${compression}-${channels}`), 'opencv.exr');
      expect([back.width, back.height, back.channels]).toEqual([53, 41, channels]);
      const img = source(channels);
      expectSameSamples(back.data, type === 'HALF' ? img.data.map((v) => halfToFloat(floatToHalf(v))) : img.data);
    });
  }

  it.skipIf(opencv.skip)(opencv.title('reads FLOAT PXR24 to within its 24-bit precision (it keeps 15 bits of mantissa)'), () => {
    opencv.requireAvailable();
    const back = decodeExr(written('FLOAT-PXR24-3'), 'opencv.exr');
    const want = source(3).data;
    let worst = 0;
    for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(back.data[i] - want[i]) / Math.max(Math.abs(want[i]), 1e-6));
    expect(worst).toBeGreaterThan(0); // lossy: not merely read as raw
    expect(worst).toBeLessThanOrEqual(2 ** -15);
  });

  it.skipIf(opencv.skip)(opencv.title('reads B44 and B44A (lossy) bit for bit as OpenEXR decodes them'), () => {
    opencv.requireAvailable();
    for (const key of ['HALF-B44-3', 'HALF-B44A-4']) {
      const path = join(tmp.dir, `opencv-${key}.exr`);
      runOpencv(READ_SCRIPT, [path]);
      const back = decodeExr(written(key), 'b44.exr');
      expectSameSamples(back.data, readRaw(`${path}.raw`));
      // Lossy: OpenEXR's answer is not the source, so the comparison above is with its decoder, not with the source.
      expect(back.data.some((v, i) => v !== halfToFloat(floatToHalf(source(key.endsWith('4') ? 4 : 3).data[i])))).toBe(true);
    }
  });

  it.skipIf(opencv.skip)(opencv.title('refuses DWAA with UnsupportedFormatError naming the compression'), () => {
    opencv.requireAvailable();
    const bytes = written('HALF-DWAA-3');
    expect(() => decodeExr(bytes, 'p.exr')).toThrow(UnsupportedFormatError);
    expect(() => decodeExr(bytes, 'p.exr')).toThrow(/compression DWAA is not supported/);
  });

  it.skipIf(opencv.skip || exrmaketiled.skip)(opencv.title('reads a tiled B44A file with blocks cut by the tile edges as OpenEXR does'), () => {
    opencv.requireAvailable();
    exrmaketiled.requireAvailable();
    const src = join(tmp.dir, 'to-tile-b44.exr');
    const tiled = join(tmp.dir, 'tiled-b44a.exr');
    writeFileSync(src, encodeExr(testImage(41, 29, 3, 8)));
    run('exrmaketiled', ['-t', '10', '6', '-z', 'b44a', src, tiled]);
    runOpencv(READ_SCRIPT, [tiled]);
    expectSameSamples(decodeExr(new Uint8Array(readFileSync(tiled)), 'tiled.exr').data, readRaw(`${tiled}.raw`));
  });

  // Tiled files: the full-resolution level, whatever the tile size (edge tiles cut short), compression and levels.
  const tiledCases: [string, string[]][] = [
    ['64x64 tiles, ZIP (exrmaketiled\'s default)', []],
    ['16x12 tiles, RLE, partial tiles at the edges', ['-t', '16', '12', '-z', 'rle']],
    ['16x16 tiles, PXR24', ['-t', '16', '16', '-z', 'pxr24']],
    ['32x8 tiles, PIZ, mipmap levels', ['-t', '32', '8', '-z', 'piz', '-m']],
    ['8x8 tiles, no compression, ripmap levels', ['-t', '8', '8', '-z', 'none', '-r']],
  ];
  for (const [name, args] of tiledCases) {
    it.skipIf(exrmaketiled.skip)(exrmaketiled.title(`reads a tiled file made by exrmaketiled, ${name}, exactly`), () => {
      exrmaketiled.requireAvailable();
      const img = testImage(40, 30, 3, 5);
      const src = join(tmp.dir, 'to-tile.exr');
      const tiled = join(tmp.dir, `tiled-${name.replace(/[^a-z0-9]+/gi, '-')}.exr`);
      writeFileSync(src, encodeExr(img));
      run('exrmaketiled', [...args, src, tiled]);
      const back = decodeExr(new Uint8Array(readFileSync(tiled)), 'tiled.exr');
      expect([back.width, back.height, back.channels]).toEqual([40, 30, 3]);
      expectSameSamples(back.data, img.data.map((v) => halfToFloat(floatToHalf(v))));
    });
  }

  it.skipIf(exrmultipart.skip)(exrmultipart.title('reads the first image part of a multi-part file made by exrmultipart, and says so'), () => {
    exrmultipart.requireAvailable();
    const a = join(tmp.dir, 'part-a.exr');
    const b = join(tmp.dir, 'part-b.exr');
    const multi = join(tmp.dir, 'multi.exr');
    const first = testImage(8, 6, 3, 1);
    writeFileSync(a, encodeExr(first, { compression: 'piz' }));
    writeFileSync(b, encodeExr(testImage(8, 6, 3, 2)));
    run('exrmultipart', ['-combine', '-i', a, b, '-o', multi]);
    const back = decodeExr(new Uint8Array(readFileSync(multi)), 'multi.exr');
    expectSameSamples(back.data, first.data.map((v) => halfToFloat(floatToHalf(v))));
    expect(back.meta.decodeWarnings).toEqual([expect.stringMatching(/^multi\.exr holds 2 parts; part 1 \(".*"\) is read$/)]);
  });

  it.skipIf(exrmultipart.skip || exrmaketiled.skip)(exrmultipart.title('in a multi-part file, skips parts holding no image (a depth pass) for the first that holds one, tiled or not'), () => {
    exrmultipart.requireAvailable();
    exrmaketiled.requireAvailable();
    // A part with only a Z channel, then a tiled RGB part.
    const depth = join(tmp.dir, 'depth.exr');
    const rgb = join(tmp.dir, 'rgb.exr');
    const rgbTiled = join(tmp.dir, 'rgb-tiled.exr');
    const multi = join(tmp.dir, 'passes.exr');
    writeFileSync(depth, renameExrChannels(encodeExr(testImage(10, 7, 1, 3)), () => 'Z'));
    const image = testImage(10, 7, 3, 4);
    writeFileSync(rgb, encodeExr(image));
    run('exrmaketiled', ['-t', '4', '4', rgb, rgbTiled]);
    run('exrmultipart', ['-combine', '-i', depth, rgbTiled, '-o', multi]);
    const back = decodeExr(new Uint8Array(readFileSync(multi)), 'passes.exr');
    expectSameSamples(back.data, image.data.map((v) => halfToFloat(floatToHalf(v))));
    expect(back.meta.decodeWarnings).toEqual([expect.stringMatching(/holds 2 parts; part 2 /)]);
  });
});

// 16-bit RGB TIFF export: sRGB-encoded or linear with an ICC profile, Deflate + horizontal predictor, EXIF software;
// checked by libtiff (OpenCV, tiffinfo), exiftool and ImageMagick/LittleCMS.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import UTIF from 'utif2';
import { afterAll, describe, expect, it } from 'vitest';
import { iccProfile } from '../../../../src-shared/codecs/icc';
import { encodeTiff, toUint16Samples } from '../../../../src-shared/codecs/tiff-write';
import { linearToSrgb } from '../../../../src-shared/image/srgb';
import { externalCommand, imagemagickTool, opencvTool, run, runOpencv, tempDir } from '../../helpers/external-tools';
import { seededRandom } from '../../helpers/test-images';

const opencv = opencvTool();
const tiffinfo = externalCommand('tiffinfo', 'libtiff-tools');
const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');
const convert = imagemagickTool();
const tmp = tempDir();
afterAll(tmp.cleanup);

const [W, H] = [61, 23];

/** A smooth gradient with noise: what a tone-mapped photograph looks like to the predictor. */
function linearPicture(seed: number): Float32Array {
  const rand = seededRandom(seed);
  return Float32Array.from({ length: W * H * 3 }, (_, i) => {
    const p = Math.floor(i / 3);
    return Math.min(1, Math.max(0, ((p % W) / W) * (0.3 + 0.3 * (i % 3)) + (Math.floor(p / W) / H) * 0.4 + (rand() - 0.5) * 0.02));
  });
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** libtiff's samples through OpenCV, as RGB uint16. */
function opencvSamples(path: string): { shape: string; data: Uint16Array } {
  const shape = runOpencv(`import sys, cv2, numpy as np
a = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
if a is None: sys.exit('OpenCV could not read ' + sys.argv[1])
np.ascontiguousarray(a[:, :, ::-1]).astype('<u2').tofile(sys.argv[1] + '.raw')
print(' '.join(map(str, a.shape)), a.dtype)`, [path]).stdout.trim();
  const buf = readFileSync(`${path}.raw`);
  return { shape, data: new Uint16Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length)) };
}

describe('toUint16Samples', () => {
  it('rounds linear or sRGB-encoded values to 16 bits, clipping to 0..1', () => {
    const src = Float32Array.of(0, 1, 0.5, 0.001, -0.2, 2, NaN, Infinity);
    expect(Array.from(toUint16Samples(src, 'linear'))).toEqual([0, 65535, 32768, 66, 0, 65535, 0, 65535]);
    expect(Array.from(toUint16Samples(src, 'srgb'))).toEqual([
      0, 65535, Math.round(linearToSrgb(0.5) * 65535), Math.round(linearToSrgb(0.001) * 65535), 0, 65535, 0, 65535,
    ]);
    expect(() => toUint16Samples(src, 'gamma' as never)).toThrow(RangeError);
  });
});

describe('16-bit RGB TIFF with ICC profile, Deflate and predictor', () => {
  const icc = iccProfile('srgb', { transfer: 'linear' });
  const data = toUint16Samples(linearPicture(1), 'linear');
  const file = (littleEndian: boolean): Uint8Array => encodeTiff({
    width: W, height: H, channels: 3, bits: 16, data, compression: 'deflate', littleEndian, icc,
    exif: { software: 'Luxfuse 0.1', make: 'Canon', exposureTime: 1 / 60 },
  });

  it('stores the profile as tag 34675 and the predictor as tag 317', () => {
    const t = UTIF.decode(file(true).slice().buffer)[0] as unknown as Record<string, unknown>;
    expect(Array.from(t.t34675 as Uint8Array)).toEqual(Array.from(icc));
    expect(t.t317).toEqual([2]);
    expect(t.t259).toEqual([8]);
    expect(t.t305).toEqual(['Luxfuse 0.1']);
  });

  for (const le of [true, false]) {
    it.skipIf(opencv.skip)(opencv.title(`libtiff (OpenCV) reads the exact samples (${le ? 'little' : 'big'}-endian)`), () => {
      opencv.requireAvailable();
      const got = opencvSamples(write(`cv-${le}.tif`, file(le)));
      expect(got.shape).toBe(`${H} ${W} 3 uint16`);
      expect(got.data).toEqual(data);
    });
  }

  it.skipIf(tiffinfo.skip)(tiffinfo.title('tiffinfo reports 16-bit RGB, AdobeDeflate, horizontal predictor and the profile'), () => {
    tiffinfo.requireAvailable();
    const out = run('tiffinfo', [write('ti.tif', file(true))]);
    const text = out.stdout + out.stderr;
    expect(text).toMatch(/Image Width: 61 Image Length: 23/);
    expect(text).toMatch(/Bits\/Sample: 16/);
    expect(text).toMatch(/Compression Scheme: AdobeDeflate/);
    expect(text).toMatch(/Photometric Interpretation: RGB color/);
    expect(text).toMatch(/Predictor: horizontal differencing 2/);
    expect(text).toMatch(new RegExp(`ICC Profile: <present>, ${icc.length} bytes`));
    expect(text).toMatch(/Software: Luxfuse 0\.1/);
    expect(text).not.toMatch(/Warning|Error/i);
  });

  it.skipIf(exiftool.skip)(exiftool.title('exiftool reads the profile description, software and EXIF, and finds nothing wrong'), () => {
    exiftool.requireAvailable();
    const path = write('et.tif', file(false));
    const [t] = JSON.parse(run('exiftool', ['-j', '-n', '-G1', path]).stdout);
    expect(t['ICC_Profile:ProfileDescription']).toBe('sRGB (linear)');
    expect(t['IFD0:Software']).toBe('Luxfuse 0.1');
    expect(t['IFD0:Compression']).toBe(8);
    expect(t['IFD0:Predictor']).toBe(2);
    expect(t['IFD0:BitsPerSample']).toBe('16 16 16');
    expect(t['ExifIFD:ExposureTime']).toBeCloseTo(1 / 60, 6);
    // exiftool's validator knows only TIFF 6.0 compressions, so Adobe Deflate (8) is its one complaint.
    const v = JSON.parse(run('exiftool', ['-j', '-validate', '-warning', '-a', path]).stdout)[0];
    expect(v.Validate).toBe('1 Warning');
    expect(v.Warning).toBe('Invalid value for IFD0 tag 0x0103 Compression');
  });

  it.skipIf(convert.skip)(convert.title('ImageMagick (LittleCMS) converts the linear file to sRGB-encoded values through its profile'), () => {
    convert.requireAvailable();
    const src = write('im-lin.tif', file(true));
    const out = join(tmp.dir, 'im-srgb.tif');
    run('convert', [src, '-intent', 'Relative', '-profile', write('im-srgb.icc', iccProfile('srgb')), '-depth', '16', '-compress', 'none', out]);
    const expected = toUint16Samples(Float32Array.from(data, (v) => v / 65535), 'srgb');
    const got = opencvSamples(out).data;
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
    // LittleCMS evaluates 16-bit transforms through tables: within 0.1% of full scale.
    expect(worst).toBeLessThan(65);
  });

  it.skipIf(opencv.skip)(opencv.title('an sRGB-encoded 16-bit file without a profile reads back exactly'), () => {
    opencv.requireAvailable();
    const srgb = toUint16Samples(linearPicture(2), 'srgb');
    const path = write('srgb16.tif', encodeTiff({ width: W, height: H, channels: 3, bits: 16, data: srgb, compression: 'deflate', exif: { software: 'Luxfuse' } }));
    expect(opencvSamples(path).data).toEqual(srgb);
  });
});

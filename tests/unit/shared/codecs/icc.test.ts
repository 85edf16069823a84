// ICC display profiles (sRGB, Display P3) and their embedding in JPEG, checked by exiftool, ImageMagick and LittleCMS.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADOBE_RGB_PRIMARIES, adobeRgbProfile, bradfordToD50, iccColorants, iccProfile } from '../../../../src-shared/codecs/icc';
import { iccDescription, iccIsSrgb } from '../../../../src-shared/codecs/icc-read';
import { decodeJpeg, encodeJpeg, ICC_CHUNK_BYTES } from '../../../../src-shared/codecs/jpeg';
import type { Rgba8Image } from '../../../../src-shared/image/linear-image';
import { linearToSrgb, srgbToLinear } from '../../../../src-shared/image/srgb';
import { DISPLAY_P3_PRIMARIES, SRGB_PRIMARIES, conversionMatrix } from '../../../../src-shared/tonemap/output-space';
import { externalCommand, imagemagickTool, PYTHON_OPENCV, run, tempDir } from '../../helpers/external-tools';

const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');
const convert = imagemagickTool();
const tmp = tempDir();
afterAll(tmp.cleanup);

/** Debian's python3 with Pillow's ImageCms (LittleCMS); same skip-locally, fail-on-CI contract as the shared tools. */
const pil = (() => {
  const label = '/usr/bin/python3 with PIL.ImageCms (Debian package python3-pil)';
  const available = spawnSync(PYTHON_OPENCV, ['-c', 'from PIL import ImageCms'], { encoding: 'utf8' }).status === 0
    && !(process.env.LUXFUSE_TEST_HIDE_TOOLS ?? '').split(',').includes('pil');
  const skip = !available && !process.env.CI;
  return {
    skip,
    requireAvailable(): void {
      if (!available) throw new Error(`${label} is not installed, and CI requires it`);
    },
    title: (name: string): string => (skip ? `${name} [skipped: ${label} not installed]` : name),
  };
})();

const be32 = (b: Uint8Array, at: number): number => new DataView(b.buffer, b.byteOffset).getUint32(at);
const sig = (b: Uint8Array, at: number): string => String.fromCharCode(...b.subarray(at, at + 4));

/** Tag table of a profile: signature -> [offset, size]. */
function tagTable(p: Uint8Array): Map<string, [number, number]> {
  const n = be32(p, 128);
  const out = new Map<string, [number, number]>();
  for (let i = 0; i < n; i++) out.set(sig(p, 132 + i * 12), [be32(p, 136 + i * 12), be32(p, 140 + i * 12)]);
  return out;
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(tmp.dir, name);
  writeFileSync(path, bytes);
  return path;
}

const exifJson = (path: string): Record<string, unknown> => JSON.parse(run('exiftool', ['-j', '-n', '-G1', path]).stdout)[0];
const numbers = (v: unknown): number[] => String(v).split(' ').map(Number);

/** Published D50 colorants (rXYZ, gXYZ, bXYZ columns) of the reference profiles: IEC 61966-2-1's sRGB and Apple's Display P3. */
const KNOWN = {
  srgb: [[0.4361, 0.2225, 0.0139], [0.3851, 0.7169, 0.0971], [0.1431, 0.0606, 0.7141]],
  'display-p3': [[0.51512, 0.2412, -0.00105], [0.29198, 0.69225, 0.04189], [0.1571, 0.06657, 0.78407]],
} as const;

function solid(width: number, height: number, colours: [number, number, number][]): Rgba8Image {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([...colours[Math.floor((i % width) / (width / colours.length))], 255], i * 4);
  return { width, height, data };
}

describe('iccProfile', () => {
  for (const space of ['srgb', 'display-p3'] as const) {
    it(`builds a well-formed v4.3 display profile for ${space}`, () => {
      const p = iccProfile(space);
      expect(be32(p, 0)).toBe(p.length);
      expect(p.length % 4).toBe(0);
      expect(be32(p, 8)).toBe(0x04300000);
      expect([sig(p, 12), sig(p, 16), sig(p, 20), sig(p, 36)]).toEqual(['mntr', 'RGB ', 'XYZ ', 'acsp']);
      const tags = tagTable(p);
      expect([...tags.keys()].sort()).toEqual(['bTRC', 'bXYZ', 'chad', 'cprt', 'desc', 'gTRC', 'gXYZ', 'rTRC', 'rXYZ', 'wtpt'].sort());
      for (const [name, [offset, size]] of tags) {
        expect(offset % 4, name).toBe(0);
        expect(offset + size, name).toBeLessThanOrEqual(p.length);
      }
      // Deterministic: same bytes every call.
      expect(iccProfile(space)).toEqual(p);
    });

    it(`matches the published D50 colorants of ${space} within 1e-3, and adds up to the D50 white`, () => {
      const m = iccColorants(space === 'srgb' ? SRGB_PRIMARIES : DISPLAY_P3_PRIMARIES);
      KNOWN[space].forEach((col, c) => col.forEach((v, r) => expect(m[r * 3 + c]).toBeCloseTo(v, 3)));
      const p = iccProfile(space);
      const tags = tagTable(p);
      const xyz = (name: string): number[] => [0, 1, 2].map((k) => new DataView(p.buffer).getInt32(tags.get(name)![0] + 8 + 4 * k));
      const sum = [0, 1, 2].map((k) => xyz('rXYZ')[k] + xyz('gXYZ')[k] + xyz('bXYZ')[k]);
      expect(sum).toEqual(xyz('wtpt'));
      expect(xyz('wtpt')).toEqual([0x0000f6d6, 0x00010000, 0x0000d32d]); // 0.9642, 1, 0.8249
    });
  }

  it('has the Bradford D65 -> D50 matrix of the ICC specification (Annex E) in chad', () => {
    const published = [1.0479, 0.0229, -0.0502, 0.0296, 0.9904, -0.0171, -0.0092, 0.0151, 0.7519];
    bradfordToD50(SRGB_PRIMARIES.white).forEach((v, i) => expect(v).toBeCloseTo(published[i], 3));
  });

  it('rejects unknown spaces and transfers', () => {
    expect(() => iccProfile('adobe-rgb' as never)).toThrow(RangeError);
    expect(() => iccProfile('srgb', { transfer: 'gamma22' as never })).toThrow(RangeError);
  });

  it.skipIf(exiftool.skip)(exiftool.title('exiftool reads description, version, white point, adaptation and colorants'), () => {
    exiftool.requireAvailable();
    for (const space of ['srgb', 'display-p3'] as const) {
      const t = exifJson(write(`${space}.icc`, iccProfile(space)));
      expect(t['ICC_Profile:ProfileDescription']).toBe(space === 'srgb' ? 'sRGB' : 'Display P3');
      expect(t['ICC-header:ProfileVersion']).toBe(1072); // 4.3.0 as exiftool's raw number (0x430)
      expect(t['ICC-header:ProfileClass']).toBe('mntr');
      expect(numbers(t['ICC_Profile:MediaWhitePoint'])).toEqual([0.9642, 1, 0.82491]);
      ['Red', 'Green', 'Blue'].forEach((c, i) => {
        const got = numbers(t[`ICC_Profile:${c}MatrixColumn`]);
        KNOWN[space][i].forEach((v, k) => expect(got[k]).toBeCloseTo(v, 3));
      });
      expect(numbers(t['ICC_Profile:ChromaticAdaptation'])[0]).toBeCloseTo(1.04788, 4);
    }
    const lin = exifJson(write('srgb-linear.icc', iccProfile('srgb', { transfer: 'linear' })));
    expect(lin['ICC_Profile:ProfileDescription']).toBe('sRGB (linear)');
  });

  it.skipIf(pil.skip)(pil.title('LittleCMS transforms colours through our profiles as the matrix maths says'), () => {
    pil.requireAvailable();
    const srgb = write('lc-srgb.icc', iccProfile('srgb'));
    const p3 = write('lc-p3.icc', iccProfile('display-p3'));
    const lin = write('lc-lin.icc', iccProfile('srgb', { transfer: 'linear' }));
    const out = run(PYTHON_OPENCV, ['-c', `import sys, json, random
from PIL import Image, ImageCms
srgb, p3, lin = (ImageCms.ImageCmsProfile(p) for p in sys.argv[1:4])
builtin = ImageCms.createProfile('sRGB')
def tf(a, b, px):
    im = Image.new('RGB', (len(px), 1)); im.putdata(px)
    t = ImageCms.buildTransform(a, b, 'RGB', 'RGB', renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    return [list(p) for p in ImageCms.applyTransform(im, t).getdata()]
random.seed(7)
px = [tuple(random.randrange(256) for _ in range(3)) for _ in range(500)]
print(json.dumps({'px': px, 'ours_to_builtin': tf(srgb, builtin, px), 'p3_to_srgb': tf(p3, srgb, px),
  'srgb_to_p3': tf(srgb, p3, px), 'lin_to_srgb': tf(lin, srgb, px)}))`, srgb, p3, lin]).stdout;
    const r = JSON.parse(out) as Record<'px' | 'ours_to_builtin' | 'p3_to_srgb' | 'srgb_to_p3' | 'lin_to_srgb', number[][]>;
    const maxDiff = (got: number[][], want: (px: number[]) => number[]): number =>
      Math.max(...got.flatMap((g, i) => want(r.px[i]).map((w, k) => Math.abs(w - g[k]))));
    /** Our own conversion: decode with `from`, matrix, clip, encode with sRGB's curve, to 8-bit codes. */
    const convertWith = (m: readonly number[], decode: (v: number) => number) => (px: number[]): number[] => {
      const l = px.map((v) => decode(v / 255));
      return [0, 1, 2].map((k) => Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, m[k * 3] * l[0] + m[k * 3 + 1] * l[1] + m[k * 3 + 2] * l[2])))));
    };
    // Our sRGB profile is LittleCMS's own sRGB to the last code.
    expect(maxDiff(r.ours_to_builtin, (px) => px)).toBeLessThanOrEqual(1);
    expect(maxDiff(r.p3_to_srgb, convertWith(conversionMatrix(DISPLAY_P3_PRIMARIES, SRGB_PRIMARIES), srgbToLinear))).toBeLessThanOrEqual(1);
    expect(maxDiff(r.srgb_to_p3, convertWith(conversionMatrix(SRGB_PRIMARIES, DISPLAY_P3_PRIMARIES), srgbToLinear))).toBeLessThanOrEqual(1);
    expect(maxDiff(r.lin_to_srgb, convertWith([1, 0, 0, 0, 1, 0, 0, 0, 1], (v) => v))).toBeLessThanOrEqual(1);
  });

  it.skipIf(pil.skip)(pil.title('LittleCMS reads our Adobe RGB (1998) profile as its primaries and 563/256 power say'), () => {
    pil.requireAvailable();
    const out = run(PYTHON_OPENCV, ['-c', `import sys, json, random
from PIL import Image, ImageCms
adobe, srgb = (ImageCms.ImageCmsProfile(p) for p in sys.argv[1:3])
random.seed(11)
px = [tuple(random.randrange(256) for _ in range(3)) for _ in range(500)]
im = Image.new('RGB', (len(px), 1)); im.putdata(px)
t = ImageCms.buildTransform(adobe, srgb, 'RGB', 'RGB', renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
print(json.dumps({'px': px, 'got': [list(p) for p in ImageCms.applyTransform(im, t).getdata()]}))`, write('ad.icc', adobeRgbProfile()), write('ad-srgb.icc', iccProfile('srgb'))]).stdout;
    const r = JSON.parse(out) as { px: number[][]; got: number[][] };
    const m = conversionMatrix(ADOBE_RGB_PRIMARIES, SRGB_PRIMARIES);
    let worst = 0;
    r.px.forEach((px, i) => {
      const l = px.map((v) => (v / 255) ** (563 / 256));
      [0, 1, 2].forEach((k) => {
        const want = Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, m[k * 3] * l[0] + m[k * 3 + 1] * l[1] + m[k * 3 + 2] * l[2]))));
        worst = Math.max(worst, Math.abs(want - r.got[i][k]));
      });
    });
    expect(worst).toBeLessThanOrEqual(1);
    expect(iccDescription(adobeRgbProfile())).toBe('Adobe RGB (1998)');
    expect(iccIsSrgb(adobeRgbProfile())).toBe(false);
  });

  it.skipIf(pil.skip)(pil.title('LittleCMS clips pure Display P3 primaries to the sRGB primaries'), () => {
    pil.requireAvailable();
    // P3 red is linear sRGB (1.2249, -0.0420, -0.0196): outside sRGB, it clips to (255, 0, 0); likewise green.
    const m = conversionMatrix(DISPLAY_P3_PRIMARIES, SRGB_PRIMARIES);
    expect([m[0], m[3], m[6]].map((v) => +v.toFixed(3))).toEqual([1.225, -0.042, -0.020]);
    const out = run(PYTHON_OPENCV, ['-c', `import sys, json
from PIL import Image, ImageCms
p3, srgb = (ImageCms.ImageCmsProfile(p) for p in sys.argv[1:3])
im = Image.new('RGB', (3, 1)); im.putdata([(255, 0, 0), (0, 255, 0), (0, 0, 255)])
t = ImageCms.buildTransform(p3, srgb, 'RGB', 'RGB', renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
print(json.dumps([list(p) for p in ImageCms.applyTransform(im, t).getdata()]))`, write('cl-p3.icc', iccProfile('display-p3')), write('cl-srgb.icc', iccProfile('srgb'))]).stdout;
    expect(JSON.parse(out)).toEqual([[255, 0, 0], [0, 255, 0], [0, 0, 255]]);
  });
});

/** JPEG marker segments before the frame header: [marker, payload start, payload length]. */
function segments(jpg: Uint8Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  let at = 2;
  while (jpg[at] === 0xff && jpg[at + 1] >= 0xe0 && jpg[at + 1] <= 0xef) {
    const len = (jpg[at + 2] << 8) | jpg[at + 3];
    out.push([jpg[at + 1], at + 4, len - 2]);
    at += 2 + len;
  }
  return out;
}

describe('encodeJpeg with an ICC profile', () => {
  const img = solid(48, 32, [[200, 40, 30], [30, 180, 60], [40, 60, 220]]);

  it('writes APP2 ICC_PROFILE after APP1 Exif (no JFIF), or after JFIF APP0 without EXIF', () => {
    const icc = iccProfile('display-p3');
    const withExif = encodeJpeg(img, { exif: { make: 'Luxfuse', colorSpace: 'uncalibrated' }, icc });
    expect(segments(withExif).map((s) => s[0])).toEqual([0xe1, 0xe2]);
    const [, at, len] = segments(withExif)[1];
    expect(String.fromCharCode(...withExif.subarray(at, at + 11))).toBe('ICC_PROFILE');
    expect([withExif[at + 11], withExif[at + 12], withExif[at + 13]]).toEqual([0, 1, 1]);
    expect(withExif.subarray(at + 14, at + len)).toEqual(icc);
    const plain = encodeJpeg(img, { icc });
    expect(segments(plain).map((s) => s[0])).toEqual([0xe0, 0xe2]);
    // The pixels are untouched by the extra segments.
    expect(decodeJpeg(plain).data).toEqual(decodeJpeg(encodeJpeg(img)).data);
  });

  it('splits a profile larger than one segment into numbered chunks that reassemble to it', () => {
    const big = new Uint8Array(ICC_CHUNK_BYTES * 2 + 1000);
    const p = iccProfile('srgb');
    big.set(p);
    new DataView(big.buffer).setUint32(0, big.length); // a valid profile followed by padding its size covers
    const jpg = encodeJpeg(img, { icc: big });
    const app2 = segments(jpg).filter((s) => s[0] === 0xe2);
    expect(app2.map(([, at]) => [jpg[at + 12], jpg[at + 13]])).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(app2.map(([, , len]) => len - 14)).toEqual([ICC_CHUNK_BYTES, ICC_CHUNK_BYTES, 1000]);
    const joined = new Uint8Array(big.length);
    let o = 0;
    for (const [, at, len] of app2) {
      joined.set(jpg.subarray(at + 14, at + len), o);
      o += len - 14;
    }
    expect(joined).toEqual(big);
    expect(() => encodeJpeg(img, { icc: new Uint8Array(0) })).toThrow(RangeError);
  });

  it.skipIf(exiftool.skip)(exiftool.title('exiftool finds the profile and EXIF ColorSpace in the JPEG'), () => {
    exiftool.requireAvailable();
    const path = write('p3.jpg', encodeJpeg(img, { exif: { make: 'Luxfuse', colorSpace: 'uncalibrated' }, icc: iccProfile('display-p3') }));
    const t = exifJson(path);
    expect(t['ICC_Profile:ProfileDescription']).toBe('Display P3');
    expect(numbers(t['ICC_Profile:RedMatrixColumn'])[0]).toBeCloseTo(0.51512, 4);
    expect(t['ExifIFD:ColorSpace']).toBe(65535);
    expect(JSON.parse(run('exiftool', ['-j', '-n', '-validate', path]).stdout)[0].Validate).toBe('0 0 0');
  });

  it.skipIf(convert.skip)(convert.title('ImageMagick extracts the same profile bytes, including a multi-segment one'), () => {
    convert.requireAvailable();
    for (const [name, icc] of [['small', iccProfile('srgb')], ['big', (() => {
      const big = new Uint8Array(ICC_CHUNK_BYTES + 777);
      big.set(iccProfile('srgb'));
      new DataView(big.buffer).setUint32(0, big.length);
      return big;
    })()]] as const) {
      const path = write(`im-${name}.jpg`, encodeJpeg(img, { exif: { make: 'Luxfuse' }, icc }));
      run('convert', [path, join(tmp.dir, `im-${name}.icc`)]);
      expect(new Uint8Array(readFileSync(join(tmp.dir, `im-${name}.icc`)))).toEqual(icc);
    }
    const verbose = run('identify', ['-verbose', join(tmp.dir, 'im-small.jpg')]).stdout;
    expect(verbose).toMatch(/Profile-icc: \d+ bytes/);
    expect(verbose).toMatch(/icc:description: sRGB/);
  });

  it.skipIf(convert.skip)(convert.title('ImageMagick (LittleCMS) converts our P3 JPEG to sRGB: P3 red clips to sRGB red'), () => {
    convert.requireAvailable();
    const p3img = solid(48, 16, [[255, 0, 0], [128, 128, 128]]);
    const src = write('conv-p3.jpg', encodeJpeg(p3img, { quality: 100, icc: iccProfile('display-p3') }));
    const out = join(tmp.dir, 'conv-srgb.txt');
    run('convert', [src, '-intent', 'Relative', '-profile', write('conv-srgb.icc', iccProfile('srgb')), '-crop', '1x1+4+8', '-depth', '8', `txt:${out}`]);
    const red = /\((\d+),(\d+),(\d+)\)/.exec(readFileSync(out, 'utf8'))!.slice(1).map(Number);
    expect(red[0]).toBeGreaterThanOrEqual(250);
    expect(red[1]).toBeLessThanOrEqual(6);
    expect(red[2]).toBeLessThanOrEqual(6);
  });
});

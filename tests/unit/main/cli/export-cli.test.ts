/** What `luxfuse merge` writes besides pixels: EXIF of the reference frame, ICC profiles, EXR header attributes, .hdr. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { iccProfile } from '../../../../src-shared/codecs/icc';
import { embeddedIcc } from '../../../../src-shared/codecs/icc-read';
import { FIXTURE_TIMES, writeBracket } from '../../helpers/bracket-fixture';
import { externalCommand, opencvTool, run, runOpencv } from '../../helpers/external-tools';

const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');
const exrheader = externalCommand('exrheader', 'openexr');
const opencv = opencvTool();

let dir: string;
let jpegs: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-export-cli-'));
  jpegs = writeBracket(dir, { prefix: 'shot' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...argv: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await runCli(argv, { out: () => {}, err: (t) => (err += t) });
  return { code, err };
}

describe('luxfuse merge outputs', () => {
  it.skipIf(exiftool.skip || exrheader.skip)(exiftool.title(exrheader.title('JPEG carries the reference frame EXIF and its ICC profile; EXR carries the capture attributes')), async () => {
    exiftool.requireAvailable();
    exrheader.requireAvailable();
    const [jpg, p3, exr] = ['srgb.jpg', 'p3.jpg', 'piz.exr'].map((n) => join(dir, n));
    expect((await cli('merge', ...jpegs, '--method', 'radiance', '--align', 'off', '--jpeg', jpg, '--exr', exr, '--exr-compression', 'piz')).code).toBe(0);
    const tags = JSON.parse(run('exiftool', ['-j', '-n', jpg]).stdout)[0];
    // The radiance map is normalised to the middle frame: its shot is the one described.
    expect(tags.ExposureTime).toBeCloseTo(FIXTURE_TIMES[1], 6);
    expect(tags).toMatchObject({ FNumber: 8, ISO: 100, Make: 'Luxfuse', Model: 'Test', ColorSpace: 1, Software: 'Luxfuse 0.1.0' });
    expect(tags.DateTimeOriginal).toBe('2026:01:01 12:00:01');
    expect(tags.ProfileDescription).toMatch(/sRGB/);
    const header = run('exrheader', [exr]).stdout;
    expect(header).toMatch(/compression .*piz/i);
    expect(header).toMatch(/capDate .*2026:01:01 12:00:01/);
    expect(header).toMatch(/expTime .*0\.016/);
    expect(header).toMatch(/aperture .*8/);

    expect((await cli('merge', ...jpegs, '--method', 'radiance', '--align', 'off', '--jpeg', p3, '--colorspace', 'display-p3')).code).toBe(0);
    const p3tags = JSON.parse(run('exiftool', ['-j', '-n', p3]).stdout)[0];
    expect(p3tags.ProfileDescription).toMatch(/P3/);
    expect(p3tags.ColorSpace).toBe(65535);
  });

  it.skipIf(opencv.skip)(opencv.title('--hdr writes Radiance RGBE that OpenCV reads, equal to the EXR within RGBE precision'), async () => {
    opencv.requireAvailable();
    const [hdr, exr] = [join(dir, 'r.hdr'), join(dir, 'r.exr')];
    expect((await cli('merge', ...jpegs, '--method', 'radiance', '--align', 'off', '--hdr', hdr, '--exr', exr, '--exr-float')).code).toBe(0);
    expect(readFileSync(hdr).subarray(0, 10).toString()).toBe('#?RADIANCE');
    const out = runOpencv(
      'import cv2, sys, numpy as np\n' +
        'h = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED); e = cv2.imread(sys.argv[2], cv2.IMREAD_UNCHANGED)\n' +
        'm = e.max(axis=2) > 1e-3\n' +
        'print(h.shape[1], h.shape[0], float(np.max(np.abs(h - e).max(axis=2)[m] / e.max(axis=2)[m])))',
      [hdr, exr],
    ).stdout.trim().split(' ');
    expect(out.slice(0, 2)).toEqual(['160', '112']);
    expect(Number(out[2])).toBeLessThan(1 / 128);
  });

  it('writes a P3 PNG with its profile, and refuses an unknown EXR compression as a usage error', async () => {
    // A PNG carries its ICC profile (iCCP) like the JPEG, so Display P3 is no longer refused.
    const png = join(dir, 'x.png');
    expect((await cli('merge', ...jpegs, '--png', png, '--colorspace', 'display-p3')).code).toBe(0);
    expect(embeddedIcc(readFileSync(png))).toEqual(iccProfile('display-p3'));
    const bad = await cli('merge', ...jpegs, '--exr', join(dir, 'x.exr'), '--exr-compression', 'b44');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--exr-compression: 'b44'/);
  });
});

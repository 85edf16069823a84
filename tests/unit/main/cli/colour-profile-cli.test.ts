/** Frames in another colour space than sRGB: luxfuse merge keeps their ICC profile in its JPEG and TIFF, and says what does not. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { describeMerge, type MergeReport } from '../../../../src-main/cli/merge-command';
import { adobeRgbProfile, iccProfile } from '../../../../src-shared/codecs/icc';
import { embeddedIcc } from '../../../../src-shared/codecs/icc-read';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { conversionMatrix, DISPLAY_P3_PRIMARIES, SRGB_PRIMARIES } from '../../../../src-shared/tonemap/output-space';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { decodePng } from '../../../../src-shared/codecs/png';
import { linearToSrgb } from '../../../../src-shared/image/srgb';
import { photograph, renderScene } from '../../../../scripts/make-sample';
import { externalCommand, run } from '../../helpers/external-tools';

const exiftool = externalCommand('exiftool', 'libimage-exiftool-perl');

const W = 96;
const H = 64;
const TIMES = [1 / 250, 1 / 60, 1 / 15];
let dir: string;

/** A JPEG bracket of the sample scene with this profile (or none) and EXIF ColorSpace. */
function bracket(prefix: string, icc: Uint8Array | undefined, colorSpace: 'srgb' | 'uncalibrated'): string[] {
  const scene = renderScene(W, H);
  return TIMES.map((time, i) => {
    const path = join(dir, `${prefix}-${i + 1}.jpg`);
    const exif = { exposureTime: time, fNumber: 8, iso: 100, make: 'Luxfuse', model: 'Test', dateTimeOriginal: `2026:01:01 12:00:0${i}`, colorSpace };
    writeFileSync(path, encodeJpeg({ width: W, height: H, data: photograph(scene, W, H, time, 7 + i) }, { quality: 95, exif, ...(icc ? { icc } : {}) }));
    return path;
  });
}

async function merge(files: string[], out: string, extra: string[] = []): Promise<{ warnings: string[]; colourSpace: unknown }> {
  let text = '';
  let err = '';
  const argv = ['merge', ...files, '--method', 'mertens', '--align', 'off', '--jpeg', `${out}.jpg`, '--tiff', `${out}.tif`, ...extra, '--json'];
  const code = await runCli(argv, { out: (t) => (text += t), err: (t) => (err += t) });
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(text);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-icc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('luxfuse merge of frames with a colour profile', () => {
  it('writes Display P3 frames\' JPEG and TIFF with their profile and their EXR in Rec. 709 primaries, and names their space', async () => {
    const p3 = iccProfile('display-p3');
    const out = join(dir, 'p3');
    const report = await merge(bracket('p3', p3, 'uncalibrated'), out, ['--exr-float', '--exr', `${out}.exr`]);
    expect(embeddedIcc(readFileSync(`${out}.jpg`))).toEqual(p3);
    expect(embeddedIcc(readFileSync(`${out}.tif`))).toEqual(p3);
    // The EXR is the same merge in Rec. 709 primaries: the sRGB-tagged bracket's EXR through the P3 -> sRGB matrix.
    const plain = join(dir, 'p3-as-srgb');
    await merge(bracket('p3-as-srgb', undefined, 'srgb'), plain, ['--exr-float', '--exr', `${plain}.exr`]);
    const wide = decodeExr(readFileSync(`${out}.exr`));
    const base = decodeExr(readFileSync(`${plain}.exr`));
    const m = conversionMatrix(DISPLAY_P3_PRIMARIES, SRGB_PRIMARIES);
    let worst = 0;
    let negative = 0;
    for (let i = 0; i < base.data.length; i += 3) {
      const scale = Math.max(1e-3, base.data[i], base.data[i + 1], base.data[i + 2]);
      for (let k = 0; k < 3; k++) {
        const want = m[k * 3] * base.data[i] + m[k * 3 + 1] * base.data[i + 1] + m[k * 3 + 2] * base.data[i + 2];
        worst = Math.max(worst, Math.abs(wide.data[i + k] - want) / scale);
        if (wide.data[i + k] < 0) negative++;
      }
    }
    // Profile colorants are 16.16 fixed point, rounded to sum to white: within 2e-3 of the pixel's largest channel.
    expect(worst).toBeLessThan(2e-3);
    expect(negative).toBeGreaterThan(0);
    // Named in the report; nothing to warn about, since every output keeps or converts the frames' colours.
    expect(report.colourSpace).toEqual({ name: 'Display P3', from: 'profile', display: 'kept' });
    expect(report.warnings).toEqual([]);
    expect(describeMerge(report as unknown as MergeReport)).toContain('colour space: "Display P3" (the frames\' ICC profile), not sRGB: the JPEG, PNG and TIFF keep it, the EXR and HDR are in sRGB\'s primaries');
  });

  it('leaves sRGB frames as they were: sRGB\'s profile out, nothing to say', async () => {
    const out = join(dir, 'srgb');
    const report = await merge(bracket('srgb', iccProfile('srgb'), 'srgb'), out);
    expect(embeddedIcc(readFileSync(`${out}.jpg`))).toEqual(iccProfile('srgb'));
    expect(report.warnings).toEqual([]);
    expect(report.colourSpace).toBeNull();
  });

  it('warns when the frames of one bracket are in different colour spaces', async () => {
    const [a, b, c] = bracket('mixed', iccProfile('display-p3'), 'uncalibrated');
    const [, plainB] = bracket('mixed-plain', undefined, 'srgb');
    const report = await merge([a, plainB, c], join(dir, 'mixed'));
    expect(b).toBeTruthy();
    expect(report.warnings).toEqual([expect.stringMatching(/^The frames are in different colour spaces \(Display P3, sRGB\): the merge mixes their samples as they are/)]);
    // The reference (middle) frame is sRGB: the outputs are too.
    expect(report.colourSpace).toBeNull();
  });

  it.skipIf(exiftool.skip)(exiftool.title('takes a camera\'s Adobe RGB from its EXIF (ColorSpace uncalibrated, interop index R03), and not from "uncalibrated" alone'), async () => {
    exiftool.requireAvailable();
    const camera = bracket('adobe', undefined, 'srgb');
    run('exiftool', ['-q', '-overwrite_original', '-ColorSpace=Uncalibrated', '-InteropIndex=R03', ...camera]);
    const out = join(dir, 'adobe');
    const report = await merge(camera, out);
    expect(embeddedIcc(readFileSync(`${out}.jpg`))).toEqual(adobeRgbProfile());
    expect(embeddedIcc(readFileSync(`${out}.tif`))).toEqual(adobeRgbProfile());
    expect(report.colourSpace).toEqual({ name: 'Adobe RGB (1998)', from: 'exif', display: 'kept' });
    expect(report.warnings).toEqual([]);
    // exiftool writes ColorSpace 65535 into every EXIF it creates: that alone is no colour space.
    const tagged = bracket('tagged', undefined, 'uncalibrated');
    const plain = join(dir, 'tagged');
    expect(await merge(tagged, plain)).toMatchObject({ warnings: [], colourSpace: null });
    expect(embeddedIcc(readFileSync(`${plain}.jpg`))).toEqual(iccProfile('srgb'));
  });

  it('converts frames from their own space into an asked-for Display P3: P3 frames keep their codes, the PNG carries the profile', async () => {
    const frames = bracket('asked', iccProfile('display-p3'), 'uncalibrated');
    const kept = join(dir, 'kept');
    const asked = join(dir, 'asked');
    await merge(frames, kept, ['--png', `${kept}.png`]);
    await merge(frames, asked, ['--colorspace', 'display-p3', '--png', `${asked}.png`]);
    expect(embeddedIcc(readFileSync(`${asked}.jpg`))).toEqual(iccProfile('display-p3'));
    // The default output keeps the frames' codes and profile; the P3 output converts P3 into P3, which changes nothing
    // (the profile's 16.16 colorants: within a code). Read as sRGB, it would have been sRGB -> P3, duller by up to 25 codes here.
    for (const f of [kept, asked]) expect(embeddedIcc(readFileSync(`${f}.png`))).toEqual(iccProfile('display-p3'));
    const a = decodePng(readFileSync(`${kept}.png`));
    const b = decodePng(readFileSync(`${asked}.png`));
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(linearToSrgb(a.data[i]) - linearToSrgb(b.data[i])) * 255);
    expect(worst).toBeLessThanOrEqual(1.01);
  });
});

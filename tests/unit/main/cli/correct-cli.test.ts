/** `luxfuse correct`: one badly exposed JPEG to a well-exposed PNG/JPEG and an HDR estimate, through the real CLI. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { toSrgb8 } from '../../../../src-shared/correct/display8';
import { correctlyExposedScene, exposed, psnr8 } from '../../shared/correct/correct-helpers';
import { writePagedBracket } from '../../helpers/tiff-pages';

const scene = correctlyExposedScene(300, 200);
const truth = exposed(scene, 0);
let dir: string;

function writeJpeg(name: string, stops: number): string {
  const path = join(dir, name);
  const frame = exposed(scene, stops);
  writeFileSync(path, encodeJpeg(toSrgb8(frame), { quality: 92, exif: { exposureTime: 1 / 125, fNumber: 8, iso: 100, make: 'Luxfuse', model: 'Test' } }));
  return path;
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-correct-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('luxfuse correct', () => {
  it('classical: corrects a frame 3 stops under to the right exposure and writes PNG, JPEG and EXR', async () => {
    const input = writeJpeg('under.jpg', -3);
    const original = readFileSync(input);
    const png = join(dir, 'under-fixed.png');
    const jpg = join(dir, 'under-fixed.jpg');
    const exr = join(dir, 'under-fixed.exr');
    const r = await cli(['correct', input, '--method', 'classical', '--png', png, '--jpeg', jpg, '--exr', exr, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out);
    expect(report.stops).toBeGreaterThan(2.7);
    expect(report.stops).toBeLessThan(3.3);
    expect(report.outputs).toEqual([exr, jpg, png]);
    const fixed = decodeImage(new Uint8Array(readFileSync(png)), png);
    expect([fixed.width, fixed.height]).toEqual([300, 200]);
    const before = psnr8(decodeImage(new Uint8Array(original), input), truth);
    expect(psnr8(fixed, truth)).toBeGreaterThan(before + 10);
    // The HDR estimate is scene-referred: median luminance at 18% grey.
    const hdr = decodeExr(new Uint8Array(readFileSync(exr)), exr);
    const lum = new Float32Array(hdr.width * hdr.height).map((_, p) => 0.2126 * hdr.data[p * hdr.channels] + 0.7152 * hdr.data[p * hdr.channels + 1] + 0.0722 * hdr.data[p * hdr.channels + 2]);
    expect(lum.sort()[lum.length >> 1]).toBeCloseTo(0.18, 1);
    expect(readFileSync(input).equals(original)).toBe(true);
  });

  it('learned (default): the shipped networks correct an over-exposed frame better than the input', async () => {
    const input = writeJpeg('over.jpg', 2);
    const png = join(dir, 'over-fixed.png');
    const r = await cli(['correct', input, '--png', png, '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).method).toBe('learned');
    expect(JSON.parse(r.out).stops).toBeLessThan(-1);
    const fixed = decodeImage(new Uint8Array(readFileSync(png)), png);
    const before = psnr8(decodeImage(new Uint8Array(readFileSync(input)), input), truth);
    expect(psnr8(fixed, truth)).toBeGreaterThan(before + 3);
  });

  it('says what to do when the model files are missing, and writes nothing', async () => {
    const input = writeJpeg('plain.jpg', -2);
    const png = join(dir, 'nomodel.png');
    const saved = process.env.LUXFUSE_MODELS;
    process.env.LUXFUSE_MODELS = join(dir, 'no-models-here');
    try {
      const r = await cli(['correct', input, '--png', png]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/HDR estimation model is missing.*--method classical/);
      expect(existsSync(png)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.LUXFUSE_MODELS;
      else process.env.LUXFUSE_MODELS = saved;
    }
  });

  it('refuses bad usage with exit status 2 and never writes over its input', async () => {
    const input = writeJpeg('usage.jpg', -2);
    expect((await cli(['correct', input])).err).toMatch(/give at least one output/);
    expect((await cli(['correct', input, input, '--png', join(dir, 'x.png')])).code).toBe(2);
    expect((await cli(['correct', input, '--method', 'mertens', '--png', join(dir, 'x.png')])).err).toMatch(/not one of learned, classical/);
    const foreign = await cli(['correct', input, '--exposure', '1', '--tonemap', 'filmic', '--png', join(dir, 'x.png')]);
    expect(foreign.code).toBe(2);
    expect(foreign.err).toMatch(/does not take --tonemap, --exposure/);
    const same = await cli(['correct', input, '--method', 'classical', '--jpeg', input]);
    expect(same.code).not.toBe(0);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });

  it('reports a corrupt input as bad input (exit 1), naming the file', async () => {
    const bad = join(dir, 'broken.jpg');
    writeFileSync(bad, readFileSync(writeJpeg('whole.jpg', -2)).subarray(0, 600));
    const r = await cli(['correct', bad, '--method', 'classical', '--png', join(dir, 'broken.png')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('broken.jpg');
    expect(r.err).not.toMatch(/internal error/);
  });

  it('says in its warnings (--json and text) that only the first page of a multi-page TIFF was corrected', async () => {
    const paged = writePagedBracket(mkdtempSync(join(dir, 'pages-')))[1];
    const warning = `${paged} holds 2 full-resolution images (pages); only the first (48x32) is read`;
    const png = join(dir, 'paged-fixed.png');
    const json = await cli(['correct', paged, '--method', 'classical', '--png', png, '--json']);
    expect(json.err).toBe('');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out).warnings).toEqual([warning]);
    const text = await cli(['correct', paged, '--method', 'classical', '--png', png]);
    expect(text.code).toBe(0);
    expect(text.out.split('\n')).toContain(`warning: ${warning}`);
    // A frame with nothing to say has an empty list, so scripts can read the field always.
    const plain = await cli(['correct', writeJpeg('plain.jpg', -1), '--method', 'classical', '--png', join(dir, 'plain-fixed.png'), '--json']);
    expect(JSON.parse(plain.out).warnings).toEqual([]);
  });
});

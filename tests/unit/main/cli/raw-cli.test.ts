/** `luxfuse merge` on camera RAW: three DNGs of one HDR scene, two stops apart, merge to a consistent radiance map. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { stopRawDecoder } from '../../../../src-main/services/raw-decode';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { writeDng, type Rgb } from '../../helpers/dng-writer';

const WIDTH = 192;
const HEIGHT = 128;
/** Exposure of each frame relative to the middle one, and its shutter time. */
const GAINS = [1 / 4, 1, 4];
const TIMES = [1 / 400, 1 / 100, 1 / 25];

/** Scene radiance in units of the middle frame's white level: flat patches over an 11-stop gradient. */
const PATCHES: { x: number; y: number; size: number; rgb: Rgb }[] = [
  { x: 16, y: 16, size: 32, rgb: [0.02, 0.02, 0.02] }, // dark: well exposed only in the long frame
  { x: 80, y: 16, size: 32, rgb: [0.3, 0.3, 0.3] }, // mid: well exposed in the middle frame
  { x: 144, y: 16, size: 32, rgb: [3, 3, 3] }, // bright: clipped except in the short frame
  { x: 80, y: 72, size: 32, rgb: [1.2, 0.6, 0.25] }, // a colour past the middle frame's clip
];

function scene(x: number, y: number): Rgb {
  for (const p of PATCHES) if (x >= p.x && x < p.x + p.size && y >= p.y && y < p.y + p.size) return p.rgb;
  const g = 2 ** (-7 + (11 * x) / (WIDTH - 1));
  return [g, g, g];
}

let dir: string;
let files: string[];

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-raw-cli-'));
  files = GAINS.map((exposure, i) => {
    const path = join(dir, `${'abc'[i]}.dng`);
    const exif = { exposureTime: TIMES[i], fNumber: 8, iso: 100, dateTimeOriginal: `2026:05:01 10:00:0${i}` };
    writeFileSync(path, writeDng({ width: WIDTH, height: HEIGHT, scene, exposure, exif }));
    return path;
  });
});
afterAll(() => {
  stopRawDecoder();
  rmSync(dir, { recursive: true, force: true });
});

describe('luxfuse merge on DNG files', () => {
  it('merges three DNGs to an EXR whose radiance agrees with every frame and with the scene', async () => {
    const exr = join(dir, 'out.exr');
    const { code, out, err } = await cli('merge', ...files, '--method', 'radiance', '--exr', exr, '--exr-float', '--json');
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect([report.width, report.height]).toEqual([WIDTH, HEIGHT]);
    expect(report.frames.map((f: { evSource: string }) => f.evSource)).toEqual(['metadata', 'metadata', 'metadata']);
    expect(report.referenceFrame).toBe(1);
    report.frames.forEach((f: { ev: number }, i: number) => expect(f.ev).toBeCloseTo(Math.log2(GAINS[i]), 2));
    for (const c of report.consistency) expect(c).toBeLessThan(0.02);

    // Radiance is in units of the reference (middle) frame: the scene value itself, clipped or not in that frame.
    const image = decodeExr(readFileSync(exr));
    for (const p of PATCHES) {
      const sum: Rgb = [0, 0, 0];
      const n = p.size / 2;
      for (let y = p.y + n / 2; y < p.y + n / 2 + n; y++) {
        for (let x = p.x + n / 2; x < p.x + n / 2 + n; x++) for (let c = 0; c < 3; c++) sum[c] += image.data[(y * WIDTH + x) * 3 + c];
      }
      sum.forEach((s, c) => expect(Math.abs(s / (n * n) / p.rgb[c] - 1)).toBeLessThan(0.02));
    }
  });

  it('runs from the bin script too (worker and WASM found outside the test runner)', () => {
    const exr = join(dir, 'bin.exr');
    const r = spawnSync(process.execPath, [resolve('bin/luxfuse.mjs'), 'merge', ...files, '--method', 'radiance', '--exr', exr], {
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(decodeExr(readFileSync(exr)).width).toBe(WIDTH);
  });

  it('names a corrupt DNG in the error', async () => {
    const broken = join(dir, 'broken.dng');
    writeFileSync(broken, readFileSync(files[1]).subarray(0, 5000));
    const { code, err } = await cli('merge', files[0], broken, files[2], '--method', 'radiance', '--exr', join(dir, 'no.exr'));
    expect(code).toBe(1);
    expect(err).toMatch(/^luxfuse: .*broken\.dng: unsupported camera or corrupt RAW data: LibRaw says .*end of file/);
  });
});

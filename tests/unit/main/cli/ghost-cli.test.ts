/** `luxfuse merge --deghost / --reference / --ghost-mask`: the mask file, the report, and clear refusals. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { decodePng, encodePng } from '../../../../src-shared/codecs/png';
import { bracketAroundMedian, renderDynamicBracket, type DynamicBracket } from '../../../../src-shared/ghost/dynamic-bracket';
import { radianceField } from '../../shared/merge/synthetic-bracket';

const W = 180;
const H = 120;
let dir: string;
let files: string[];
let bracket: DynamicBracket;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-ghost-cli-'));
  const radiance = radianceField(W, H, 8, 21);
  bracket = renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, 3, 2), seed: 21, objects: 2 });
  files = bracket.codes.map((codes, i) => {
    const path = join(dir, `walk-${i + 1}.png`);
    writeFileSync(path, encodePng({ width: W, height: H, channels: 3, bits: 8, data: codes }));
    return path;
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('luxfuse merge --ghost-mask', () => {
  it('writes the mask as an 8-bit grey PNG at the input size, white where it deghosted, and reports it', async () => {
    const maskPath = join(dir, 'mask.png');
    const { code, out, err } = await cli(['merge', ...files, '--png', join(dir, 'out.png'), '--ghost-mask', maskPath, '--reference', '2', '--json']);
    expect(err).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(out);
    expect(report.deghost).toMatchObject({ mode: 'auto', detector: 'judge', reference: 1, maskFile: maskPath });
    expect(report.outputs).toContain(maskPath);
    const bytes = readFileSync(maskPath);
    // IHDR: bit depth 8, colour type 0 (grey).
    expect([bytes[24], bytes[25]]).toEqual([8, 0]);
    const mask = decodePng(new Uint8Array(bytes), 'mask.png');
    expect([mask.width, mask.height, mask.channels]).toEqual([W, H, 1]);
    expect(mask.data.every((v) => v === 0 || v === 1)).toBe(true);
    let white = 0;
    let hits = 0;
    mask.data.forEach((v, p) => {
      white += v;
      hits += v * bracket.union[p];
    });
    expect(report.deghost.maskArea).toBeCloseTo(white / (W * H), 6);
    expect(white).toBeGreaterThan(0);
    // Most of what it masked moved.
    expect(hits / white).toBeGreaterThan(0.7);
  });

  it('deghosts without writing a mask, and says so in the plain report', async () => {
    const { code, out } = await cli(['merge', ...files, '--png', join(dir, 'auto.png'), '--deghost', 'auto']);
    expect(code).toBe(0);
    expect(out).toMatch(/deghosted from walk-\d\.png \(judge network\): \d+\.\d% of the image/);
  });

  it('deghosts the learned fusion and the radiance merge too', async () => {
    for (const method of ['learned', 'radiance']) {
      const maskPath = join(dir, `mask-${method}.png`);
      const { code, out, err } = await cli(['merge', ...files, '--method', method, '--png', join(dir, `${method}.png`), '--ghost-mask', maskPath, '--exposure-times', '1/100,1/25,1/6', '--json']);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(out).deghost.mode).toBe('auto');
      expect(decodePng(new Uint8Array(readFileSync(maskPath)), 'mask.png').width).toBe(W);
    }
  });

  it('leaves deghosting off by default', async () => {
    const { code, out } = await cli(['merge', ...files, '--png', join(dir, 'plain.png'), '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(out).deghost).toEqual({ mode: 'off' });
  });

  it('refuses a reference that is not a frame number, with the range in the message (exit 2)', async () => {
    for (const bad of ['0', '4', 'x', '1.5', '-1', '']) {
      const { code, err } = await cli(['merge', ...files, '--png', join(dir, 'r.png'), '--deghost', 'auto', `--reference=${bad}`]);
      expect(code).toBe(2);
      expect(err).toMatch(/--reference: '.*' is not a frame number from 1 to 3/);
    }
  });

  it('finds what moved with either detector: the judge network (default) and the classical baseline', async () => {
    const precision = async (detector: string): Promise<{ detector: string; precision: number; area: number }> => {
      const maskPath = join(dir, `mask-${detector}.png`);
      const { code, out, err } = await cli(['merge', ...files, '--png', join(dir, `${detector}.png`), '--ghost-mask', maskPath, '--ghost-detector', detector, '--json']);
      expect(code, err).toBe(0);
      const mask = decodePng(new Uint8Array(readFileSync(maskPath)), 'mask.png');
      let white = 0;
      let hits = 0;
      mask.data.forEach((v, p) => {
        white += v;
        hits += v * bracket.union[p];
      });
      return { detector: JSON.parse(out).deghost.detector, precision: hits / Math.max(1, white), area: white };
    };
    for (const detector of ['judge', 'classical']) {
      const r = await precision(detector);
      expect(r.detector).toBe(detector);
      expect(r.area).toBeGreaterThan(0);
      expect(r.precision).toBeGreaterThan(0.7);
    }
    const unknown = await cli(['merge', ...files, '--png', join(dir, 'r.png'), '--deghost', 'auto', '--ghost-detector', 'psychic']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/--ghost-detector: 'psychic' is not one of judge, classical/);
    const off = await cli(['merge', ...files, '--png', join(dir, 'r.png'), '--ghost-detector', 'classical']);
    expect(off.code).toBe(2);
    expect(off.err).toMatch(/--ghost-detector .*add --deghost auto/);
  }, 60_000);

  it('refuses a reference without deghosting, an unknown mode and a mask with deghosting off (exit 2)', async () => {
    const noDeghost = await cli(['merge', ...files, '--png', join(dir, 'r.png'), '--reference', '1']);
    expect(noDeghost.code).toBe(2);
    expect(noDeghost.err).toMatch(/--reference .*--deghost auto/);
    const mode = await cli(['merge', ...files, '--png', join(dir, 'r.png'), '--deghost', 'maybe']);
    expect(mode.code).toBe(2);
    expect(mode.err).toMatch(/--deghost: 'maybe' is not one of off, auto/);
    const off = await cli(['merge', ...files, '--ghost-mask', join(dir, 'm.png'), '--deghost', 'off']);
    expect(off.code).toBe(2);
    expect(off.err).toMatch(/--ghost-mask needs deghosting/);
  });
});

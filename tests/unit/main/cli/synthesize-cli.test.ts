/** `luxfuse merge --synthesize`: a bracket whose darkest frame still clips gets a synthetic darker frame from its HDR estimate. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { exrHighlight as highlight } from '../../helpers/exr-highlight';

const SAMPLES = resolve(import.meta.dirname, '../../../../resources/samples');
/** The sample bracket without its darkest frame: the window clips in both frames left. */
const [, middle, bright] = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => join(SAMPLES, f));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-synth-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function merge(extra: string[], exr: string): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['merge', middle, bright, '--method', 'radiance', '--align', 'off', '--exr', exr, '--json', ...extra], {
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { code, out, err };
}


describe('luxfuse merge --synthesize', () => {
  it('adds a synthetic frame 2 stops under the darkest, and the clipped highlights get brighter than the clip', async () => {
    const plain = await merge([], join(dir, 'plain.exr'));
    expect(plain.code).toBe(0);
    const synth = await merge(['--synthesize', 'dark'], join(dir, 'synth.exr'));
    expect(synth.err).toBe('');
    expect(synth.code).toBe(0);
    const report = JSON.parse(synth.out);
    expect(report.frames).toHaveLength(3);
    expect(report.frames[2].file).toMatch(/^synthetic -2 EV from .*sample-2\.jpg$/);
    // Two stops under the darkest real frame, as far as the merge can tell from the pixels too.
    expect(report.frames[2].ev - Math.min(report.frames[0].ev, report.frames[1].ev)).toBeCloseTo(-2, 0);
    expect(highlight(join(dir, 'synth.exr'))).toBeGreaterThan(1.2 * highlight(join(dir, 'plain.exr')));
  }, 60_000);

  it('refuses what it cannot honour, with exit status 2', async () => {
    for (const extra of [['--synthesize', 'sideways'], ['--synthesize', 'dark', '--exposure-times', '1/125,1/15'], ['--synthesize', 'dark', '--deghost', 'auto']]) {
      const r = await merge(extra, join(dir, 'x.exr'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--synthesize/);
    }
  });
});

/** `luxfuse merge --align`: a handheld bracket (frames shifted by whole pixels) is put back on the reference grid. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { photograph, renderScene } from '../../../../scripts/make-sample';

const W = 320;
const H = 224;
const TIMES = [1 / 250, 1 / 60, 1 / 15];
/** Where each frame's window sits in the larger scene: frame 1 is the reference. */
const OFFSETS: [number, number][] = [
  [10, 12],
  [8, 8],
  [4, 11],
];

let dir: string;
let files: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-align-cli-'));
  const [SW, SH] = [W + 24, H + 24];
  const scene = renderScene(SW, SH);
  files = TIMES.map((t, i) => {
    const full = photograph(scene, SW, SH, t, 90 + i);
    const [ox, oy] = OFFSETS[i];
    const crop = new Uint8ClampedArray(W * H * 4);
    for (let y = 0; y < H; y++) crop.set(full.subarray(((y + oy) * SW + ox) * 4, ((y + oy) * SW + ox + W) * 4), y * W * 4);
    const path = join(dir, `hand-${i + 1}.jpg`);
    writeFileSync(path, encodeJpeg({ width: W, height: H, data: crop }, { quality: 95, exif: { exposureTime: t, fNumber: 8, iso: 100, make: 'Luxfuse', model: 'Test', dateTimeOriginal: `2026:01:01 12:00:0${i}` } }));
    return path;
  });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function merge(align: string): Promise<{ code: number; report: Record<string, unknown> & { consistency: number[]; alignment: { reference: number; frames: { dx: number; dy: number; method: string }[] } } }> {
  let out = '';
  const code = await runCli(['merge', ...files, '--method', 'radiance', '--exr', join(dir, `${align}.exr`), '--align', align, '--json'], {
    out: (t) => (out += t),
    err: () => {},
  });
  return { code, report: JSON.parse(out) };
}

describe('luxfuse merge --align', () => {
  it('finds the shifts of a handheld bracket and the merge agrees better with every frame', async () => {
    const aligned = await merge('similarity');
    expect(aligned.code).toBe(0);
    const { reference, frames } = aligned.report.alignment;
    expect(frames[reference].method).toBe('reference');
    // Scene point p sits at p - o_ref in the reference and at p - o_i in frame i: frame pixel = reference pixel + (o_ref - o_i).
    for (const i of [0, 1, 2].filter((k) => k !== reference)) {
      expect(frames[i].method).not.toBe('none');
      expect(Math.abs(frames[i].dx - (OFFSETS[reference][0] - OFFSETS[i][0]))).toBeLessThan(0.3);
      expect(Math.abs(frames[i].dy - (OFFSETS[reference][1] - OFFSETS[i][1]))).toBeLessThan(0.3);
    }
    const off = await merge('off');
    expect(off.code).toBe(0);
    expect(off.report.alignment.frames.every((f) => f.method === 'none')).toBe(true);
    const worst = (c: number[]) => Math.max(...c.filter(Number.isFinite));
    expect(worst(aligned.report.consistency)).toBeLessThan(worst(off.report.consistency));
  });

  it('rejects an unknown mode as a usage error', async () => {
    let err = '';
    const code = await runCli(['merge', ...files, '--jpeg', join(dir, 'x.jpg'), '--align', 'sideways'], { out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(2);
    expect(err).toMatch(/--align: 'sideways'/);
  });
});

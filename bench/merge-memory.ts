// npx tsx bench/merge-memory.ts [--quick]: the CLI's peak RSS per method against the estimate a merge is checked against
// before it starts (src-shared/pipeline/merge-memory.ts, MERGE_MEMORY). The frames: the bundled sample bracket
// (resources/samples) scaled up bilinearly to 12 MP (4240 x 2832: 3 and 5 frames, the last two repeating the first two
// with other times) and 24 MP (6000 x 4000: 3 frames), written as 16-bit TIFFs to a temporary folder. Each merge:
// `luxfuse merge FRAMES --method M --align similarity --exposure-times ... --jpeg o.jpg --exr o.exr` under
// `/usr/bin/time -f %M` (the largest process's peak RSS), LUXFUSE_MEMORY_CHECK=off so the check itself refuses
// nothing. Prints measured, estimated (with its margin) and their ratio; the model's constants were fitted to these
// runs (as measured 2026-12-02) and should be fitted again when a stage's memory changes. --quick: 12 MP only.
// --deghost: each merge with `--deghost auto` too (the judge network), and the estimate with deghosting.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeImage } from '../src-shared/codecs/decode';
import { encodeTiff } from '../src-shared/codecs/tiff-write';
import type { LinearImage } from '../src-shared/image/linear-image';
import { linearToSrgb } from '../src-shared/image/srgb';
import { mergePeakBytes } from '../src-shared/pipeline/merge-memory';
import type { Method } from '../src-shared/pipeline/merge-bracket';

const root = resolve(import.meta.dirname, '..');
const quick = process.argv.includes('--quick');
const deghost = process.argv.includes('--deghost');
const samples = [1, 2, 3].map((i) => decodeImage(new Uint8Array(readFileSync(join(root, `resources/samples/sample-${i}.jpg`))), `sample-${i}.jpg`));
const TIMES = [0.005, 0.02, 0.08, 0.0025, 0.04];

/** The frame scaled bilinearly to w x h, sRGB-encoded in 16 bits. */
function scaled(frame: LinearImage, w: number, h: number): Uint16Array {
  const out = new Uint16Array(w * h * 3);
  const sx = (frame.width - 1) / (w - 1);
  const sy = (frame.height - 1) / (h - 1);
  const table = new Uint16Array(4097);
  for (let i = 0; i <= 4096; i++) table[i] = Math.round(linearToSrgb(i / 4096) * 65535);
  const at = (x: number, y: number, c: number) => frame.data[(y * frame.width + x) * 3 + c];
  for (let y = 0; y < h; y++) {
    const fy = y * sy;
    const y0 = Math.floor(fy);
    const y1 = Math.min(frame.height - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = x * sx;
      const x0 = Math.floor(fx);
      const x1 = Math.min(frame.width - 1, x0 + 1);
      const tx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const v = (at(x0, y0, c) * (1 - tx) + at(x1, y0, c) * tx) * (1 - ty) + (at(x0, y1, c) * (1 - tx) + at(x1, y1, c) * tx) * ty;
        out[(y * w + x) * 3 + c] = table[Math.round(Math.min(1, Math.max(0, v)) * 4096)];
      }
    }
  }
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-merge-memory-'));
try {
  const sizes: Array<[number, number, number]> = [
    [4240, 2832, 3],
    [4240, 2832, 5],
    ...(quick ? [] : ([[6000, 4000, 3]] as Array<[number, number, number]>)),
  ];
  console.log(`method${deghost ? ' (deghosted)' : ''} | frames | size | peak RSS | estimate | estimate / peak`);
  for (const [w, h, k] of sizes) {
    const files = [...Array(k).keys()].map((i) => {
      const path = join(dir, `f${w}-${i}.tif`);
      writeFileSync(path, encodeTiff({ width: w, height: h, channels: 3, bits: 16, data: scaled(samples[i % 3], w, h) }));
      return path;
    });
    for (const method of ['mertens', 'radiance', 'learned'] as Method[]) {
      const args = ['-f', '%M', process.execPath, join(root, 'bin/luxfuse.mjs'), 'merge', ...files, '--method', method, '--align', 'similarity'];
      args.push('--exposure-times', TIMES.slice(0, k).join(','), '--jpeg', join(dir, 'o.jpg'), '--exr', join(dir, 'o.exr'));
      if (deghost) args.push('--deghost', 'auto');
      const run = spawnSync('/usr/bin/time', args, { env: { ...process.env, LUXFUSE_MEMORY_CHECK: 'off' }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      const last = run.stderr.trim().split('\n').at(-1) ?? '';
      if (run.status !== 0 || !/^\d+$/.test(last)) {
        console.log(`${method} | ${k} | ${w} x ${h} | failed: ${last}`);
        continue;
      }
      const peak = Number(last) * 1024;
      const estimate = mergePeakBytes(w, h, k, method, { deghost });
      const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
      console.log(`${method} | ${k} | ${w} x ${h} | ${mib(peak)} | ${mib(estimate)} | ${(estimate / peak).toFixed(2)}`);
    }
    rmSync(join(dir, 'o.jpg'), { force: true });
    for (const f of files) rmSync(f);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * JPEG decoding of a frame, as readFrame does it: jpeg-js (the pure decoder in src-shared, and the fallback)
 * against libjpeg-turbo through sharp (src-main/services/native-jpeg.ts), each to the engine's linear float
 * frame, in one process; and ImageMagick's `convert` (libjpeg) decoding the same file to raw RGB as the
 * reference tool, timed as a command. Min and median of the runs. Then how far the two decoders' pixels are
 * apart, in 8-bit sRGB levels: the share of samples 1 level apart, over 2 apart, and the largest difference.
 * Input: the JPEGs given, else the bench's procedural scene at 6000x4000 (24 MP), encoded by Luxfuse at quality 92.
 * Usage: npx tsx bench/jpeg-decode.ts [--runs 5] [a.jpg ...]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJpegNative } from '../src-main/services/native-jpeg';
import { decodeJpeg, encodeJpeg } from '../src-shared/codecs/jpeg';
import { linearToSrgb } from '../src-shared/image/srgb';
import { photograph, renderScene } from '../scripts/make-sample';

async function timed(runs: number, work: () => unknown): Promise<number[]> {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    await work();
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b);
}

/** How far two linear frames of one JPEG are apart in 8-bit sRGB levels (the decoders' codes, recovered exactly). */
function levelsApart(a: Float32Array, b: Float32Array): { one: number; overTwo: number; largest: number } {
  const code = (v: number): number => Math.round(linearToSrgb(v) * 255);
  let one = 0;
  let overTwo = 0;
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(code(a[i]) - code(b[i]));
    if (d === 1) one++;
    else if (d > 2) overTwo++;
    if (d > largest) largest = d;
  }
  return { one: one / a.length, overTwo: overTwo / a.length, largest };
}

const cell = (ms: number[]): string => `${(ms[0] / 1000).toFixed(2)} / ${(ms[ms.length >> 1] / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) : 5;
  const work = mkdtempSync(join(tmpdir(), 'luxfuse-jpeg-bench-'));
  try {
    let files = args.filter((a) => /\.jpe?g$/i.test(a));
    if (files.length === 0) {
      const [w, h] = [6000, 4000];
      const path = join(work, 'scene-24mp.jpg');
      writeFileSync(path, encodeJpeg({ width: w, height: h, data: photograph(renderScene(w, h), w, h, 1 / 60, 8) }, { quality: 92 }));
      files = [path];
    }
    const convert = spawnSync('which', ['convert']).status === 0;
    console.log(`${runs} runs each, min / median`);
    console.log(`| file | size | jpeg-js → frame | libjpeg-turbo (sharp) → frame | ImageMagick convert → raw RGB (command) | jpeg-js / sharp | samples 1 level apart | over 2 apart | largest |`);
    console.log('|---|---|---|---|---|---|---|---|---|');
    for (const file of files) {
      const bytes = new Uint8Array(readFileSync(file));
      const probe = await decodeJpegNative(bytes, file);
      if (!probe) throw new Error(`${file}: sharp did not decode it (not installed, CMYK, or a file libjpeg warns about)`);
      const js = await timed(runs, () => decodeJpeg(bytes, file));
      const native = await timed(runs, () => decodeJpegNative(bytes, file));
      const im = convert ? await timed(runs, () => spawnSync('convert', [file, '-depth', '8', `rgb:${join(work, 'out.rgb')}`])) : null;
      const name = file.split('/').pop();
      const apart = levelsApart(decodeJpeg(bytes, file).data, probe.data);
      const pct = (share: number): string => `${(share * 100).toFixed(1)} %`;
      console.log(
        `| ${name} | ${probe.width}x${probe.height} | ${cell(js)} | ${cell(native)} | ${im ? cell(im) : 'not installed'} | ${(js[js.length >> 1] / native[native.length >> 1]).toFixed(1)}x | ${pct(apart.one)} | ${pct(apart.overTwo)} | ${apart.largest} |`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();

/**
 * The JPEG encode of an export's display image: jpeg-js's encoder (what exports used before), ours on
 * one thread, ours in strips on the compute workers and this thread (what exports do now), and
 * libjpeg-turbo through Pillow (the reference: same quality, 4:4:4, timed inside Python) on
 * the same pixels: median time, size, PSNR against the pixels. Input: the bench's procedural scene at
 * 6000x4000, photographed at 1/60 s as an 8-bit display image.
 * Usage: npx tsx bench/jpeg-encode.ts [--runs 3] [--quality 92]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { encodeJpeg } from '../src-shared/codecs/jpeg';
import { tryCompute, useComputeWorkers } from '../src-main/compute/compute-pool';
import { displayBytes, startJpegEncode } from '../src-main/compute/parallel-jpeg';
import { photograph, renderScene } from '../scripts/make-sample';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1]) || 3;
const quality = Number(args[args.indexOf('--quality') + 1]) || 92;
const [width, height] = [6000, 4000];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];

function psnr(decoded: ArrayLike<number>, channels: number, reference: Uint8ClampedArray): number {
  let se = 0;
  for (let p = 0, q = 0; p < reference.length; p += 4, q += channels) {
    for (let c = 0; c < 3; c++) se += (decoded[q + c] - reference[p + c]) ** 2;
  }
  return 10 * Math.log10((255 * 255) / (se / ((reference.length / 4) * 3)));
}

async function main(): Promise<void> {
  // As the CLI runs: one worker fewer than the cores (at most 3), from the TypeScript entry.
  useComputeWorkers({ path: resolve(import.meta.dirname, '../src-main/compute/compute-worker.ts'), tsx: true });
  await tryCompute('encodeTiff', [{ width: 8, height: 8, channels: 1, bits: 8, data: new Uint8Array(64) }]); // started and warm
  const data = displayBytes(width, height);
  data.set(photograph(renderScene(width, height), width, height, 1 / 60, 3));
  const image = { width, height, data };
  const rows: string[] = [];
  const row = (name: string, times: number[], bytes: Uint8Array, quality: number): void => {
    rows.push(`| ${name} | ${(median(times) / 1000).toFixed(2)} s | ${(bytes.length / 1e6).toFixed(2)} MB | ${quality.toFixed(2)} dB |`);
  };
  const decodedPsnr = (bytes: Uint8Array): number => psnr(jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 2048 }).data, 4, data);

  const timed = async (encode: () => Uint8Array | Promise<Uint8Array>): Promise<{ times: number[]; bytes: Uint8Array }> => {
    const times: number[] = [];
    let bytes: Uint8Array = new Uint8Array(0);
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      bytes = await encode();
      times.push(performance.now() - t);
    }
    return { times, bytes };
  };
  const old = await timed(() => jpeg.encode({ width, height, data }, quality).data as Uint8Array);
  row('jpeg-js encoder (before)', old.times, old.bytes, decodedPsnr(old.bytes));
  const one = await timed(() => encodeJpeg(image, { quality }));
  row('ours, one thread', one.times, one.bytes, decodedPsnr(one.bytes));
  const par = await timed(() => startJpegEncode(image, { quality }).finish());
  row(`ours, strips on ${availableParallelism()} threads (exports)`, par.times, par.bytes, decodedPsnr(par.bytes));
  const same = Buffer.from(par.bytes).equals(Buffer.from(one.bytes));
  useComputeWorkers(null);

  const dir = mkdtempSync(join(tmpdir(), 'luxfuse-jpeg-bench-'));
  try {
    writeFileSync(join(dir, 'rgba'), data);
    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import io, sys, time
from PIL import Image
w, h, q, runs, d = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
img = Image.frombytes('RGBA', (w, h), open(d + '/rgba', 'rb').read()).convert('RGB')
times = []
for _ in range(runs):
    t = time.perf_counter(); out = io.BytesIO(); img.save(out, 'JPEG', quality=q, subsampling=0); times.append(time.perf_counter() - t)
open(d + '/ref.jpg', 'wb').write(out.getvalue())
print(' '.join(str(t * 1000) for t in times))`,
        String(width),
        String(height),
        String(quality),
        String(runs),
        dir,
      ],
      { encoding: 'utf8' },
    );
    if (py.status === 0) {
      const ref = new Uint8Array(readFileSync(join(dir, 'ref.jpg')));
      row('libjpeg-turbo (Pillow, 4:4:4)', py.stdout.trim().split(' ').map(Number), ref, decodedPsnr(ref));
    } else rows.push(`| libjpeg-turbo (Pillow) | not run: ${py.stderr.trim().split('\n').pop()} | | |`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${cpus().length} × ${cpus()[0].model}, Node ${process.version}; procedural scene 6000x4000, quality ${quality}, median of ${runs}:\n`);
  console.log('| encoder | time | size | PSNR |\n|---|---|---|---|\n' + rows.join('\n'));
  console.log(`\nstrips joined = one-thread file, byte for byte: ${same}`);
  if (!same) process.exitCode = 1;
}

await main();

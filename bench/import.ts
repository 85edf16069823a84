/**
 * Import speed (issue 3, item 6). Part 1: 1,000 files with real EXIF (JPEG and TIFF from the project's
 * writers: brackets of 3, 5 and 7 frames, single shots, two bodies shooting at once) are written to a temp
 * folder; `groupFiles` (header scan + grouping) and the `luxfuse group` command are timed over them, against
 * `exiftool -fast -j` over the same folder in the same run. Part 2: decode time per megapixel of 12 MP TIFF 16-bit, JPEG, PNG and DNG.
 * Usage: npm run bench:import [-- --runs 3] [-- --files 1000] [-- --skip-decode]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupFiles } from '../src-main/services/group-service';
import { decodeRaw, stopRawDecoder } from '../src-main/services/raw-decode';
import { decodeImage } from '../src-shared/codecs/decode';
import type { ExifFields } from '../src-shared/codecs/exif-write';
import { encodeJpeg } from '../src-shared/codecs/jpeg';
import { encodePng } from '../src-shared/codecs/png';
import { encodeTiff } from '../src-shared/codecs/tiff';
import { writeDng } from '../tests/unit/helpers/dng-writer';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const i = args.indexOf(name);
  return i >= 0 && Number(args[i + 1]) > 0 ? Number(args[i + 1]) : fallback;
};
const RUNS = option('--runs', 3);
const FILES = option('--files', 1000);
const TARGET_S = 2;

const BODIES: ExifFields[] = [
  { make: 'NIKON CORPORATION', model: 'NIKON D750', bodySerialNumber: '1234', lensModel: '24.0-70.0 mm f/2.8', focalLength: 24, fNumber: 8, iso: 100 },
  { make: 'Canon', model: 'Canon EOS R5', bodySerialNumber: '0820', lensModel: 'RF35mm F1.8', focalLength: 35, fNumber: 5.6, iso: 200 },
];
/** Camera bracket order: 0, -, +, --, ++, ... in steps of 1 EV. */
const BRACKET_EV = [0, -1, 1, -2, 2, -3, 3];
/** What each body shoots, in turn: bracket sizes, 1 = a single frame. */
const PATTERN = [3, 1, 5, 1, 1, 7, 3, 5, 1];

interface Shot {
  name: string;
  exif: ExifFields;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function timestamp(ms: number): { dateTimeOriginal: string; subSecTimeOriginal: string } {
  const d = new Date(Date.UTC(2024, 5, 1, 9, 0, 0) + ms);
  return {
    dateTimeOriginal: `${d.getUTCFullYear()}:${pad(d.getUTCMonth() + 1)}:${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    subSecTimeOriginal: pad(Math.floor(d.getUTCMilliseconds() / 10)),
  };
}

/** The shoot: both bodies work through PATTERN at once, each on its own clock, until `count` frames. */
function planShoot(count: number): { shots: Shot[]; brackets: number } {
  const shots: Shot[] = [];
  let brackets = 0;
  const clocks = [0, 1700];
  const steps = [0, 4];
  for (let k = 0; shots.length < count; k++) {
    const body = k % 2;
    const size = Math.min(PATTERN[steps[body]++ % PATTERN.length], count - shots.length);
    if (size >= 2) brackets++;
    for (let f = 0; f < size; f++) {
      const ev = size === 1 ? 0 : BRACKET_EV[f];
      const exposureTime = (1 / 125) * 2 ** ev;
      shots.push({
        name: `${body ? 'r5' : 'd750'}-${pad(shots.length, 4)}`,
        exif: {
          ...BODIES[body],
          exposureTime,
          exposureBias: size === 1 ? 0 : ev,
          exposureMode: size === 1 ? 0 : 2,
          offsetTimeOriginal: '+02:00',
          ...timestamp(clocks[body]),
        },
      });
      clocks[body] += 250 + Math.ceil(exposureTime * 1000); // continuous drive
    }
    clocks[body] += 6000 + (k % 5) * 3000; // recomposing before the next shot
  }
  return { shots, brackets };
}

/** A smooth frame with a little noise, so the encoders see something like a photograph. */
function rgbaFrame(width: number, height: number, seed = 1): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 4);
  let s = seed;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const n = (s >>> 28) - 8;
      const i = (y * width + x) * 4;
      data[i] = Math.max(0, Math.min(255, (x * 255) / width + n));
      data[i + 1] = Math.max(0, Math.min(255, (y * 255) / height + n));
      data[i + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin((x + y) / 97) + n));
      data[i + 3] = 255;
    }
  }
  return data;
}

function writeShoot(dir: string, shots: Shot[]): { jpeg: number; tiff: number } {
  const w = 160;
  const h = 120;
  const rgba = rgbaFrame(w, h);
  const rgb = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) rgb.set(rgba.subarray(p * 4, p * 4 + 3), p * 3);
  let tiff = 0;
  shots.forEach((shot, i) => {
    // Every fifth group of files as TIFF, the rest as JPEG.
    if (Math.floor(i / 7) % 5 === 4) {
      writeFileSync(join(dir, `${shot.name}.tif`), encodeTiff({ width: w, height: h, channels: 3, bits: 8, data: rgb, exif: shot.exif }));
      tiff++;
    } else {
      writeFileSync(join(dir, `${shot.name}.jpg`), encodeJpeg({ width: w, height: h, data: rgba }, { quality: 85, exif: shot.exif }));
    }
  });
  return { jpeg: shots.length - tiff, tiff };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeMs(run: () => Promise<unknown> | unknown, runs = RUNS): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times;
}

async function benchGrouping(dir: string): Promise<void> {
  const { shots, brackets } = planShoot(FILES);
  const counts = writeShoot(dir, shots);
  console.log(`\n## EXIF scan + grouping of ${shots.length} files (${counts.jpeg} JPEG, ${counts.tiff} TIFF; ${brackets} brackets of 3/5/7, two bodies)`);
  let groups = 0;
  let errors = 0;
  const times = await timeMs(async () => {
    const result = await groupFiles([dir]);
    groups = result.groups.length;
    errors = result.errors.length;
  });
  const ms = median(times);
  console.log(`groupFiles: median ${(ms / 1000).toFixed(2)} s over ${RUNS} runs (${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s); target < ${TARGET_S} s: ${ms < TARGET_S * 1000 ? 'met' : 'NOT met'}`);
  console.log(`  ${groups} groups found (${brackets} brackets written), ${errors} errors, ${((ms * 1000) / shots.length).toFixed(0)} µs per file`);

  // What a user waits for: the command, Node's start included.
  const bin = join(import.meta.dirname, '..', 'bin', 'luxfuse.mjs');
  const cli = await timeMs(() => {
    const run = spawnSync(process.execPath, [bin, 'group', dir, '--json'], { maxBuffer: 1 << 28 });
    if (run.status !== 0) throw new Error(`luxfuse group failed: ${run.stderr}`);
  });
  console.log(`luxfuse group --json (the command, Node's start included): median ${(median(cli) / 1000).toFixed(2)} s (${cli.map((t) => (t / 1000).toFixed(2)).join(', ')} s)`);

  const probe = spawnSync('exiftool', ['-ver'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.log('exiftool: not installed, no reference time');
    return;
  }
  const ref = await timeMs(() => {
    const run = spawnSync('exiftool', ['-fast', '-j', dir], { maxBuffer: 1 << 28 });
    if (run.status !== 0 && run.status !== 1) throw new Error(`exiftool failed: ${run.stderr}`);
  });
  const refMs = median(ref);
  console.log(`exiftool ${probe.stdout.trim()} -fast -j: median ${(refMs / 1000).toFixed(2)} s (${ref.map((t) => (t / 1000).toFixed(2)).join(', ')} s)`);
  console.log(`ratio groupFiles / exiftool: ${(ms / refMs).toFixed(2)} (below 1: faster than exiftool reading the same headers)`);
}

async function benchDecode(dir: string): Promise<void> {
  const width = 4000;
  const height = 3000;
  const mp = (width * height) / 1e6;
  console.log(`\n## Decode time per megapixel (${width}x${height}, ${mp} MP; median of ${RUNS})`);
  const rgba = rgbaFrame(width, height, 7);
  const rgb16 = new Uint16Array(width * height * 3);
  for (let p = 0; p < width * height; p++) for (let c = 0; c < 3; c++) rgb16[p * 3 + c] = rgba[p * 4 + c] * 257 + (p & 255);
  const rgb8 = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) rgb8.set(rgba.subarray(p * 4, p * 4 + 3), p * 3);
  const files: [string, Uint8Array][] = [
    ['TIFF 16-bit RGB, uncompressed', encodeTiff({ width, height, channels: 3, bits: 16, data: rgb16 })],
    ['TIFF 16-bit RGB, Deflate + predictor', encodeTiff({ width, height, channels: 3, bits: 16, data: rgb16, compression: 'deflate' })],
    ['JPEG 8-bit, quality 90', encodeJpeg({ width, height, data: rgba }, { quality: 90 })],
    ['PNG 8-bit RGB', encodePng({ width, height, channels: 3, bits: 8, data: rgb8 })],
  ];
  for (const [label, bytes] of files) {
    const times = await timeMs(() => decodeImage(bytes, label));
    const ms = median(times);
    console.log(`${label.padEnd(38)} ${(bytes.length / 1e6).toFixed(1).padStart(6)} MB  ${ms.toFixed(0).padStart(6)} ms  ${(ms / mp).toFixed(1).padStart(6)} ms/MP`);
  }
  const dng = writeDng({ width, height, scene: (x, y) => [0.05 + (0.6 * x) / width, 0.05 + (0.6 * y) / height, 0.3], thumbnail: false });
  writeFileSync(join(dir, 'bench.dng'), dng);
  await decodeRaw(dng, 'warm-up.dng', { halfSize: true }); // starts the worker and compiles LibRaw once
  for (const halfSize of [false, true]) {
    const times = await timeMs(() => decodeRaw(dng, 'bench.dng', { halfSize }));
    const ms = median(times);
    const label = `DNG 16-bit mosaic (LibRaw${halfSize ? ', half size' : ''})`;
    console.log(`${label.padEnd(38)} ${(dng.length / 1e6).toFixed(1).padStart(6)} MB  ${ms.toFixed(0).padStart(6)} ms  ${(ms / mp).toFixed(1).padStart(6)} ms/MP`);
  }
  stopRawDecoder();
}

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-bench-import-'));
try {
  console.log(`# Import benchmark: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, Node ${process.version}`);
  await benchGrouping(join(dir, ''));
  if (!args.includes('--skip-decode')) await benchDecode(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

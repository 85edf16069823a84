/**
 * Speed and memory of `luxfuse merge` against Debian's `enfuse` on the same files, in the same
 * run, as ratios. Cases: 3 real frames from ../shared/datasets/brackets/street (2 stops apart),
 * and the procedural sample scene rendered at 24 MP (6000x4000) as 8-bit PNG frames.
 * Each command runs RUNS times; the median wall time, its CPU time (user + sys, less sensitive to other
 * jobs on a shared machine) and the peak RSS (from /usr/bin/time) are reported.
 * The same 24 MP frames are also written as 16-bit TIFF (the reference case) and as JPEG.
 * Then the preview re-render time at 1 MP (bench/tonemap-preview.ts), unless --skip-preview.
 * luminance-hdr-cli (EXR + JPEG) runs beside the radiance rows where it is installed, unless --skip-luminance.
 * Usage: npm run bench [-- --runs 3] [-- --skip-24mp] [-- --skip-street] [-- --skip-png] [-- --skip-tiff] [-- --skip-jpeg]
 *   [-- --skip-preview] [-- --skip-luminance]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeJpeg } from '../src-shared/codecs/jpeg';
import { encodePng } from '../src-shared/codecs/png';
import { encodeTiff } from '../src-shared/codecs/tiff-write';
import { rgb16FromRgba } from './image8';
import { photograph, renderScene } from '../scripts/make-sample';

const ROOT = resolve(import.meta.dirname, '..');
const SHARED = resolve(ROOT, '../shared/datasets/brackets/street');
const BIN = join(ROOT, 'bin/luxfuse.mjs');
const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 3;

interface Timing {
  seconds: number;
  /** user + sys seconds of the run with the median wall time. */
  cpu: number;
  peakMiB: number;
}

/** Runs a command under /usr/bin/time; median wall seconds and max peak RSS over RUNS runs. */
function measure(command: string, argv: string[], env: Record<string, string> = {}): Timing {
  const runs: { wall: number; cpu: number }[] = [];
  let peak = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', command, ...argv], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...env } });
    if (r.status !== 0) throw new Error(`${command} ${argv.join(' ')} failed:\n${r.stderr}`);
    const [wall, kb, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
    runs.push({ wall, cpu: user + sys });
    peak = Math.max(peak, kb / 1024);
  }
  runs.sort((a, b) => a.wall - b.wall);
  const median = runs[Math.floor(runs.length / 2)];
  return { seconds: median.wall, cpu: median.cpu, peakMiB: peak };
}

function row(name: string, t: Timing, reference: Timing): string {
  return `| ${name} | ${t.seconds.toFixed(2)} s | ${t.cpu.toFixed(2)} s | ${t.peakMiB.toFixed(0)} MiB | ${(t.seconds / reference.seconds).toFixed(2)} | ${(t.cpu / reference.cpu).toFixed(2)} |`;
}

/** OpenCV's MergeMertens (default weights) on the same files: read, fuse, write a JPEG, as one timed command. */
const OPENCV_MERTENS = `
import sys, cv2, numpy as np
out, files = sys.argv[1], sys.argv[2:]
imgs = [cv2.imread(f, cv2.IMREAD_ANYDEPTH | cv2.IMREAD_COLOR) for f in files]
imgs = [(i / 257).astype(np.uint8) if i.dtype == np.uint16 else i for i in imgs]
fused = cv2.createMergeMertens().process(imgs)
cv2.imwrite(out, np.clip(fused * 255, 0, 255).astype(np.uint8))
`;

/**
 * OpenCV's radiance path on the same files, as one timed command: CalibrateDebevec and MergeDebevec with the
 * bracket's exposure times, the map written as EXR (half, OpenCV's default) and tone mapped by
 * TonemapReinhard to a JPEG: the counterpart of `--method radiance --exr --jpeg`. argv: exr jpg times files...
 */
const OPENCV_DEBEVEC = `
import sys, cv2, numpy as np
exr, jpg, times, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
imgs = [cv2.imread(f, cv2.IMREAD_ANYDEPTH | cv2.IMREAD_COLOR) for f in files]
imgs = [(i / 257).astype(np.uint8) if i.dtype == np.uint16 else i for i in imgs]
t = np.array([float(x) for x in times.split(',')], dtype=np.float32)
response = cv2.createCalibrateDebevec().process(imgs, t)
hdr = cv2.createMergeDebevec().process(imgs, t, response)
if not cv2.imwrite(exr, hdr): sys.exit('OpenCV could not write ' + exr)
ldr = cv2.createTonemapReinhard(2.2).process(hdr)
cv2.imwrite(jpg, np.clip(ldr * 255, 0, 255).astype(np.uint8))
`;

const haveLuminance = !process.argv.includes('--skip-luminance') && spawnSync('which', ['luminance-hdr-cli']).status === 0;

function benchCase(title: string, files: string[], times: number[], work: string): string[] {
  const enfuse = measure('enfuse', ['-o', join(work, 'enfuse.tif'), ...files]);
  const opencv = existsSync('/usr/bin/python3') ? measure('/usr/bin/python3', ['-c', OPENCV_MERTENS, join(work, 'cv.jpg'), ...files]) : null;
  // luminance-hdr-cli: the merge to radiance (its default Debevec model) saved as EXR and tone mapped (its default operator) to a JPEG.
  const evs = times.map((t) => Math.log2(t / times[Math.floor(times.length / 2)]).toFixed(3)).join(',');
  // Debian's build reads JPEG and TIFF but not PNG (no Qt image handler for it headless): no row for PNG brackets.
  const luminance = haveLuminance && !files[0].endsWith('.png')
    ? measure('luminance-hdr-cli', ['-e', evs, '-s', join(work, 'lum.exr'), '-o', join(work, 'lum.jpg'), ...files], { QT_QPA_PLATFORM: 'offscreen' })
    : null;
  const opencvDebevec = existsSync('/usr/bin/python3')
    ? measure('/usr/bin/python3', ['-c', OPENCV_DEBEVEC, join(work, 'cv.exr'), join(work, 'cvd.jpg'), times.join(','), ...files], { OPENCV_IO_ENABLE_OPENEXR: '1' })
    : null;
  const timesArg = times.map((t) => String(t)).join(',');
  // enfuse does not align: the like-for-like rows pass --align off; one row shows alignment's cost.
  const mertens = measure(process.execPath, [BIN, 'merge', ...files, '--method', 'mertens', '--align', 'off', '--jpeg', join(work, 'm.jpg')]);
  const aligned = measure(process.execPath, [BIN, 'merge', ...files, '--method', 'mertens', '--jpeg', join(work, 'a.jpg')]);
  const radiance = measure(process.execPath, [BIN, 'merge', ...files, '--method', 'radiance', '--align', 'off', '--exposure-times', timesArg, '--exr', join(work, 'r.exr'), '--jpeg', join(work, 'r.jpg')]);
  // The same on one thread: what the compute worker (the JPEG encoded beside the EXR) brings.
  const radianceAlone = measure(process.execPath, [BIN, 'merge', ...files, '--method', 'radiance', '--align', 'off', '--exposure-times', timesArg, '--exr', join(work, 'r1.exr'), '--jpeg', join(work, 'r1.jpg')], { LUXFUSE_COMPUTE_WORKERS: '0' });
  const both = measure(process.execPath, [BIN, 'merge', ...files, '--method', 'mertens', '--align', 'off', '--exposure-times', timesArg, '--exr', join(work, 'b.exr'), '--jpeg', join(work, 'b.jpg')]);
  // The app's default method (the CLI's is mertens): the fusion network at its working side, lifted and blended at full size.
  const learned = measure(process.execPath, [BIN, 'merge', ...files, '--method', 'learned', '--align', 'off', '--jpeg', join(work, 'l.jpg')]);
  return [
    `### ${title}`,
    '',
    '| command | median wall | CPU (user + sys) | peak RSS | time / enfuse | CPU / enfuse |',
    '|---|---|---|---|---|---|',
    row('enfuse (defaults) → TIFF', enfuse, enfuse),
    ...(opencv ? [row('OpenCV MergeMertens (python3, defaults) → JPEG', opencv, enfuse)] : []),
    row('luxfuse merge --method mertens --align off → JPEG', mertens, enfuse),
    row('luxfuse merge --method mertens (aligned, the default) → JPEG', aligned, enfuse),
    ...(opencvDebevec ? [row('OpenCV CalibrateDebevec + MergeDebevec → EXR, TonemapReinhard → JPEG', opencvDebevec, enfuse)] : []),
    ...(luminance ? [row('luminance-hdr-cli (defaults) → EXR + JPEG', luminance, enfuse)] : []),
    row('luxfuse merge --method radiance --align off → EXR + JPEG', radiance, enfuse),
    row('the same on one thread (LUXFUSE_COMPUTE_WORKERS=0)', radianceAlone, enfuse),
    row('luxfuse merge --method mertens --align off → EXR (radiance) + JPEG (fused)', both, enfuse),
    row('luxfuse merge --method learned --align off → JPEG', learned, enfuse),
    '',
  ];
}

function main(): void {
  for (const tool of ['enfuse', '/usr/bin/time']) {
    if (spawnSync('which', [tool]).status !== 0) throw new Error(`bench needs ${tool}: apt-get install enfuse time`);
  }
  const work = mkdtempSync(join(tmpdir(), 'luxfuse-bench-'));
  const out: string[] = [];
  const enfuseVersion = execFileSync('enfuse', ['--version'], { encoding: 'utf8' }).split('\n')[0];
  out.push(`Machine: ${cpus().length} × ${cpus()[0].model}, Node ${process.version}, ${enfuseVersion}; ${RUNS} runs each, median.`, '');
  try {
    if (args.includes('--skip-street')) {
      // nothing: the 24 MP cases only
    } else if (existsSync(SHARED)) {
      const names = ['DSC_0096.png', 'DSC_0094.png', 'DSC_0092.png'];
      out.push(...benchCase('street (../shared), 3 × 1024x680 8-bit PNG, 2 stops apart', names.map((n) => join(SHARED, n)), [1 / 64, 1 / 256, 1 / 1024], work));
    } else {
      out.push(`(skipped the street case: ${SHARED} is missing)`, '');
    }
    if (!args.includes('--skip-24mp')) {
      const [w, h] = [6000, 4000];
      const scene = renderScene(w, h);
      const times = [1 / 250, 1 / 60, 1 / 15];
      const files = times.map((t, i) => {
        const path = join(work, `big-${i}.png`);
        writeFileSync(path, encodePng({ width: w, height: h, channels: 4, bits: 8, data: photograph(scene, w, h, t, 7 + i) }));
        return path;
      });
      if (!args.includes('--skip-png')) out.push(...benchCase('procedural scene, 3 × 6000x4000 (24 MP) 8-bit PNG', files, times, work));
      // The same frames as 16-bit TIFF, the reference case (enfuse ~15.6 s here).
      const tiffs = files.map((_, i) => {
        const rgb = rgb16FromRgba(photograph(scene, w, h, times[i], 7 + i), w, w, h);
        const path = join(work, `big-${i}.tif`);
        writeFileSync(path, encodeTiff({ width: w, height: h, channels: 3, bits: 16, data: rgb }));
        return path;
      });
      if (!args.includes('--skip-tiff')) out.push(...benchCase('procedural scene, 3 × 6000x4000 (24 MP) 16-bit TIFF', tiffs, times, work));
      if (!args.includes('--skip-jpeg')) {
        // The same frames as camera-like JPEGs (quality 92, Luxfuse's encoder; 4:4:4), the format most brackets are shot in.
        const jpegs = times.map((t, i) => {
          const path = join(work, `big-${i}.jpg`);
          writeFileSync(path, encodeJpeg({ width: w, height: h, data: photograph(scene, w, h, t, 7 + i) }, { quality: 92 }));
          return path;
        });
        out.push(...benchCase('procedural scene, 3 × 6000x4000 (24 MP) JPEG, quality 92', jpegs, times, work));
      }
    }
    if (!args.includes('--skip-preview')) {
      // The third figure: a tone-mapping control's re-render of a 1 MP preview on the CPU path.
      const preview = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/tonemap-preview.ts'), '--runs', '15'], { encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 24 });
      if (preview.status !== 0) throw new Error(`bench/tonemap-preview.ts failed:\n${preview.stderr}`);
      out.push('### Preview re-render at 1 MP on the CPU path (bench/tonemap-preview.ts --runs 15)', '', preview.stdout.trim(), '');
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(out.join('\n'));
}

main();

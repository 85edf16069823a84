/**
 * Preview re-render speed of the tone stage at 1 MP on the CPU: per operator, prepareTone (once
 * per merge) and applyTone (per slider move) separately, median of RUNS; plus OpenCV's
 * createTonemapReinhard / createTonemapDrago on the same pixels through /usr/bin/python3 when cv2
 * is there. Images: the procedural sample scene at 1224x816, and a real radiance map from
 * ../shared/datasets/radiance resized to 1 MP by OpenCV when both are available.
 * Usage: npx tsx bench/tonemap-preview.ts [--runs 15]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderScene } from '../scripts/make-sample';
import type { LinearImage } from '../src-shared/image/linear-image';
import { autoKey } from '../src-shared/tonemap/global';
import { TONE_OPERATORS, type ToneSettings } from '../src-shared/tonemap/tone-settings';
import { applyTone, prepareTone } from '../src-shared/tonemap/tone-map';

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf('--runs') + 1]) || 15;
const HDR = resolve(import.meta.dirname, '../../shared/datasets/radiance/pedestrian_overpass_1k.hdr');
const PYTHON = '/usr/bin/python3';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Median wall and CPU (user + system) milliseconds: on a shared machine CPU time is the steadier figure. */
function time(fn: () => void, runs: number): Timing {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

const fmt = (t: Timing): string => `${t.cpu.toFixed(1)} / ${t.wall.toFixed(1)} ms`;

/** Slider positions a user would drag through: each apply gets different numbers, as in the app. */
function sliderMove(i: number): Partial<ToneSettings> {
  return { exposure: 0.1 * (i % 7) - 0.3, contrast: 0.05 * (i % 5), shadows: 0.1 * (i % 3), saturation: 0.02 * (i % 4) };
}

function benchImage(title: string, img: LinearImage): string[] {
  const key = autoKey(img);
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  const rows = [`### ${title} (${img.width}x${img.height}, ${((img.width * img.height) / 1e6).toFixed(2)} MP)`, '', '| operator (CPU / wall) | prepare | apply (sRGB) | apply (P3) | apply with local detail |', '|---|---|---|---|---|'];
  for (const operator of TONE_OPERATORS) {
    const base = { operator } as ToneSettings;
    const prepare = time(() => prepareTone(img, key, base), Math.max(3, Math.floor(RUNS / 3)));
    const cache = prepareTone(img, key, base);
    let i = 0;
    applyTone(cache, base, { output: 'srgb', out });
    const srgb = time(() => applyTone(cache, { ...base, ...sliderMove(i++) } as ToneSettings, { output: 'srgb', out }), RUNS);
    const p3 = time(() => applyTone(cache, { ...base, ...sliderMove(i++) } as ToneSettings, { output: 'display-p3', out }), RUNS);
    // First use of the detail control builds the guided layers (counted in prepare of local-contrast); then per-pixel only.
    applyTone(cache, { ...base, detail: 0.5 } as ToneSettings, { output: 'srgb', out });
    const detail = time(() => applyTone(cache, { ...base, ...sliderMove(i++), detail: 0.5 } as ToneSettings, { output: 'srgb', out }), RUNS);
    rows.push(`| ${operator} | ${fmt(prepare)} | ${fmt(srgb)} | ${fmt(p3)} | ${fmt(detail)} |`);
  }
  return rows;
}

const OPENCV = `
import sys, time, numpy as np, cv2
w, h, runs = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
img = np.fromfile(sys.argv[1], dtype=np.float32).reshape(h, w, 3)[:, :, ::-1].copy()
def med(f):
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time(); f()
        wall.append((time.perf_counter() - t0) * 1000); cpu.append((time.process_time() - c0) * 1000)
    return sorted(cpu)[len(cpu) // 2], sorted(wall)[len(wall) // 2]
for name, op in [('Reinhard', cv2.createTonemapReinhard(1.0, 0, 0, 0)), ('Drago', cv2.createTonemapDrago(1.0, 1.0, 0.85))]:
    c, w = med(lambda: op.process(img))
    print(f'| OpenCV {cv2.__version__} createTonemap{name} ({cv2.getNumThreads()} threads) | {c:.1f} / {w:.1f} ms |')
`;

function openCv(img: LinearImage, work: string): string[] {
  const path = join(work, 'img.f32');
  writeFileSync(path, new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength));
  const r = spawnSync(PYTHON, ['-c', OPENCV, path, String(img.width), String(img.height), String(RUNS)], { encoding: 'utf8' });
  if (r.status !== 0) return [`(OpenCV skipped: ${r.stderr.trim().split('\n').pop()})`];
  return ['', '| OpenCV on the same pixels (process(), one call) | CPU / wall |', '|---|---|', ...r.stdout.trim().split('\n')];
}

/** The real radiance map resized to about 1 MP by OpenCV, as float32 RGB; null without cv2 or the dataset. */
function realHdr(work: string): LinearImage | null {
  if (!existsSync(HDR)) return null;
  const path = join(work, 'hdr.f32');
  const code = `import sys, cv2, numpy as np
m = cv2.imread(sys.argv[1], cv2.IMREAD_UNCHANGED)
m = cv2.resize(m, (1414, 707), interpolation=cv2.INTER_CUBIC)
np.maximum(m[:, :, ::-1], 0).astype(np.float32).tofile(sys.argv[2])`;
  const r = spawnSync(PYTHON, ['-c', code, HDR, path], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const bytes = readFileSync(path);
  const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { width: 1414, height: 707, channels: 3, data, ev: 0, meta: { sourceName: 'pedestrian_overpass_1k.hdr' } };
}

/** Cost of writing a freshly allocated 1 MP float plane once (page faults), as context for the prepare figures. */
function firstTouch(): number {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    new Float32Array(1 << 20).fill(1);
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'luxfuse-tone-bench-'));
  const out = [
    `Machine: ${cpus().length} x ${cpus()[0].model}, Node ${process.version}; median of ${RUNS} applies (prepare: of ${Math.max(3, Math.floor(RUNS / 3))}).`,
    `First touch of a fresh 4 MB plane here: ${firstTouch().toFixed(1)} ms (prepare allocates a few; apply reuses its buffers).`,
    '',
  ];
  try {
    const [w, h] = [1224, 816];
    const scene: LinearImage = { width: w, height: h, channels: 3, data: renderScene(w, h), ev: 0, meta: { sourceName: 'procedural scene' } };
    out.push(...benchImage('procedural sample scene', scene), ...openCv(scene, work), '');
    const real = realHdr(work);
    if (real) out.push(...benchImage('pedestrian_overpass_1k.hdr (Poly Haven), resized', real), ...openCv(real, work));
    else out.push(`(skipped the real radiance map: ${HDR} or cv2 is missing)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(out.join('\n'));
}

main();

/**
 * Alignment of the real brackets in ../shared/datasets/brackets/* (PNG/JPEG/TIFF with an
 * exposures.tsv), side by side with Hugin's align_image_stack on the same files, plus the time of a
 * synthetic 3 x 24 MP bracket. Per frame: our transform, method and residual (stops of log
 * luminance against the frame it was matched to, see src-shared/align/residual.ts) before and
 * after; Hugin's camera rotation turned into the same pixel similarity and scored with the same
 * residual. The reference is suggestReference's choice (the frame with the most usable pixels) or,
 * with --reference middle, the middle frame of the list.
 * Usage: npx tsx bench/align-real.ts [--set street] [--no-hugin] [--skip-24mp] [--mode translation] [--reference middle]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { alignFrames, suggestReference, type AlignMode } from '../src-shared/align';
import { greyProxy, logPyramid, proxyFactor } from '../src-shared/align/proxy';
import { residual } from '../src-shared/align/residual';
import { composeAffine, describeAffine, invertAffine, type Affine } from '../src-shared/align/transform';
import { decodeImage } from '../src-shared/codecs/decode';
import type { LinearImage } from '../src-shared/image/linear-image';
import { photograph, texturedScene } from '../tests/unit/shared/align/scene';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = resolve(ROOT, '../shared/datasets/brackets');
const HUGIN = '/usr/bin/align_image_stack';
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const MODE = (opt('--mode') ?? 'similarity') as AlignMode;

type Mat3 = number[]; // row-major 3x3

const mul3 = (a: Mat3, b: Mat3): Mat3 =>
  [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c]));

function inv3(m: Mat3): Mat3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((v) => v / det);
}

/**
 * Hugin's pose (degrees) as the homography from the anchor image's pixels to this image's, for a
 * rectilinear lens of horizontal field `hfov`. Signs calibrated on synthetic pairs of known shift and
 * rotation: +x content shift is negative yaw, +y is positive pitch, our +rotation is negative roll.
 */
function huginHomography(yaw: number, pitch: number, roll: number, hfov: number, w: number, h: number): Mat3 {
  const F = w / 2 / Math.tan((hfov * Math.PI) / 360);
  const [cx, cy] = [(w - 1) / 2, (h - 1) / 2];
  const rad = (v: number) => (v * Math.PI) / 180;
  const [a, b, c] = [rad(-yaw), rad(pitch), rad(-roll)];
  const Ry = [Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a)];
  const Rx = [1, 0, 0, 0, Math.cos(b), Math.sin(b), 0, -Math.sin(b), Math.cos(b)];
  const Rz = [Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c), 0, 0, 0, 1];
  const K = [F, 0, cx, 0, F, cy, 0, 0, 1];
  return mul3(mul3(K, mul3(Rz, mul3(Rx, Ry))), inv3(K));
}

/** Least-squares similarity x' = [a -b; b a] x + t fitted to a homography on a grid over the image. */
function fitSimilarity(H: Mat3, w: number, h: number): Affine {
  let n = 0;
  const S = { x: 0, y: 0, u: 0, v: 0, xx: 0, xu: 0, yv: 0, xv: 0, yu: 0 };
  for (let gy = 0; gy <= 10; gy++) {
    for (let gx = 0; gx <= 10; gx++) {
      const x = ((w - 1) * gx) / 10;
      const y = ((h - 1) * gy) / 10;
      const z = H[6] * x + H[7] * y + H[8];
      const u = (H[0] * x + H[1] * y + H[2]) / z;
      const v = (H[3] * x + H[4] * y + H[5]) / z;
      n++;
      S.x += x; S.y += y; S.u += u; S.v += v;
      S.xx += x * x + y * y; S.xu += x * u + y * v; S.yv += x * v - y * u;
    }
  }
  const mx = S.x / n, my = S.y / n, mu = S.u / n, mv = S.v / n;
  const sxx = S.xx - n * (mx * mx + my * my);
  const a = (S.xu - n * (mx * mu + my * mv)) / sxx;
  const b = (S.yv - n * (mx * mv - my * mu)) / sxx;
  return [a, -b, mu - a * mx + b * my, b, a, mv - b * mx - a * my];
}

interface HuginPose {
  yaw: number;
  pitch: number;
  roll: number;
}

/** Runs align_image_stack on the files in exposure order (anchor: the first); poses and seconds. */
function runHugin(files: string[], work: string): { poses: HuginPose[]; hfov: number; seconds: number } | string {
  const pto = join(work, 'out.pto');
  const t0 = performance.now();
  const r = spawnSync(HUGIN, ['-p', pto, '--use-given-order', ...files], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0 || !existsSync(pto)) return `align_image_stack failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' ')}`;
  const lines = readFileSync(pto, 'utf8').split('\n').filter((l) => l.startsWith('i '));
  const num = (l: string, k: string): number => Number(new RegExp(` ${k}=?(-?[0-9.e+-]+)`).exec(l)?.[1] ?? '0');
  const hfov = num(lines[0], 'v') || 50;
  return { poses: lines.map((l) => ({ yaw: num(l, 'y'), pitch: num(l, 'p'), roll: num(l, 'r') })), hfov, seconds };
}

/** Milliseconds of CPU (user + system) this process spent since `start`: wall time on a shared machine says little. */
function cpuSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

const f = (v: number, d = 2): string => (Number.isFinite(v) ? v.toFixed(d) : '-');
const pad = (s: string, n: number): string => s.padStart(n);

function benchSet(dir: string, hugin: boolean): void {
  const tsv = readFileSync(join(dir, 'exposures.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const names = tsv.map((r) => r[0]);
  const frames: LinearImage[] = names.map((name, i) => ({ ...decodeImage(new Uint8Array(readFileSync(join(dir, name))), name), ev: Math.log2(Number(tsv[i][1])) }));
  const { width: w, height: h } = frames[0];
  const reference = opt('--reference') === 'middle' ? Math.floor(frames.length / 2) : suggestReference(frames);
  console.log(`\n### ${dir.split('/').pop()}: ${frames.length} x ${w}x${h}, ev ${f(frames[0].ev!, 1)}..${f(frames[frames.length - 1].ev!, 1)}, reference ${names[reference]}, mode ${MODE}`);
  alignFrames(frames.slice(0, 2), { reference: 0, mode: MODE }); // warm the JIT
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const res = alignFrames(frames, { reference, mode: MODE });
  const ms = performance.now() - t0;
  const cpuMs = cpuSince(c0);

  let hug: ReturnType<typeof runHugin> | null = null;
  if (hugin) {
    const work = mkdtempSync(join(tmpdir(), 'luxfuse-align-'));
    try {
      hug = runHugin(names.map((n) => join(dir, n)), work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  let hugMaps: Affine[] | null = null;
  if (hug && typeof hug !== 'string') {
    const { poses, hfov } = hug;
    const Hs = poses.map((p) => huginHomography(p.yaw, p.pitch, p.roll, hfov, w, h));
    const toRef = inv3(Hs[reference]);
    hugMaps = Hs.map((H) => fitSimilarity(mul3(H, toRef), w, h));
  }
  // Score Hugin's maps with the same residual, against the same frame we matched each one to.
  const factor = proxyFactor(w, h, 1536);
  const logs = frames.map((fr) => logPyramid(greyProxy(fr, factor), 1)[0]);
  const pairResidual = (maps: Affine[], i: number, t: number): number => residual(logs[t], logs[i], composeAffine(maps[i], invertAffine(maps[t]))).value;

  console.log('| frame | ev | ours dx, dy, rot°, scale | method | to | res before → after | Hugin dx, dy, rot°, scale | Hugin res | Δ ours−Hugin dx, dy, rot° |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const ours = res.transforms.map((t) => t.matrix);
  for (let i = 0; i < frames.length; i++) {
    const r = res.report[i];
    const t = r.alignedTo;
    const cells = [names[i], f(frames[i].ev!, 1), `${pad(f(r.dx), 6)}, ${pad(f(r.dy), 6)}, ${pad(f(r.rotationDeg, 3), 6)}, ${f(r.scale, 4)}`, r.evidence === undefined ? r.method : `${r.method} (evidence ${f(r.evidence, 2)})`, i === reference ? '' : names[t].replace(/\..*$/, '')];
    cells.push(i === reference ? '' : `${f(r.residualBefore, 4)} → ${f(r.residualAfter, 4)}`);
    if (hugMaps) {
      const d = describeAffine(hugMaps[i], w, h);
      cells.push(`${pad(f(d.dx), 6)}, ${pad(f(d.dy), 6)}, ${pad(f(d.rotationDeg, 3), 6)}, ${f(d.scale, 4)}`);
      cells.push(i === reference ? '' : f(pairResidual(hugMaps, i, t), 4));
      cells.push(`${f(r.dx - d.dx)}, ${f(r.dy - d.dy)}, ${f(r.rotationDeg - d.rotationDeg, 3)}`);
    } else {
      cells.push(typeof hug === 'string' ? hug : 'not run', '', '');
    }
    console.log(`| ${cells.join(' | ')} |`);
    if (r.note) console.log(`|   note: ${r.note} |`);
  }
  const hugTime = hug && typeof hug !== 'string' ? `; align_image_stack ${f(hug.seconds, 2)} s` : '';
  const ourScore = res.report.map((r, i) => (i === reference ? NaN : pairResidual(ours, i, r.alignedTo)));
  const meanOf = (v: number[]) => v.filter(Number.isFinite).reduce((s, x, _, a) => s + x / a.length, 0);
  const hugScore = hugMaps ? res.report.map((r, i) => (i === reference ? NaN : pairResidual(hugMaps!, i, r.alignedTo))) : [];
  console.log(`\nalignFrames ${f(ms / 1000, 3)} s wall, ${f(cpuMs / 1000, 3)} s CPU for ${frames.length} frames (${f(cpuMs / (frames.length - 1), 0)} ms CPU per moved frame, warps included)${hugTime}; crop ${res.crop.width}x${res.crop.height}+${res.crop.x}+${res.crop.y}; mean residual ours ${f(meanOf(ourScore), 4)}${hugMaps ? `, Hugin ${f(meanOf(hugScore), 4)}` : ''}, unaligned ${f(meanOf(res.report.map((r, i) => (i === reference ? NaN : r.residualBefore))), 4)}`);
}

/** 3 frames of 6000x4000, 2 stops apart, the outer two moved (rendered at 1500x1000 and enlarged 4x). */
function bench24mp(): void {
  const [sw, sh, k] = [1500, 1000, 4];
  const scene = texturedScene(sw, sh);
  const poses = [{ dx: 0, dy: 0 }, { dx: 1.3, dy: -0.8, rotationDeg: 0.3 }, { dx: -2.2, dy: 1.1, rotationDeg: -0.5 }];
  const frames = poses.map((p, i) => {
    const small = photograph(scene, sw, sh, p, [0, 2, -2][i], i + 1);
    const data = new Float32Array(sw * k * sh * k * 3);
    for (let y = 0; y < sh * k; y++) {
      const row = Math.floor(y / k) * sw;
      for (let x = 0; x < sw * k; x++) for (let c = 0; c < 3; c++) data[(y * sw * k + x) * 3 + c] = small.data[(row + Math.floor(x / k)) * 3 + c];
    }
    return { ...small, width: sw * k, height: sh * k, data };
  });
  for (const mode of ['translation', 'similarity'] as const) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const res = alignFrames(frames, { reference: 0, mode });
    const ms = performance.now() - t0;
    console.log(`\n24 MP (6000x4000) x 3, mode ${mode}: ${f(ms / 1000, 3)} s wall, ${f(cpuSince(c0) / 1000, 3)} s CPU, ${res.report.filter((r) => r.warped).length} warps included`);
    for (const [i, r] of res.report.entries()) {
      if (i === 0) continue;
      console.log(`  frame ${i}: true ${JSON.stringify({ dx: poses[i].dx * k, dy: poses[i].dy * k, rot: poses[i].rotationDeg })}, found dx ${f(r.dx)} dy ${f(r.dy)} rot ${f(r.rotationDeg, 3)} scale ${f(r.scale, 4)} (${r.method}) residual ${f(r.residualBefore, 4)} → ${f(r.residualAfter, 4)}`);
    }
  }
}

function main(): void {
  console.log(`Machine: ${cpus().length} x ${cpus()[0].model}, Node ${process.version}`);
  const hugin = !args.includes('--no-hugin') && existsSync(HUGIN);
  if (!hugin) console.log(`(Hugin comparison off: ${existsSync(HUGIN) ? '--no-hugin' : `${HUGIN} missing (apt-get install hugin-tools)`})`);
  const only = opt('--set');
  if (existsSync(DATA)) {
    for (const set of readdirSync(DATA).sort()) {
      if (only && set !== only) continue;
      if (existsSync(join(DATA, set, 'exposures.tsv'))) benchSet(join(DATA, set), hugin);
    }
  } else {
    console.log(`(no real brackets: ${DATA} is missing)`);
  }
  if (!args.includes('--skip-24mp')) bench24mp();
}

main();

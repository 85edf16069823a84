/**
 * Training data for the judge network (training/ghost), written as .npy files under tmp/ghost-data:
 * the judge's input planes per (reference, frame) pair exactly as the runtime makes them
 * (src-shared/ghost/judge-input.ts), and for labelled brackets the truth.
 *   npx tsx training/ghost/make-data.ts [--out tmp/ghost-data] [--labelled 40] [--unlabelled 140] [--val 16] [--down 40] [--val-down 8] [--seed 1] [--append]
 * Brackets with motion are rendered by src-shared/ghost/dynamic-bracket.ts from the radiance maps in
 * ../shared/datasets/radiance (random crops of rows 64..448, 2 to 5 frames 1 to 3 stops apart, random
 * objects / warps / flicker, one in eight static, low to high noise); --down more labelled ones rendered
 * larger (700-1024 x 300-500 px, any rows) so the judge sees them downsampled to its working size as
 * the runtime does with large frames (truth masks area-averaged and thresholded at 0.5, the motion-free
 * frame downsampled in linear light). pedestrian_overpass_1k is never
 * read (bench/ghost-quality.ts scores on it); royal_esplanade_1k gives the validation brackets only.
 * Per bracket NAME: NAME.x.npy float16 [pairs, 11, H, W] (the judge's input); labelled ones also
 * NAME.mask.npy uint8 [pairs, 2, H, W] (the frame's ghost mask, and the part of it visible in the
 * frame) and NAME.static.npy float16 [pairs, 3, H, W] (frame k of the same bracket without motion,
 * encoded: the deghosted frame the student aims at). Unlabelled: generated brackets whose truth is
 * dropped, and the real brackets (../shared/datasets/brackets, triplets; aligned as the CLI does).
 * index.json lists them; --append adds only the --down sets to an existing index.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeImage } from '../../src-shared/codecs/decode';
import { decodeHdr } from '../../src-shared/codecs/hdr-read';
import { cropLinear } from '../../src-shared/correct/render-pair';
import { bracketAroundMedian, renderDynamicBracket } from '../../src-shared/ghost/dynamic-bracket';
import { encodeFrame, JUDGE_CHANNELS, JUDGE_SIDE, judgeInput } from '../../src-shared/ghost/judge-input';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { downsample } from '../../src-shared/image/resample';
import { alignBracket } from '../../src-shared/pipeline/align-bracket';
import { mulberry32 } from '../../src-shared/random';

const ROOT = resolve(import.meta.dirname, '../..');
const DATA = process.env.LUXFUSE_DATASETS ?? resolve(ROOT, '../shared/datasets');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const OUT = resolve(ROOT, opt('--out', 'tmp/ghost-data'));
const TRAIN_MAPS = ['blouberg_sunrise_2_1k', 'moonless_golf_1k', 'quarry_01_1k'];
const VAL_MAP = 'royal_esplanade_1k';
const HELD_OUT = 'pedestrian_overpass_1k';

/** IEEE half-precision bits of a float (round to nearest even), for compact float16 .npy files. */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function half(v: number): number {
  f32[0] = v;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let m = mant >> shift;
    const rest = mant & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && m & 1)) m++;
    return sign | m;
  }
  let m = mant >> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && m & 1)) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

function writeNpy(path: string, data: Float32Array | Uint8Array, shape: number[]): void {
  const isFloat = data instanceof Float32Array;
  const descr = isFloat ? '<f2' : '|u1';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = new Uint8Array(10 + header.length);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  head[8] = header.length & 0xff;
  head[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) head[10 + i] = header.charCodeAt(i);
  let body: Uint8Array;
  if (isFloat) {
    const h = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) h[i] = half(data[i]);
    body = new Uint8Array(h.buffer);
  } else body = data;
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  writeFileSync(path, out);
}

interface Entry {
  name: string;
  split: 'train' | 'val';
  labelled: boolean;
  source: string;
  pairs: number;
  width: number;
  height: number;
  frames: number;
  motion?: string;
}

/** Pads a w x h plane (or planes) to the judge input's padded size, repeating the last row and column. */
function padPlanes(src: ArrayLike<number>, planes: number, w: number, h: number, pw: number, ph: number, dst: Float32Array | Uint8Array, offset: number): void {
  for (let c = 0; c < planes; c++) {
    for (let y = 0; y < ph; y++) {
      for (let x = 0; x < pw; x++) dst[offset + c * pw * ph + y * pw + x] = src[c * w * h + Math.min(h - 1, y) * w + Math.min(w - 1, x)];
    }
  }
}

function dumpBracket(name: string, frames: LinearImage[], reference: number, entry: Omit<Entry, 'pairs' | 'width' | 'height' | 'frames' | 'name'>, truth?: { masks: Uint8Array[]; visible: Uint8Array[]; still: LinearImage[] }): Entry {
  const input = judgeInput(frames, { reference });
  const { paddedWidth: pw, paddedHeight: ph, width: w, height: h, pairs } = input;
  writeNpy(join(OUT, `${name}.x.npy`), input.data, [pairs.length, JUDGE_CHANNELS, ph, pw]);
  if (truth) {
    // Rendered larger than the working size: the truth follows the frames down (area means, masks at 0.5).
    const small = (m: Uint8Array): Uint8Array => {
      const img = downsample({ width: frames[0].width, height: frames[0].height, channels: 1, data: Float32Array.from(m), ev: 0, meta: {} }, JUDGE_SIDE);
      return Uint8Array.from(img.data, (v) => (v >= 0.5 ? 1 : 0));
    };
    const scaled = w !== frames[0].width || h !== frames[0].height;
    const masks = new Uint8Array(pairs.length * 2 * pw * ph);
    const still = new Float32Array(pairs.length * 3 * pw * ph);
    pairs.forEach((k, pi) => {
      const both = new Uint8Array(2 * w * h);
      both.set(scaled ? small(truth.masks[k]) : truth.masks[k], 0);
      both.set(scaled ? small(truth.visible[k]) : truth.visible[k], w * h);
      padPlanes(both, 2, w, h, pw, ph, masks, pi * 2 * pw * ph);
      const enc = encodeFrame(scaled ? downsample(truth.still[k], JUDGE_SIDE) : truth.still[k]);
      const planar = new Float32Array(3 * w * h);
      for (let p = 0; p < w * h; p++) for (let c = 0; c < 3; c++) planar[c * w * h + p] = enc[p * 3 + c];
      padPlanes(planar, 3, w, h, pw, ph, still, pi * 3 * pw * ph);
    });
    writeNpy(join(OUT, `${name}.mask.npy`), masks, [pairs.length, 2, ph, pw]);
    writeNpy(join(OUT, `${name}.static.npy`), still, [pairs.length, 3, ph, pw]);
  }
  return { name, ...entry, pairs: pairs.length, width: pw, height: ph, frames: frames.length };
}

function loadMap(map: string): LinearImage {
  if (map === HELD_OUT) throw new Error(`${HELD_OUT} is the benchmark's scene`);
  return decodeHdr(new Uint8Array(readFileSync(join(DATA, 'radiance', `${map}.hdr`))), `${map}.hdr`);
}

function generated(count: number, maps: string[], split: 'train' | 'val', labelled: boolean, seed: number, prefix: string, large = false): Entry[] {
  const rand = mulberry32(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const images = new Map(maps.map((m) => [m, loadMap(m)]));
  const out: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const map = maps[i % maps.length];
    const full = images.get(map)!;
    const cw = large ? 4 * Math.round((700 + rand() * 324) / 4) : 4 * Math.round((256 + rand() * 192) / 4);
    const ch = large ? 4 * Math.round((300 + rand() * 200) / 4) : 4 * Math.round((224 + rand() * 96) / 4);
    const x = Math.floor(rand() * (full.width - cw));
    const y = large ? Math.floor(rand() * (full.height - ch)) : 64 + Math.floor(rand() * (384 - ch));
    const image = cropLinear(full, x, y, cw, ch);
    const count = pick([2, 3, 3, 3, 4, 5]);
    const step = pick([1, 1.5, 2, 2, 2.5, 3]);
    const evs = bracketAroundMedian(image, count, step);
    const still = rand() < 0.125;
    const motion = still
      ? { objects: 0, warps: 0, flickers: 0 }
      : pick([
          { objects: 1 + Math.floor(rand() * 3), warps: 0, flickers: 0 },
          { objects: 0, warps: 1 + Math.floor(rand() * 2), flickers: 0 },
          { objects: 0, warps: 0, flickers: 1 + Math.floor(rand() * 2) },
          { objects: 1 + Math.floor(rand() * 2), warps: Math.floor(rand() * 2), flickers: Math.floor(rand() * 2) },
        ]);
    const noise = rand();
    const shot = 2e-4 * 10 ** noise;
    const read = 5e-4 * 6 ** noise;
    const reference = rand() < 0.7 ? (count - 1) >> 1 : Math.floor(rand() * count);
    const b = renderDynamicBracket(image, { evs, seed: (seed * 1000 + i) >>> 0, shot, read, reference, ...motion });
    const name = `${prefix}-${String(i).padStart(3, '0')}`;
    const kind = still ? 'static' : `objects ${motion.objects} warps ${motion.warps} flickers ${motion.flickers}`;
    const entry = dumpBracket(name, b.frames, b.reference, { split, labelled, source: `${map} ${cw}x${ch} at ${x},${y}; ${count} frames ${step} EV; noise ${shot.toExponential(1)}`, motion: kind }, labelled ? { masks: b.masks, visible: b.visibleMasks, still: b.staticFrames } : undefined);
    out.push(entry);
    console.error(`${name}: ${entry.source}, ${kind}`);
  }
  return out;
}

/** Real brackets, unlabelled: subsets of the tripod brackets (2 to 4 frames, 1 to 3 stops apart) and the triplets. */
function real(): Entry[] {
  const out: Entry[] = [];
  const bdir = join(DATA, 'brackets');
  const subsets: { file: string; t: number }[][] = [];
  const names: string[] = [];
  for (const scene of readdirSync(bdir).filter((s) => existsSync(join(bdir, s, 'exposures.tsv'))).sort()) {
    const rows = readFileSync(join(bdir, scene, 'exposures.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split('\t'))
      .map(([file, t]) => ({ file: join(bdir, scene, file), t: Number(t) }))
      .sort((a, b) => a.t - b.t);
    const m = rows.length >> 1;
    const sets = [
      [m - 2, m, m + 2],
      [m - 3, m - 1, m + 1, m + 3],
      [m - 1, m + 2],
      [m - 4, m - 2, m],
      [m, m + 2, m + 4],
    ];
    sets.forEach((s, j) => {
      const ok = s.filter((i) => i >= 0 && i < rows.length);
      if (ok.length < 2) return;
      subsets.push(ok.map((i) => rows[i]));
      names.push(`real-${scene}-${j}`);
    });
  }
  const tdir = join(DATA, 'triplets');
  for (const scene of readdirSync(tdir).sort()) {
    const files = readdirSync(join(tdir, scene)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    subsets.push(files.map((f, i) => ({ file: join(tdir, scene, f), t: 2 ** i })));
    names.push(`real-${scene}`);
    subsets.push(files.slice(0, 2).map((f, i) => ({ file: join(tdir, scene, f), t: 2 ** i })));
    names.push(`real-${scene}-dark`);
  }
  subsets.forEach((rows, i) => {
    const frames = rows.map((r) => ({ ...downsample(decodeImage(new Uint8Array(readFileSync(r.file)), r.file), JUDGE_SIDE), ev: Math.log2(r.t) }));
    const aligned = alignBracket(frames, 'similarity').frames;
    const reference = (aligned.length - 1) >> 1;
    out.push(dumpBracket(names[i], aligned, reference, { split: 'train', labelled: false, source: rows.map((r) => r.file.slice(DATA.length + 1)).join(', ') }));
    console.error(`${names[i]}: ${aligned.length} frames`);
  });
  return out;
}

function main(): void {
  if (!existsSync(join(DATA, 'radiance'))) {
    console.error(`no datasets at ${DATA} (see ../shared/datasets/README.md): cannot make training data`);
    process.exit(1);
  }
  mkdirSync(OUT, { recursive: true });
  const seed = Number(opt('--seed', '1'));
  const t0 = performance.now();
  const down = [
    ...generated(Number(opt('--down', '40')), TRAIN_MAPS, 'train', true, seed + 3, 'labd', true),
    ...generated(Number(opt('--val-down', '8')), [VAL_MAP], 'val', true, seed + 4, 'vald', true),
  ];
  const entries = args.includes('--append')
    ? [...(JSON.parse(readFileSync(join(OUT, 'index.json'), 'utf8')) as { entries: Entry[] }).entries.filter((e) => !/^(labd|vald)-/.test(e.name)), ...down]
    : [
        ...generated(Number(opt('--labelled', '40')), TRAIN_MAPS, 'train', true, seed, 'lab'),
        ...generated(Number(opt('--unlabelled', '140')), TRAIN_MAPS, 'train', false, seed + 1, 'unl'),
        ...generated(Number(opt('--val', '16')), [VAL_MAP], 'val', true, seed + 2, 'val'),
        ...down,
        ...real(),
      ];
  writeFileSync(join(OUT, 'index.json'), JSON.stringify({ channels: JUDGE_CHANNELS, side: JUDGE_SIDE, entries }, null, 1));
  console.error(`${entries.length} brackets, ${entries.reduce((s, e) => s + e.pairs, 0)} pairs in ${((performance.now() - t0) / 1000).toFixed(0)} s -> ${OUT}`);
}

main();

/**
 * Under/over pairs at every gap: MEF-SSIM of the learned merge, our Mertens and OpenCV's MergeMertens on
 * two-frame pairs cut from the long brackets of ../shared/datasets (and the triplets' three pairs), grouped by
 * the pair's gap in stops. The held-back benchmark of issue 5 is 100 public under/over pairs we do not have;
 * the five triplet pairs of bench:quality are one gap each. This asks whether the lead holds as the gap widens,
 * on scenes held out of training (street2, SeaRock) apart from the rest.
 *
 * A pair is kept when it is an under/over pair: the darker frame's mean sRGB luma under 0.45 and the brighter
 * one's over 0.4, each frame less than 90 % black (< 0.02) or white (> 0.98), so neither frame is empty.
 * Every method gets the same 8-bit frames (decoded as the CLI decodes them) and is scored as bench:quality scores.
 *
 * Usage: npx tsx bench/pair-gaps.ts [--scenes street2,SeaRock] [--json out.json]
 *   [--variants '[["label", LearnedFuseOptions], ...]'] (more learned rows, e.g. another working side; their means are printed after the table)
 * Needs ../shared/datasets and /usr/bin/python3 with cv2 (python3-opencv).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { decodeImage } from '../src-shared/codecs/decode';
import { encodePng } from '../src-shared/codecs/png';
import type { LinearImage } from '../src-shared/image/linear-image';
import { mergeBracket } from '../src-shared/pipeline/merge-bracket';
import { DEFAULT_FUSED_TONE, renderOutcome } from '../src-shared/pipeline/render-display';
import { prepareMefSsim, scoreMefSsim, type Image8 } from '../src-shared/metrics/mef-ssim';
import { toneMap } from '../src-shared/tonemap/tone-map';
import type { LearnedFuseOptions } from '../src-shared/fusion/meta';
import { defaultModelPath, fuseLearned } from '../src-main/services/fusion-model';
import { decodeFile } from '../src-main/services/frames';
import { image8 } from './image8';

const ROOT = resolve(import.meta.dirname, '..');
const DATASETS = resolve(ROOT, '../shared/datasets');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const ONLY = arg('--scenes')?.split(',');
const JSON_OUT = arg('--json');
const VARIANTS = JSON.parse(arg('--variants') ?? '[]') as [string, LearnedFuseOptions][];
/** Held out of the shipped model's training (resources/models/fusion.md). */
const HELD_OUT = new Set(['street2', 'SeaRock']);
const PYTHON = '/usr/bin/python3';
const OPENCV_MERTENS = `
import sys, json, cv2, numpy as np
for out, a, b in json.load(open(sys.argv[1])):
    res = cv2.createMergeMertens().process([cv2.imread(a, cv2.IMREAD_COLOR), cv2.imread(b, cv2.IMREAD_COLOR)])
    cv2.imwrite(out, np.clip(np.rint(res * 255), 0, 255).astype(np.uint8))
`;

interface Frame {
  file: string;
  /** Stops brighter than the scene's darkest frame: from exposures.tsv, or the triplets' file order (unknown gaps: NaN). */
  ev: number;
  image: LinearImage;
  codes: Image8;
  png: string;
}

interface PairScore {
  scene: string;
  heldOut: boolean;
  under: string;
  over: string;
  gap: number;
  learned: number;
  mertens: number;
  opencv: number;
  /** The --variants' scores, by label. */
  variants: Record<string, number>;
}

if (!existsSync(DATASETS)) {
  console.log(`No datasets at ${DATASETS}: nothing to benchmark (this bench needs ../shared/datasets).`);
  process.exit(0);
}
if (spawnSync(PYTHON, ['-c', 'import cv2, numpy'], { encoding: 'utf8' }).status !== 0) throw new Error(`${PYTHON} has no cv2: apt-get install python3-opencv`);

/** Mean sRGB luma and the black / white fractions of an 8-bit frame. */
function exposureOf(img: Image8): { mean: number; black: number; white: number } {
  const n = img.width * img.height;
  let sum = 0;
  let black = 0;
  let white = 0;
  for (let i = 0; i < n; i++) {
    const y = (0.2989 * img.data[3 * i] + 0.587 * img.data[3 * i + 1] + 0.114 * img.data[3 * i + 2]) / 255;
    sum += y;
    if (y < 0.02) black++;
    if (y > 0.98) white++;
  }
  return { mean: sum / n, black: black / n, white: white / n };
}

function scenes(): { name: string; files: string[]; ev: number[] }[] {
  const out: { name: string; files: string[]; ev: number[] }[] = [];
  const brackets = join(DATASETS, 'brackets');
  for (const name of readdirSync(brackets).sort()) {
    const rows = readFileSync(join(brackets, name, 'exposures.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const times = rows.map((r) => Number(r[1]));
    const shortest = Math.min(...times);
    out.push({ name, files: rows.map((r) => join(brackets, name, r[0])), ev: times.map((t) => Math.log2(t / shortest)) });
  }
  const triplets = join(DATASETS, 'triplets');
  for (const name of readdirSync(triplets).sort()) {
    const files = readdirSync(join(triplets, name)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    // No exposure times: 1.jpg is the darkest; the gap is reported as unknown.
    out.push({ name, files: files.map((f) => join(triplets, name, f)), ev: files.map(() => Number.NaN) });
  }
  return ONLY ? out.filter((s) => ONLY.includes(s.name)) : out;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'luxfuse-pairs-'));
  const model = defaultModelPath();
  const scores: PairScore[] = [];
  try {
    for (const scene of scenes()) {
      const frames: Frame[] = [];
      for (const [i, file] of scene.files.entries()) {
        const decoded = await decodeFile(new Uint8Array(readFileSync(file)), basename(file));
        const codes = image8(decoded);
        const png = join(work, `${scene.name}-${i}.png`);
        writeFileSync(png, encodePng({ width: codes.width, height: codes.height, channels: 3, bits: 8, data: codes.data }));
        // Re-decoded from our PNG: every method, ours and OpenCV, reads the same 8-bit samples.
        frames.push({ file: basename(file), ev: scene.ev[i], image: decodeImage(new Uint8Array(readFileSync(png)), basename(file)), codes, png });
      }
      const stats = frames.map((f) => exposureOf(f.codes));
      // Darkest first: brackets by their times, triplets by file order (1 = under).
      const order = frames.map((_, i) => i).sort((a, b) => (Number.isNaN(frames[a].ev) ? a - b : frames[a].ev - frames[b].ev));
      const pairs: [number, number][] = [];
      for (let a = 0; a < order.length; a++) {
        for (let b = a + 1; b < order.length; b++) {
          const [u, o] = [order[a], order[b]];
          const usable = (s: (typeof stats)[number]): boolean => s.black < 0.9 && s.white < 0.9;
          if (stats[u].mean < 0.45 && stats[o].mean > 0.4 && usable(stats[u]) && usable(stats[o])) pairs.push([u, o]);
        }
      }
      const cv = pairs.map(([u, o], k) => [join(work, `${scene.name}-cv-${k}.png`), frames[u].png, frames[o].png]);
      writeFileSync(join(work, 'pairs.json'), JSON.stringify(cv));
      const r = spawnSync(PYTHON, ['-c', OPENCV_MERTENS, join(work, 'pairs.json')], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`OpenCV failed: ${r.stderr}`);
      for (const [k, [u, o]] of pairs.entries()) {
        const pair = [frames[u].image, frames[o].image];
        const ref = prepareMefSsim([frames[u].codes, frames[o].codes]);
        const score = (img: Image8): number => scoreMefSsim(ref, img).score;
        const { fused } = await fuseLearned(pair, { modelPath: model });
        const learned = score(toneMap(fused, DEFAULT_FUSED_TONE, { key: 1, output: 'srgb' }));
        const mertens = score(renderOutcome(mergeBracket(pair, 'mertens'), DEFAULT_FUSED_TONE));
        const opencv = score(image8(decodeImage(new Uint8Array(readFileSync(cv[k][0])), 'opencv.png')));
        const variants: Record<string, number> = {};
        for (const [label, options] of VARIANTS) {
          const v = await fuseLearned(pair, { modelPath: model, ...options });
          variants[label] = score(toneMap(v.fused, DEFAULT_FUSED_TONE, { key: 1, output: 'srgb' }));
        }
        // Gaps from exposure times rounded to a hundredth of a stop (times like 0.00195312 are not exact powers of two).
        const gap = Math.round((frames[o].ev - frames[u].ev) * 100) / 100;
        const row: PairScore = { scene: scene.name, heldOut: HELD_OUT.has(scene.name), under: frames[u].file, over: frames[o].file, gap, learned, mertens, opencv, variants };
        scores.push(row);
        console.error(`${scene.name} ${row.under} + ${row.over} (${Number.isNaN(row.gap) ? '?' : row.gap} stops, means ${stats[u].mean.toFixed(2)} / ${stats[o].mean.toFixed(2)}): learned ${learned.toFixed(4)}, lux Mertens ${mertens.toFixed(4)}, OpenCV ${opencv.toFixed(4)}${VARIANTS.map(([l]) => `, ${l} ${variants[l].toFixed(4)}`).join('')}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  report(scores);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(scores, null, 2));
}

function report(scores: PairScore[]): void {
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const line = (label: string, rows: PairScore[]): string => {
    if (rows.length === 0) return `| ${label} | 0 | | | | |`;
    const wins = rows.filter((r) => r.learned > r.opencv).length;
    const worst = Math.min(...rows.map((r) => r.learned - r.opencv));
    return `| ${label} | ${rows.length} | ${mean(rows.map((r) => r.learned)).toFixed(4)} | ${mean(rows.map((r) => r.mertens)).toFixed(4)} | ${mean(rows.map((r) => r.opencv)).toFixed(4)} | ${wins} / ${rows.length} (worst ${worst >= 0 ? '+' : ''}${worst.toFixed(4)}) |`;
  };
  const out = [
    `Under/over pairs, MEF-SSIM; machine: ${cpus().length} x ${cpus()[0].model}, Node ${process.version}.`,
    '',
    '| pairs | n | learned | lux Mertens | OpenCV Mertens | learned above OpenCV |',
    '|---|---|---|---|---|---|',
  ];
  for (const held of [true, false]) {
    const set = scores.filter((r) => r.heldOut === held);
    const tag = held ? 'held out' : 'seen in training';
    const gaps = [...new Set(set.map((r) => r.gap).filter((g) => !Number.isNaN(g)))].sort((a, b) => a - b);
    for (const g of gaps) out.push(line(`${tag}, ${g} stops`, set.filter((r) => r.gap === g)));
    const unknown = set.filter((r) => Number.isNaN(r.gap));
    if (unknown.length > 0) out.push(line(`${tag}, triplet pairs (gap not given)`, unknown));
    out.push(line(`**${tag}, all**`, set));
  }
  out.push(line('**every pair**', scores));
  for (const [label] of VARIANTS) {
    const held = scores.filter((r) => r.heldOut);
    const seen = scores.filter((r) => !r.heldOut);
    const m = (rows: PairScore[]): string => (rows.length ? mean(rows.map((r) => r.variants[label])).toFixed(4) : '-');
    out.push(`variant ${label}: held out ${m(held)}, seen ${m(seen)}, every pair ${m(scores)}`);
  }
  console.log(out.join('\n'));
}

await main();

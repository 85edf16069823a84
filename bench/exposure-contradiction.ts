/**
 * How often planExposures' gross check (grossContradiction, src-shared/pipeline/plan-exposures.ts) calls honest
 * metadata a lie: every pair of frames of every bracket in ../shared/datasets/brackets, with the exposure times of
 * its exposures.tsv, beside the plain rule it replaced (the pixels' median log2 ratio more than 1.5 stops from the
 * metadata's). And that it does catch lies: each bracket's darkest and brightest frames swapped, one time for all,
 * and a time of 1e30 s; for each, how far planExposures' relative exposures then are from the true ones (stops).
 *
 *   npx tsx bench/exposure-contradiction.ts          (needs ../shared; about a minute)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeImage } from '../src-shared/codecs/decode';
import type { LinearImage } from '../src-shared/image/linear-image';
import { grossContradiction, planExposures } from '../src-shared/pipeline/plan-exposures';

const ROOT = resolve(import.meta.dirname, '../../shared/datasets/brackets');
if (!existsSync(ROOT)) throw new Error(`no brackets at ${ROOT}: this benchmark reads ../shared`);

/** The replaced rule: the median log2 ratio of pixels usable in both (green, 1 %-90 %) more than 1.5 stops from the metadata. */
function plainRule(a: LinearImage, b: LinearImage, stops: number): boolean {
  const n = a.width * a.height;
  const stride = Math.max(1, Math.floor(n / 40_000));
  const logs: number[] = [];
  for (let p = 0; p < n; p += stride) {
    const x = a.data[p * a.channels + 1];
    const y = b.data[p * b.channels + 1];
    if (x > 0.01 && x < 0.9 && y > 0.01 && y < 0.9) logs.push(Math.log2(y / x));
  }
  if (logs.length < 200) return false;
  logs.sort((u, v) => u - v);
  return Math.abs(logs[logs.length >> 1] - stops) > 1.5;
}

let pairs = 0;
let flagged = 0;
let flaggedPlain = 0;
const lies = { swapped: 0, oneTime: 0, impossible: 0, brackets: 0 };
for (const scene of readdirSync(ROOT).sort()) {
  const tsv = join(ROOT, scene, 'exposures.tsv');
  if (!existsSync(tsv)) continue;
  const rows = readFileSync(tsv, 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const frames = rows.map(([file]) => decodeImage(new Uint8Array(readFileSync(join(ROOT, scene, file))), file));
  const ev = rows.map(([, t]) => Math.log2(Number(t)));
  let sceneFlagged = 0;
  let scenePlain = 0;
  let scenePairs = 0;
  for (let i = 0; i < frames.length; i++) {
    for (let j = i + 1; j < frames.length; j++) {
      scenePairs++;
      if (grossContradiction([frames[i], frames[j]], [ev[i], ev[j]])) sceneFlagged++;
      const [lo, hi] = ev[i] < ev[j] ? [i, j] : [j, i];
      if (plainRule(frames[lo], frames[hi], ev[hi] - ev[lo])) scenePlain++;
    }
  }
  const order = ev.map((_, i) => i).sort((a, b) => ev[a] - ev[b]);
  const swapped = [...ev];
  [swapped[order[0]], swapped[order[order.length - 1]]] = [ev[order[order.length - 1]], ev[order[0]]];
  lies.brackets++;
  const cases: [keyof typeof lies, number[]][] = [
    ['swapped', swapped],
    ['oneTime', ev.map(() => ev[0])],
    ['impossible', ev.map((v, i) => (i === order[order.length - 1] ? Math.log2(1e30) : v))],
  ];
  const errors: string[] = [];
  for (const [name, told] of cases) {
    if (grossContradiction(frames, told)) lies[name]++;
    const plan = planExposures(frames.map((f, i) => ({ ...f, ev: told[i] })));
    const r = order[0];
    const worst = Math.max(...ev.map((v, i) => Math.abs(plan.ev[i] - plan.ev[r] - (v - ev[r]))));
    errors.push(`${name} ${worst.toFixed(2)}`);
  }
  console.log(
    `${scene}: ${frames.length} frames, ${scenePairs} pairs; honest pairs flagged: gross check ${sceneFlagged}, plain 1.5-stop rule ${scenePlain}; ` +
      `planExposures' largest error (stops) under each lie: ${errors.join(', ')}`,
  );
  pairs += scenePairs;
  flagged += sceneFlagged;
  flaggedPlain += scenePlain;
}
console.log(`all: ${pairs} honest pairs; flagged by the gross check ${flagged}, by the plain 1.5-stop rule ${flaggedPlain}`);
console.log(`lies caught over ${lies.brackets} brackets: darkest and brightest swapped ${lies.swapped}, one time for all ${lies.oneTime}, 1e30 s ${lies.impossible}`);

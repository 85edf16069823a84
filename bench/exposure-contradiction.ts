/**
 * How often planExposures' gross check (grossContradiction, src-shared/pipeline/plan-exposures.ts) calls honest
 * metadata a lie: every pair of frames of every bracket in ../shared/datasets/brackets, with the exposure times of
 * its exposures.tsv, beside the plain rule it replaced (the pixels' median log2 ratio more than 1.5 stops from the
 * metadata's). And that it does catch lies: each bracket's darkest and brightest frames swapped, its second and
 * middle frames swapped, one time for all, and a time of 1e30 s; for each, how far planExposures' relative
 * exposures then are from the listed ones (stops), and whether its warning calls them unreliable (LOUD) or says
 * the other frames confirm them (quiet). The lies are told to each whole bracket and to every second and every
 * third frame of it (2- and 3-stop brackets); the honest times of each go through planExposures too, which must
 * not warn of a contradiction.
 *
 *   npx tsx bench/exposure-contradiction.ts          (needs ../shared; about two minutes)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeImage } from '../src-shared/codecs/decode';
import type { LinearImage } from '../src-shared/image/linear-image';
import { grossContradiction, planExposures, type ExposurePlan } from '../src-shared/pipeline/plan-exposures';

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
/** Caught lies by what planExposures' warning said and whether its exposures ended over a stop from the listed ones. */
const said = { loudFar: 0, loudNear: 0, quietFar: 0, quietNear: 0, uncaught: 0 };
let honestPlans = 0;
let honestWarned = 0;

/** planExposures on `frames` told `ev` and each lie: its largest error against `ev` (stops) and what it warned. */
function tellLies(frames: LinearImage[], ev: number[]): { caught: Record<'swapped' | 'oneTime' | 'impossible', boolean>; text: string } {
  const order = ev.map((_, i) => i).sort((a, b) => ev[a] - ev[b]);
  const swap = (a: number, b: number): number[] => {
    const out = [...ev];
    [out[a], out[b]] = [ev[b], ev[a]];
    return out;
  };
  const honest = planExposures(frames.map((f, i) => ({ ...f, ev: ev[i] })));
  honestPlans++;
  if (honest.warnings.some(isContradiction)) honestWarned++;
  const cases: [string, number[]][] = [
    ['swapped', swap(order[0], order[order.length - 1])],
    ['middle swapped', swap(order[1], order[order.length >> 1])],
    ['oneTime', ev.map(() => ev[0])],
    ['impossible', ev.map((v, i) => (i === order[order.length - 1] ? Math.log2(1e30) : v))],
  ];
  const caught = { swapped: false, oneTime: false, impossible: false };
  const offBy = (plan: ExposurePlan): number => Math.max(...ev.map((v, i) => Math.abs(plan.ev[i] - plan.ev[order[0]] - (v - ev[order[0]]))));
  // The listed times are nominal (../shared/datasets/README.md): the honest plan's own distance from them is the floor.
  const out: string[] = [`honest ${offBy(honest).toFixed(2)}`];
  for (const [name, told] of cases) {
    if (name in caught) caught[name as keyof typeof caught] = grossContradiction(frames, told);
    const plan = planExposures(frames.map((f, i) => ({ ...f, ev: told[i] })));
    const worst = offBy(plan);
    const warning = plan.warnings.find(isContradiction);
    const loud = warning?.startsWith('EXPOSURES UNRELIABLE') ?? false;
    if (!warning) said.uncaught++;
    else if (loud) said[worst > 1 ? 'loudFar' : 'loudNear']++;
    else said[worst > 1 ? 'quietFar' : 'quietNear']++;
    out.push(`${name} ${worst.toFixed(2)} ${!warning ? 'not caught' : loud ? 'LOUD' : 'quiet'}`);
  }
  return { caught, text: out.join(', ') };
}

function isContradiction(warning: string): boolean {
  return /contradicts? the pixels/.test(warning);
}
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
  lies.brackets++;
  const whole = tellLies(frames, ev);
  for (const name of ['swapped', 'oneTime', 'impossible'] as const) if (whole.caught[name]) lies[name]++;
  console.log(
    `${scene}: ${frames.length} frames, ${scenePairs} pairs; honest pairs flagged: gross check ${sceneFlagged}, plain 1.5-stop rule ${scenePlain}; ` +
      `planExposures' largest error (stops) with the listed times and under each lie, and its warning: ${whole.text}`,
  );
  for (const every of [2, 3]) {
    const keep = frames.map((_, i) => i).filter((i) => i % every === 0);
    const sub = tellLies(keep.map((i) => frames[i]), keep.map((i) => ev[i]));
    console.log(`  every ${every === 2 ? 'second' : 'third'} frame (${keep.length}): ${sub.text}`);
  }
  pairs += scenePairs;
  flagged += sceneFlagged;
  flaggedPlain += scenePlain;
}
console.log(`all: ${pairs} honest pairs; flagged by the gross check ${flagged}, by the plain 1.5-stop rule ${flaggedPlain}`);
console.log(`lies caught over ${lies.brackets} brackets: darkest and brightest swapped ${lies.swapped}, one time for all ${lies.oneTime}, 1e30 s ${lies.impossible}`);
console.log(`honest times through planExposures: ${honestPlans} brackets (whole and thinned), ${honestWarned} warned of a contradiction`);
console.log(
  `lies told to whole and thinned brackets: ${said.loudFar + said.loudNear + said.quietFar + said.quietNear} caught, ${said.uncaught} not; ` +
    `LOUD ${said.loudFar + said.loudNear} (${said.loudFar} of them over a stop off), quiet ${said.quietFar + said.quietNear} (${said.quietFar} of them over a stop off)`,
);

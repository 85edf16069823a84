/**
 * Colour casts of the radiance merge on real camera brackets, against OpenCV's CalibrateDebevec +
 * MergeDebevec on the same frames. A camera applies its tone curve after white balance, so a grey
 * surface is grey in every frame whatever the curve: the radiance map should keep the reference
 * frame's grey pixels grey. The cast of a map is measured on the pixels that are near-neutral and
 * well exposed in the reference frame (every channel 0.1-0.85 encoded, and R/G, B/G within 0.15
 * stop of 1): the median over them of log2(R/G) and log2(B/G) of the map minus the same of the
 * frame decoded as sRGB, in stops. A per-channel response that leans one way shows up here as a
 * tint of the whole picture once it is tone mapped.
 *
 * Brackets: every scene of ../shared/datasets/brackets (exposure times from exposures.tsv) and
 * triplets (no times: ours estimates them from the pixels; OpenCV is given ours, so both get the
 * same exposures). --max-side N first shrinks every frame (box filter, 8-bit PNG, read back as any
 * PNG): small brackets have fewer samples per level for the response.
 * Usage: npx tsx bench/radiance-colour.ts [--scenes a,b] [--max-side N] [--json FILE]
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodePng } from '../src-shared/codecs/png';
import type { LinearImage } from '../src-shared/image/linear-image';
import { downsample } from '../src-shared/image/resample';
import { linearToSrgb } from '../src-shared/image/srgb';
import { mergeBracket } from '../src-shared/pipeline/merge-bracket';
import { readFrame } from '../src-main/services/frames';
import { openCvDebevec } from './lib/opencv-debevec';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = resolve(ROOT, '../shared/datasets');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = opt('--scenes')?.split(',');
const maxSide = opt('--max-side') ? Number(opt('--max-side')) : null;

/** The frame shrunk to maxSide and written as an 8-bit PNG in `dir`; its path. */
async function shrunk(path: string, dir: string, index: number): Promise<string> {
  const small = downsample(await readFrame(path), maxSide!);
  const codes = Uint8Array.from(small.data, (v) => Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, v)))));
  const out = join(dir, `small-${index}.png`);
  writeFileSync(out, encodePng({ width: small.width, height: small.height, channels: 3, bits: 8, data: codes }));
  return out;
}

/** Encoded range a reference pixel must lie in, every channel, to count. */
const LOW = 0.1;
const HIGH = 0.85;
/** How near grey a reference pixel must be: |log2 R/G| and |log2 B/G| under this. */
const NEUTRAL_STOPS = 0.15;

interface Cast {
  /** Median log2(R/G) and log2(B/G) of the map minus the frame's, in stops. */
  rg: number;
  bg: number;
  pixels: number;
}

function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** The cast of `map` on the neutral, well-exposed pixels of `reference` (decoded linear sRGB). */
function neutralCast(map: Float32Array, reference: LinearImage): Cast {
  const rg: number[] = [];
  const bg: number[] = [];
  const d = reference.data;
  const n = reference.width * reference.height;
  for (let p = 0; p < n; p++) {
    const r = d[p * 3];
    const g = d[p * 3 + 1];
    const b = d[p * 3 + 2];
    const er = linearToSrgb(r);
    const eg = linearToSrgb(g);
    const eb = linearToSrgb(b);
    if (Math.min(er, eg, eb) < LOW || Math.max(er, eg, eb) > HIGH) continue;
    const frg = Math.log2(r / g);
    const fbg = Math.log2(b / g);
    if (Math.abs(frg) > NEUTRAL_STOPS || Math.abs(fbg) > NEUTRAL_STOPS) continue;
    const mr = map[p * 3];
    const mg = map[p * 3 + 1];
    const mb = map[p * 3 + 2];
    if (!(mr > 0 && mg > 0 && mb > 0)) continue;
    rg.push(Math.log2(mr / mg) - frg);
    bg.push(Math.log2(mb / mg) - fbg);
  }
  return { rg: median(rg), bg: median(bg), pixels: rg.length };
}

interface Scene {
  name: string;
  files: string[];
  /** Seconds per frame, or null where the files do not say. */
  times: number[] | null;
}

function scenes(): Scene[] {
  const out: Scene[] = [];
  const brackets = join(DATA, 'brackets');
  for (const name of existsSync(brackets) ? readdirSync(brackets).sort() : []) {
    const tsv = readFileSync(join(brackets, name, 'exposures.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    out.push({ name, files: tsv.map((r) => join(brackets, name, r[0])), times: tsv.map((r) => Number(r[1])) });
  }
  const triplets = join(DATA, 'triplets');
  for (const name of existsSync(triplets) ? readdirSync(triplets).sort() : []) {
    out.push({ name, files: ['1.jpg', '2.jpg', '3.jpg'].map((f) => join(triplets, name, f)), times: null });
  }
  return out.filter((s) => !only || only.includes(s.name));
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`no datasets at ${DATA}: nothing to benchmark`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'luxfuse-rc-'));
  const rows: string[] = ['| scene | frames | neutral pixels | luxfuse R/G, B/G (stops) | OpenCV R/G, B/G (stops) | luxfuse worst / OpenCV worst | channels balanced at (shape spread) |', '|---|---|---|---|---|---|---|'];
  const json: unknown[] = [];
  const worst = { ours: [] as number[], cv: [] as number[] };
  try {
    for (const scene of scenes()) {
      if (maxSide) scene.files = await Promise.all(scene.files.map((f, i) => shrunk(f, work, i)));
      const frames = await Promise.all(scene.files.map((f) => readFrame(f)));
      const outcome = mergeBracket(frames, 'radiance', { ...(scene.times ? { exposureTimes: scene.times } : { allowPixelEstimate: true }) });
      const plan = outcome.plan!;
      const reference = frames[plan.referenceIndex];
      const ours = neutralCast(outcome.radiance!.data, reference);
      // OpenCV gets the exposures ours used (the given times where they exist, else ours from the pixels).
      const times = scene.times ?? plan.ev.map((ev) => 2 ** ev);
      const cv = neutralCast(openCvDebevec(scene.files, times, work), reference);
      const w = (c: Cast): number => Math.max(Math.abs(c.rg), Math.abs(c.bg));
      worst.ours.push(w(ours));
      worst.cv.push(w(cv));
      const f = (v: number): string => (v >= 0 ? '+' : '') + v.toFixed(3);
      rows.push(`| ${scene.name} | ${frames.length} | ${ours.pixels} | ${f(ours.rg)}, ${f(ours.bg)} | ${f(cv.rg)}, ${f(cv.bg)} | ${w(ours).toFixed(3)} / ${w(cv).toFixed(3)} | ${plan.responseSummary?.balance ?? 'no response'} (${plan.responseSummary?.shapeSpread ?? '-'}) |`);
      console.log(rows[rows.length - 1]);
      json.push({ scene: scene.name, frames: frames.length, ours, opencv: cv, response: plan.responseSummary });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  console.log(`\n${rows.join('\n')}\n`);
  console.log(`largest cast per scene (stops), mean: luxfuse ${mean(worst.ours).toFixed(3)}, OpenCV ${mean(worst.cv).toFixed(3)}; worst: luxfuse ${Math.max(...worst.ours).toFixed(3)}, OpenCV ${Math.max(...worst.cv).toFixed(3)}`);
  const file = opt('--json');
  if (file) writeFileSync(file, JSON.stringify(json, null, 2));
}

await main();

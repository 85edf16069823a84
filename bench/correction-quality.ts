/**
 * Single-frame correction quality (issue 7) on held-out rendered pairs: radiance/pedestrian_overpass_1k
 * (middle band, rows 96..416) and brackets/taipei (merged to radiance by our radiance merge with the
 * exposures.tsv times), 4 crops and the whole of each, rendered as src-shared/correct/render-pair.ts
 * defines a pair at stops -3, -2.5, -2, +2, +2.5, +3 with low or high noise
 * (the ends of the benchmark ranges) and JPEG quality 75 or 92, in a fixed balanced design: 60 pairs.
 * Each method gets the decoded JPEG and is scored by PSNR and SSIM of its 8-bit sRGB output against the
 * noise-free truth: 'input' (the JPEG as is), 'baseline' (auto exposure + gamma + CLAHE,
 * src-shared/correct/baseline.ts), its ablation without CLAHE, and the app's methods through
 * src-main/services/correct-service.ts ('learned', 'classical') when they load and run. The HDR
 * estimates are scored by the mean |ln(Y_est + 1e-4) - ln(Y_truth + 1e-4)| of Rec.709 luminance,
 * pooled over the pixels of a group, separately where the input is clipped (max channel code >= 250)
 * and where it is not; the baseline's HDR estimate is its first step, the auto-exposed linear input.
 * Usage: npm run bench:correct [-- --quick] [-- --json out.json] [-- --save-dir dir] [-- --models dir]
 * Datasets: ../shared/datasets, or LUXFUSE_DATASETS.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { decodeImage } from '../src-shared/codecs/decode';
import { decodeHdr } from '../src-shared/codecs/hdr-read';
import { decodeJpeg } from '../src-shared/codecs/jpeg';
import { encodePng } from '../src-shared/codecs/png';
import { correctBaseline } from '../src-shared/correct/baseline';
import { cropLinear, linearToCodes, luminance709, renderCorrectionPair } from '../src-shared/correct/render-pair';
import type { LinearImage } from '../src-shared/image/linear-image';
import { downsample } from '../src-shared/image/resample';
import type { Image8 } from '../src-shared/metrics/grey';
import { psnr } from '../src-shared/metrics/psnr';
import { ssim } from '../src-shared/metrics/ssim';
import { mergeBracket } from '../src-shared/pipeline/merge-bracket';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const DATASETS = resolve(process.env.LUXFUSE_DATASETS ?? join(ROOT, '../shared/datasets'));
const QUICK = args.includes('--quick');
const JSON_OUT = arg('--json');
const SAVE_DIR = arg('--save-dir');
const MODEL_DIR = arg('--models');
/** Pairs whose images --save-dir writes. */
const SAVE_PAIRS = 6;

const STOPS = [-3, -2.5, -2, 2, 2.5, 3];
/** The ends of the benchmark noise ranges (a in [2e-4, 2e-3], b in [5e-4, 3e-3]): a = shot, b = read. */
const NOISE = [
  { name: 'low', shot: 2e-4, read: 5e-4 },
  { name: 'high', shot: 2e-3, read: 3e-3 },
];
const QUALITIES = [75, 92];
const LOG_EPS = 1e-4;
const CLIP_CODE = 250;

type AppMethod = 'learned' | 'classical';
type CorrectImage = (input: LinearImage, opts: { method: AppMethod; modelDir?: string }) => Promise<{ ldr: LinearImage; hdr: LinearImage }>;

interface Region {
  scene: string;
  label: string;
  image: LinearImage;
}

interface PairSpec {
  region: Region;
  stops: number;
  noise: (typeof NOISE)[number];
  quality: number;
  seed: number;
}

interface Score {
  psnr: number;
  ssim: number;
  ms: number;
}

/** Sums of |log error| and pixel counts, clipped and unclipped input pixels, for pooling over a group. */
interface HdrError {
  clippedSum: number;
  clippedCount: number;
  unclippedSum: number;
  unclippedCount: number;
}

interface PairResult {
  scene: string;
  region: string;
  size: string;
  stops: number;
  noise: string;
  shot: number;
  read: number;
  quality: number;
  seed: number;
  scores: Record<string, Score>;
  hdr: Record<string, HdrError>;
}

/** Four crops of 600x400 (as tall as the image when it is shorter), spread over the image, and the whole image. */
function regions(scene: string, image: LinearImage): Region[] {
  const w = Math.min(600, image.width);
  const h = Math.min(400, image.height);
  const dx = image.width - w;
  const dy = image.height - h;
  // The four corners; along one row of positions when the crop is as tall as the image.
  const at: [number, number][] = dy > 0 ? [[0, 0], [dx, 0], [0, dy], [dx, dy]] : [0, 1, 2, 3].map((k) => [Math.round((k * dx) / 3), 0]);
  return [
    ...at.map(([x, y]) => ({ scene, label: `${w}x${h} at (${x}, ${y})`, image: cropLinear(image, x, y, w, h) })),
    { scene, label: `whole ${image.width}x${image.height}`, image },
  ];
}

function loadScenes(): Region[] {
  const hdrPath = join(DATASETS, 'radiance/pedestrian_overpass_1k.hdr');
  const overpass = decodeHdr(new Uint8Array(readFileSync(hdrPath)), 'pedestrian_overpass_1k.hdr');
  const band = cropLinear(overpass, 0, 96, overpass.width, 416 - 96);
  const dir = join(DATASETS, 'brackets/taipei');
  const rows = readFileSync(join(dir, 'exposures.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  const frames = rows.map((r) => decodeImage(new Uint8Array(readFileSync(join(dir, r[0]))), r[0]));
  const taipei = mergeBracket(frames, 'radiance', { exposureTimes: rows.map((r) => Number(r[1])), allowPixelEstimate: true }).radiance;
  if (!taipei) throw new Error('the radiance merge of brackets/taipei returned no radiance map');
  return [...regions('pedestrian_overpass_1k (rows 96..416)', band), ...regions('taipei (merged)', taipei)];
}

/** The fixed design: every region at every stop, noise and quality alternating so each stop meets all four combinations. */
function design(all: Region[]): PairSpec[] {
  const pairs: PairSpec[] = [];
  const chosen = QUICK ? [0, 5].map((i) => all[i]) : all;
  const stops = QUICK ? [-3, -2, 2.5] : STOPS;
  chosen.forEach((region, r) => {
    stops.forEach((s, k) => {
      pairs.push({ region, stops: s, noise: NOISE[(k + r) % 2], quality: QUALITIES[(Math.floor(r / 2) + k) % 2], seed: 1000 + pairs.length });
    });
  });
  return pairs;
}

async function loadAppMethods(): Promise<{ correct: CorrectImage | null; why: string }> {
  const path = resolve(ROOT, 'src-main/services/correct-service.ts');
  if (!existsSync(path)) return { correct: null, why: 'src-main/services/correct-service.ts does not exist yet' };
  try {
    const mod = (await import(pathToFileURL(path).href)) as { correctImage?: CorrectImage };
    if (typeof mod.correctImage !== 'function') return { correct: null, why: 'correct-service.ts exports no correctImage' };
    return { correct: mod.correctImage, why: '' };
  } catch (e) {
    return { correct: null, why: `correct-service.ts failed to load: ${(e as Error).message}` };
  }
}

/** Whether each pixel's largest input code is at least CLIP_CODE. */
function clippedMask(codes: Image8): Uint8Array {
  const n = codes.width * codes.height;
  const d = codes.data;
  return Uint8Array.from({ length: n }, (_, p) => (Math.max(d[p * 3], d[p * 3 + 1], d[p * 3 + 2]) >= CLIP_CODE ? 1 : 0));
}

/**
 * Pools |ln(Y_est + eps) - ln(Y_truth + eps)| over clipped and unclipped input pixels. An estimate
 * smaller than the input is compared with the area-downsampled truth, a pixel counting as clipped
 * when most of the input pixels it covers are.
 */
function hdrError(estimate: LinearImage, truth: LinearImage, inputCodes: Image8): HdrError | string {
  let x = truth;
  let clipped = clippedMask(inputCodes);
  if (estimate.width !== truth.width || estimate.height !== truth.height) {
    const side = Math.max(estimate.width, estimate.height);
    x = downsample(truth, side);
    const mask = downsample({ ...truth, channels: 1, data: Float32Array.from(clipped) }, side);
    clipped = Uint8Array.from(mask.data, (v) => (v >= 0.5 ? 1 : 0));
    if (x.width !== estimate.width || x.height !== estimate.height) return `HDR estimate is ${estimate.width}x${estimate.height}, the input ${truth.width}x${truth.height}`;
  }
  const ye = luminance709(estimate);
  const yt = luminance709(x);
  const e: HdrError = { clippedSum: 0, clippedCount: 0, unclippedSum: 0, unclippedCount: 0 };
  for (let p = 0; p < ye.length; p++) {
    const d = Math.abs(Math.log(Math.max(ye[p], 0) + LOG_EPS) - Math.log(yt[p] + LOG_EPS));
    if (clipped[p]) {
      e.clippedSum += d;
      e.clippedCount++;
    } else {
      e.unclippedSum += d;
      e.unclippedCount++;
    }
  }
  return e;
}

function savePng(path: string, img: Image8): void {
  writeFileSync(path, encodePng({ width: img.width, height: img.height, channels: 3, bits: 8, data: img.data }));
}

const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const f2 = (v: number): string => (Number.isFinite(v) ? v.toFixed(2) : String(v));
const f4 = (v: number): string => (Number.isFinite(v) ? v.toFixed(4) : String(v));

function summaryTable(title: string, results: PairResult[], methods: string[]): string[] {
  const rows = [`### ${title}: ${results.length} pairs`, '', '| method | PSNR dB | SSIM | PSNR gain over input | SSIM gain over input | PSNR gain / baseline\'s | SSIM gain / baseline\'s | PSNR wins vs baseline | ms per pair |', '|---|---|---|---|---|---|---|---|---|'];
  const m = (method: string, key: keyof Score): number => mean(results.map((r) => r.scores[method][key]));
  const gain = (method: string, key: 'psnr' | 'ssim'): number => m(method, key) - m('input', key);
  for (const method of methods) {
    // A ratio to a gain that is negative or near zero says nothing: n/a below 0.5 dB or 0.01 SSIM.
    const ratio = (key: 'psnr' | 'ssim'): string => {
      if (method === 'input') return '';
      const b = gain('baseline', key);
      return b > (key === 'psnr' ? 0.5 : 0.01) ? (gain(method, key) / b).toFixed(2) : 'n/a';
    };
    const wins = method === 'baseline' || method === 'input' ? '' : `${results.filter((r) => r.scores[method].psnr > r.scores.baseline.psnr).length} / ${results.length}`;
    rows.push(`| ${method} | ${f2(m(method, 'psnr'))} | ${f4(m(method, 'ssim'))} | ${method === 'input' ? '' : f2(gain(method, 'psnr'))} | ${method === 'input' ? '' : f4(gain(method, 'ssim'))} | ${ratio('psnr')} | ${ratio('ssim')} | ${wins} | ${Math.round(m(method, 'ms'))} |`);
  }
  rows.push('');
  return rows;
}

function hdrTable(title: string, results: PairResult[], methods: string[]): string[] {
  const rows = [`### ${title}: HDR estimate, mean |ln(Y_est + 1e-4) - ln(Y_truth + 1e-4)| pooled over pixels`, '', '| method | clipped input pixels | unclipped input pixels | clipped share |', '|---|---|---|---|'];
  for (const method of methods) {
    const t = { clippedSum: 0, clippedCount: 0, unclippedSum: 0, unclippedCount: 0 };
    for (const r of results) {
      const e = r.hdr[method];
      t.clippedSum += e.clippedSum;
      t.clippedCount += e.clippedCount;
      t.unclippedSum += e.unclippedSum;
      t.unclippedCount += e.unclippedCount;
    }
    const share = t.clippedCount / (t.clippedCount + t.unclippedCount);
    rows.push(`| ${method} | ${t.clippedCount ? f4(t.clippedSum / t.clippedCount) : 'no clipped pixels'} | ${f4(t.unclippedSum / t.unclippedCount)} | ${(share * 100).toFixed(2)} % |`);
  }
  rows.push('');
  return rows;
}

async function main(): Promise<void> {
  if (!existsSync(join(DATASETS, 'radiance/pedestrian_overpass_1k.hdr')) || !existsSync(join(DATASETS, 'brackets/taipei/exposures.tsv'))) {
    console.log(`No held-out scenes under ${DATASETS} (radiance/pedestrian_overpass_1k.hdr and brackets/taipei): nothing to benchmark. Set LUXFUSE_DATASETS to another datasets folder.`);
    return;
  }
  const started = Date.now();
  const app = await loadAppMethods();
  const dropped = new Map<string, string>();
  if (!app.correct) {
    dropped.set('learned', app.why);
    dropped.set('classical', app.why);
  }
  const pairs = design(loadScenes());
  if (SAVE_DIR) mkdirSync(SAVE_DIR, { recursive: true });
  const results: PairResult[] = [];
  for (const [i, spec] of pairs.entries()) {
    const { region, stops, noise, quality, seed } = spec;
    const pair = renderCorrectionPair(region.image, { stops, shot: noise.shot, read: noise.read, quality, seed });
    const input = decodeJpeg(pair.inputJpeg);
    const inputCodes = linearToCodes(input);
    const outputs: Record<string, Image8> = {};
    const scores: Record<string, Score> = {};
    const hdr: Record<string, HdrError> = {};
    const score = (method: string, codes: Image8, ms: number): void => {
      outputs[method] = codes;
      scores[method] = { psnr: psnr(codes, pair.truth), ssim: ssim(codes, pair.truth), ms };
    };
    score('input', inputCodes, 0);
    let t0 = performance.now();
    const base = correctBaseline(input);
    score('baseline', base.codes, performance.now() - t0);
    t0 = performance.now();
    score('baseline without CLAHE', correctBaseline(input, { clahe: false }).codes, performance.now() - t0);
    const autoExposed: LinearImage = { ...input, data: input.data.map((v) => v * base.gain) };
    hdr['baseline (auto-exposed input)'] = hdrError(autoExposed, pair.scene, inputCodes) as HdrError;
    for (const method of ['classical', 'learned'] as const) {
      if (dropped.has(method) || !app.correct) continue;
      try {
        t0 = performance.now();
        const out = await app.correct(input, MODEL_DIR ? { method, modelDir: MODEL_DIR } : { method });
        const ms = performance.now() - t0;
        if (out.ldr.width !== input.width || out.ldr.height !== input.height) throw new Error(`ldr is ${out.ldr.width}x${out.ldr.height}, the input ${input.width}x${input.height}`);
        const e = hdrError(out.hdr, pair.scene, inputCodes);
        if (typeof e === 'string') throw new Error(e);
        score(method, linearToCodes(out.ldr), ms);
        hdr[method] = e;
      } catch (err) {
        dropped.set(method, (err as Error).message);
        console.error(`'${method}' dropped from the whole bench (pair ${i + 1}): ${(err as Error).message}`);
      }
    }
    if (SAVE_DIR && i < SAVE_PAIRS) {
      const stem = join(SAVE_DIR, `pair${String(i + 1).padStart(2, '0')}`);
      savePng(`${stem}-truth.png`, pair.truth);
      for (const [method, codes] of Object.entries(outputs)) savePng(`${stem}-${method.replace(/\W+/g, '-')}.png`, codes);
    }
    results.push({
      scene: region.scene,
      region: region.label,
      size: `${input.width}x${input.height}`,
      stops,
      noise: noise.name,
      shot: noise.shot,
      read: noise.read,
      quality,
      seed,
      scores,
      hdr,
    });
    const line = Object.entries(scores).map(([k, s]) => `${k} ${f2(s.psnr)}/${s.ssim.toFixed(3)}`).join(', ');
    console.error(`${i + 1}/${pairs.length} ${region.scene} ${region.label} s=${stops} ${noise.name} q${quality}: ${line}`);
  }
  // A method dropped part-way has scores for early pairs only: remove them so every row covers every pair.
  for (const r of results) {
    for (const m of dropped.keys()) {
      delete r.scores[m];
      delete r.hdr[m];
    }
  }
  const methods = ['input', 'baseline', 'baseline without CLAHE', 'classical', 'learned'].filter((m) => !dropped.has(m));
  const hdrMethods = ['baseline (auto-exposed input)', 'classical', 'learned'].filter((m) => !dropped.has(m));
  const out: string[] = [
    `Single-frame correction on ${results.length} rendered held-out pairs from ${DATASETS}${QUICK ? ' (--quick)' : ''}. Machine: ${cpus().length} x ${cpus()[0].model}, Node ${process.version}.`,
    'PSNR (RGB, peak 255) and SSIM (Wang et al. 2004, 11x11 Gaussian, on rgb2gray luma) of 8-bit sRGB output against the noise-free truth; means over pairs.',
    '',
  ];
  for (const [m, why] of dropped) out.push(`'${m}' not measured: ${why}`);
  if (dropped.size) out.push('');
  const under = results.filter((r) => r.stops < 0);
  const over = results.filter((r) => r.stops > 0);
  for (const [title, group] of [['Under-exposed (s < 0)', under], ['Over-exposed (s > 0)', over], ['All', results]] as const) {
    if (group.length === 0) continue;
    out.push(...summaryTable(title, group, methods), ...hdrTable(title, group, hdrMethods));
  }
  out.push(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  console.log(out.join('\n'));
  if (JSON_OUT) {
    writeFileSync(JSON_OUT, JSON.stringify({ datasets: DATASETS, quick: QUICK, dropped: Object.fromEntries(dropped), pairs: results }, null, 2));
    console.error(`wrote ${JSON_OUT}`);
  }
}

await main();

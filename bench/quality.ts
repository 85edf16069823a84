/**
 * Fusion quality by MEF-SSIM on the development datasets (../shared/datasets: triplets/* and
 * brackets/*), for our methods and, as external references, OpenCV's MergeMertens and enfuse.
 * Every method is scored at the same resolution against the same 8-bit exposures (decoded as the CLI
 * decodes them: JPEG through libjpeg-turbo, `--jpeg-decoder js` for jpeg-js; the rest by src-shared/codecs/decode.ts). Scenes whose long side exceeds --max-side are downscaled first and
 * the downscaled 8-bit frames are what every method, internal or external, gets.
 * Usage: npm run bench:quality [-- --json out.json] [-- --max-side 1280] [-- --scenes Flowers,street] [-- --jpeg-decoder native|js]
 *   [-- --fusion-model resources/models/fusion.onnx[,other.onnx]] (the learned rows; a missing file is skipped)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { decodeImage } from '../src-shared/codecs/decode';
import { encodePng } from '../src-shared/codecs/png';
import { blendFrames } from '../src-shared/fusion/blend';
import type { LinearImage, Rgba8Image } from '../src-shared/image/linear-image';
import { downsample } from '../src-shared/image/resample';
import { codes8, image8 } from './image8';
import { mertensFuse } from '../src-shared/merge/mertens';
import type { Image8 } from '../src-shared/metrics/grey';
import { prepareMefSsim, scoreMefSsim, type MefSsimResult } from '../src-shared/metrics/mef-ssim';
import { mergeBracket } from '../src-shared/pipeline/merge-bracket';
import { DEFAULT_FUSED_TONE, DEFAULT_RADIANCE_TONE, renderOutcome } from '../src-shared/pipeline/render-display';
import { toneMap } from '../src-shared/tonemap/tone-map';
import { defaultModelPath, fuseLearned } from '../src-main/services/fusion-model';
import { decodeFile } from '../src-main/services/frames';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string): string | undefined => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const DATASETS = resolve(arg('--datasets') ?? join(ROOT, '../shared/datasets'));
const MAX_SIDE = Number(arg('--max-side') ?? 1280);
const JSON_OUT = arg('--json');
const ONLY = arg('--scenes')?.split(',');
const PYTHON = '/usr/bin/python3';
const CLI = join(ROOT, 'bin/luxfuse.mjs');
const JPEG_DECODER = arg('--jpeg-decoder') ?? 'native';
if (JPEG_DECODER !== 'native' && JPEG_DECODER !== 'js') throw new Error(`--jpeg-decoder: '${JPEG_DECODER}' is not native or js`);
// jpeg-js, the decoder before libjpeg-turbo (and its fallback): native-jpeg.ts's own switch.
if (JPEG_DECODER === 'js') process.env.LUXFUSE_JPEG_DECODER = 'js';
const FUSION_MODELS = (arg('--fusion-model')?.split(',') ?? [defaultModelPath()]).map((p) => resolve(p)).filter((p) => existsSync(p));

/** Writes OpenCV's MergeMertens (default weights: contrast 1, saturation 1, exposure 0) of argv[2:] to argv[1]. */
const OPENCV_MERTENS = `
import sys, cv2, numpy as np
imgs = [cv2.imread(f, cv2.IMREAD_COLOR) for f in sys.argv[2:]]
res = cv2.createMergeMertens().process(imgs)
cv2.imwrite(sys.argv[1], np.clip(np.rint(res * 255), 0, 255).astype(np.uint8))
`;

interface Scene {
  name: string;
  /** 'pair': the darkest and brightest frame of a triplet, the under/over setting of published MEF-SSIM tables. */
  group: 'full' | 'pair';
  files: string[];
  /** Exposure times from exposures.tsv (brackets), else none (triplets). */
  times?: number[];
}

interface MethodScore {
  method: string;
  score: number;
  perScale: number[];
}

interface SceneReport {
  scene: string;
  group: Scene['group'];
  frames: number;
  sourceSize: string;
  scoredSize: string;
  results: MethodScore[];
}

function listScenes(): Scene[] {
  const scenes: Scene[] = [];
  const pairs: Scene[] = [];
  const triplets = join(DATASETS, 'triplets');
  if (existsSync(triplets)) {
    for (const name of readdirSync(triplets).sort()) {
      const files = readdirSync(join(triplets, name)).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
      const paths = files.map((f) => join(triplets, name, f));
      scenes.push({ name: `triplets/${name}`, group: 'full', files: paths });
      pairs.push({ name: `triplets/${name}, pair ${files[0]} + ${files[files.length - 1]}`, group: 'pair', files: [paths[0], paths[paths.length - 1]] });
    }
  }
  const brackets = join(DATASETS, 'brackets');
  if (existsSync(brackets)) {
    for (const name of readdirSync(brackets).sort()) {
      const rows = readFileSync(join(brackets, name, 'exposures.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
      scenes.push({ name: `brackets/${name}`, group: 'full', files: rows.map((r) => join(brackets, name, r[0])), times: rows.map((r) => Number(r[1])) });
    }
  }
  const all = [...scenes, ...pairs];
  return ONLY ? all.filter((s) => ONLY.some((o) => s.name.split(',')[0].endsWith(o))) : all;
}

function rgbaToImage8(img: Rgba8Image): Image8 {
  return { width: img.width, height: img.height, data: img.data };
}

function writePng(path: string, width: number, height: number, rgb: Uint8Array): void {
  writeFileSync(path, encodePng({ width, height, channels: 3, bits: 8, data: rgb }));
}

function readImage8(path: string): Image8 {
  const img = decodeImage(new Uint8Array(readFileSync(path)), path);
  return image8(img);
}

function run(command: string, argv: string[]): void {
  const r = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${command} failed (${r.status}): ${r.stderr || r.error}`);
}

const haveOpenCv = spawnSync(PYTHON, ['-c', 'import cv2, numpy'], { encoding: 'utf8' }).status === 0;
const haveEnfuse = spawnSync('enfuse', ['--version'], { encoding: 'utf8' }).status === 0;

/** A scene's frame as the CLI and the app decode it (readFrame's decoder, without the EXIF read). */
async function decodeFrame(path: string): Promise<LinearImage> {
  return decodeFile(new Uint8Array(readFileSync(path)), basename(path));
}

async function benchScene(scene: Scene, work: string): Promise<SceneReport> {
  let frames = await Promise.all(scene.files.map(decodeFrame));
  const { width: sw, height: sh } = frames[0];
  const downscaled = Math.max(sw, sh) > MAX_SIDE;
  if (downscaled) {
    // Scored at the downscaled size, so every method gets the downscaled 8-bit frames (re-decoded from PNG).
    frames = frames.map((f, i) => {
      const small = downsample(f, MAX_SIDE);
      const path = join(work, `small-${i}.png`);
      writePng(path, small.width, small.height, codes8(small));
      return decodeImage(new Uint8Array(readFileSync(path)), basename(scene.files[i]));
    });
  }
  const { width, height } = frames[0];
  const exposures: Image8[] = frames.map(image8);
  // Our decoded pixels, for the external tools: identical inputs for every method.
  const pngs = exposures.map((e, i) => {
    const path = join(work, `frame-${i}.png`);
    writePng(path, width, height, e.data as Uint8Array);
    return path;
  });
  const ref = prepareMefSsim(exposures);
  const results: MethodScore[] = [];
  const add = (method: string, fused: Image8): void => {
    const r: MefSsimResult = scoreMefSsim(ref, fused);
    results.push({ method, score: r.score, perScale: r.perScale });
  };

  add('luxfuse mertens (default weights, as the app)', rgbaToImage8(renderOutcome(mergeBracket(frames, 'mertens'), DEFAULT_FUSED_TONE)));
  add('luxfuse mertens, OpenCV weights (exposedness 0)', rgbaToImage8(toneMap(mertensFuse(frames, { exposedness: 0 }), DEFAULT_FUSED_TONE, { key: 1, output: 'srgb' })));
  for (const model of FUSION_MODELS) {
    const t0 = performance.now();
    const learned = await fuseLearned(frames, { modelPath: model });
    const ms = (n: number): string => `${Math.round(n)}`;
    console.error(`  learned ${basename(model)}: network ${ms(learned.millis.network)} ms, lift ${ms(learned.millis.lift)} ms, blend ${ms(learned.millis.blend)} ms (${ms(performance.now() - t0)} ms)`);
    const tag = basename(model) === 'fusion.onnx' ? '' : ` ${basename(model)}`;
    add(`luxfuse learned${tag} (pyramid blend, as the app)`, rgbaToImage8(toneMap(learned.fused, DEFAULT_FUSED_TONE, { key: 1, output: 'srgb' })));
    // The network's lifted weights alone at every level (no detail levels), and as a per-pixel weighted sum.
    const plain = await fuseLearned(frames, { modelPath: model, detailLevels: 0 });
    add(`luxfuse learned${tag}, no detail levels`, rgbaToImage8(toneMap(plain.fused, DEFAULT_FUSED_TONE, { key: 1, output: 'srgb' })));
    const sum = blendFrames(frames, plain.weights, 'weighted-sum');
    add(`luxfuse learned${tag}, per-pixel weighted sum`, rgbaToImage8(toneMap(sum, DEFAULT_FUSED_TONE, { key: 1, output: 'srgb' })));
  }
  const radiance = mergeBracket(frames, 'radiance', { exposureTimes: scene.times, allowPixelEstimate: true });
  add(`luxfuse radiance + default tone, local contrast (${scene.times ? 'tsv times, checked' : 'pixel-estimated ev'})`, rgbaToImage8(renderOutcome(radiance, DEFAULT_RADIANCE_TONE)));
  if (haveOpenCv) {
    const out = join(work, 'opencv.png');
    run(PYTHON, ['-c', OPENCV_MERTENS, out, ...pngs]);
    add('OpenCV MergeMertens (defaults)', readImage8(out));
    if (!downscaled && scene.files.some((f) => /\.jpe?g$/i.test(f))) {
      // The brief's "same input files": OpenCV decoding the JPEGs itself (libjpeg), scored against our decode.
      run(PYTHON, ['-c', OPENCV_MERTENS, out, ...scene.files]);
      add('OpenCV MergeMertens (defaults, cv2 decoding the JPEGs)', readImage8(out));
    }
  }
  if (haveEnfuse) {
    const out = join(work, 'enfuse.png');
    run('enfuse', ['-o', out, ...pngs]);
    add('enfuse (defaults)', readImage8(out));
  }
  // The CLI as a user runs it on these frames (alignment on by default): the alignment, if it moves a frame, shows here.
  for (const [label, extra] of [['default alignment', []], ['--align off', ['--align', 'off']]] as const) {
    const out = join(work, 'cli.png');
    run(process.execPath, [CLI, 'merge', ...pngs, '--method', 'learned', ...extra, '--png', out]);
    add(`luxfuse CLI --method learned, ${label}`, readImage8(out));
  }
  exposures.forEach((e, i) => add(`frame ${i + 1} alone (${basename(scene.files[i])})`, e));
  return { scene: scene.name, group: scene.group, frames: frames.length, sourceSize: `${sw}x${sh}`, scoredSize: `${width}x${height}`, results };
}

const fmt = (v: number): string => (Number.isNaN(v) ? 'NaN' : v.toFixed(4));

function sceneTable(r: SceneReport): string[] {
  return [
    `### ${r.scene}: ${r.frames} frames, ${r.sourceSize}${r.scoredSize === r.sourceSize ? '' : `, scored downscaled to ${r.scoredSize}`}`,
    '',
    '| method | MEF-SSIM | scale 1 | scale 2 | scale 3 |',
    '|---|---|---|---|---|',
    ...r.results.map((m) => `| ${m.method} | ${fmt(m.score)} | ${m.perScale.map(fmt).join(' | ')} |`),
    '',
  ];
}

/** Mean score per method over the scenes that have it; single frames summarised as best and mean per scene. */
function means(reports: SceneReport[]): Record<string, { mean: number; scenes: number }> {
  const acc = new Map<string, number[]>();
  const push = (k: string, v: number): void => void acc.set(k, [...(acc.get(k) ?? []), v]);
  for (const r of reports) {
    const single = r.results.filter((m) => m.method.startsWith('frame ')).map((m) => m.score);
    for (const m of r.results) if (!m.method.startsWith('frame ')) push(m.method.replace(/ \((tsv times, checked|pixel-estimated ev)\)$/, ''), m.score);
    push('best single frame', Math.max(...single));
    push('mean of single frames', single.reduce((a, b) => a + b, 0) / single.length);
  }
  return Object.fromEntries([...acc].map(([k, v]) => [k, { mean: v.reduce((a, b) => a + b, 0) / v.length, scenes: v.length }]));
}

async function main(): Promise<void> {
  if (!existsSync(DATASETS)) {
    console.log(`No datasets at ${DATASETS}: nothing to benchmark (see ../shared/datasets/README.md).`);
    return;
  }
  const scenes = listScenes();
  const work = mkdtempSync(join(tmpdir(), 'luxfuse-quality-'));
  const out: string[] = [
    `MEF-SSIM (Ma et al. 2015; 3 scales, 11x11 Gaussian window) on ${DATASETS}. Machine: ${cpus().length} x ${cpus()[0].model}, Node ${process.version}.`,
    `Scenes with a long side over ${MAX_SIDE} px are downscaled to ${MAX_SIDE} first (every method then gets the downscaled frames).`,
    `Learned fusion models: ${FUSION_MODELS.length ? FUSION_MODELS.join(', ') : 'none found'}.`,
    `External tools get our decoded 8-bit frames as PNG. OpenCV: ${haveOpenCv ? 'yes' : `no (${PYTHON} with cv2 not found)`}; enfuse: ${haveEnfuse ? 'yes' : 'no (not installed)'}.`,
    '',
  ];
  const reports: SceneReport[] = [];
  const started = Date.now();
  try {
    for (const scene of scenes) {
      const t0 = Date.now();
      const r = await benchScene(scene, work);
      reports.push(r);
      out.push(...sceneTable(r));
      console.error(`${scene.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const m = {
    full: means(reports.filter((r) => r.group === 'full')),
    pairs: means(reports.filter((r) => r.group === 'pair')),
  };
  for (const [title, table] of [['full sets (triplets and brackets)', m.full], ['under/over pairs (darkest + brightest frame of each triplet)', m.pairs]] as const) {
    const count = reports.filter((r) => (r.group === 'full') === (table === m.full)).length;
    if (count === 0) continue;
    out.push(`### Mean over ${count} ${title}`, '', '| method | mean MEF-SSIM | scenes |', '|---|---|---|');
    for (const [k, v] of Object.entries(table)) out.push(`| ${k} | ${fmt(v.mean)} | ${v.scenes} |`);
    out.push('');
  }
  out.push(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
  console.log(out.join('\n'));
  if (JSON_OUT) {
    writeFileSync(JSON_OUT, JSON.stringify({ datasets: DATASETS, maxSide: MAX_SIDE, scenes: reports, means: m }, null, 2));
    console.error(`wrote ${JSON_OUT}`);
  }
}

await main();

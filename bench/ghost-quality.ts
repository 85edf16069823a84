/**
 * Ghost detection and deghosting quality, the classical baseline (src-shared/ghost): brackets with
 * motion rendered (src-shared/ghost/dynamic-bracket.ts) from held-out radiance (pedestrian_overpass_1k,
 * rows 96..416, the band bench/correction-quality.ts holds out too; the other maps in
 * ../shared/datasets/radiance tuned the detector), 3 frames 2 stops apart, in four motion kinds, two
 * seeds and two noise levels. Per scene: mask precision/recall/F1 against the exact moving areas (and
 * against those that show in the frames), the mask area on the same scene without motion, and PSNR of
 * display images against the static truth: the radiance merge tone mapped by the engine's default path
 * (plain, deghosted, the reference-only bound, motion-free, and the deghosted frames merged with the
 * motion-free bracket's exposure plan, which separates what the deghosting loses from what the camera
 * response fitted without the masked area loses), and Mertens against Mertens of the motion-free bracket. The reference is the generator's (the frame whose scene is the truth). Then the
 * mask area on the real tripod brackets in ../shared/datasets/brackets (3 frames 2 stops apart around
 * the middle, aligned as the CLI does), and the detection time per megapixel.
 * Every scene is also judged by the judge network (resources/models/judge.onnx, trained on the other
 * radiance maps and the real brackets, training/ghost): the same scores with its detection given to
 * deghostBracket, and its time at working resolution (input planes, which run the classical detector
 * at that resolution, then the network on onnxruntime-web WASM, then the masks).
 * Usage: npx tsx bench/ghost-quality.ts [--maps pedestrian_overpass_1k] [--quick] [--no-judge]
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { suggestReference } from '../src-shared/align/suggest-reference';
import { decodeImage } from '../src-shared/codecs/decode';
import { decodeHdr } from '../src-shared/codecs/hdr-read';
import { cropLinear } from '../src-shared/correct/render-pair';
import { deghostBracket, planWithoutGhosts, replaceFromReference } from '../src-shared/ghost/deghost';
import { expandPlane } from '../src-shared/image/scaled-plane';
import { detectGhosts } from '../src-shared/ghost/detect';
import { bracketAroundMedian, renderDynamicBracket } from '../src-shared/ghost/dynamic-bracket';
import { GHOST_KINDS, GHOST_NOISE } from './ghost-scenes';
import type { LinearImage, Rgba8Image } from '../src-shared/image/linear-image';
import { psnr } from '../src-shared/metrics/psnr';
import { alignBracket } from '../src-shared/pipeline/align-bracket';
import { mergeBracket, type MergeOutcome } from '../src-shared/pipeline/merge-bracket';
import { mergeRadiance } from '../src-shared/merge/radiance';
import { DEFAULT_RADIANCE_TONE, renderOutcome } from '../src-shared/pipeline/render-display';
import { autoKey } from '../src-shared/tonemap/global';
import { maskScores } from '../src-shared/metrics/mask-scores';
import { judgeDetection, judgeInput } from '../src-shared/ghost/judge-input';
import type { GhostDetection } from '../src-shared/ghost/detect';
import { runJudge } from '../src-main/services/judge-model';

const DATA = resolve(import.meta.dirname, '../../shared/datasets');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const QUICK = args.includes('--quick');
const MAPS = opt('--maps', 'pedestrian_overpass_1k').split(',');

const KINDS = GHOST_KINDS;
const NOISE = GHOST_NOISE;
const SEEDS = QUICK ? [1] : [1, 2];
const JUDGE = !args.includes('--no-judge');

/** One detector's scores on one scene. */
interface DetectorScores {
  precision: number;
  recall: number;
  f1: number;
  visibleF1: number;
  staticArea: number;
  radianceDeghosted: number;
  /** The same deghosted frames merged with the motion-free bracket's exposure plan. */
  radianceStillPlan: number;
  mertensDeghosted: number;
}

interface JudgeTiming {
  /** Working size the network ran at. */
  width: number;
  height: number;
  inputMs: number;
  netMs: number;
  masksMs: number;
}

interface Row {
  scene: string;
  judge: (DetectorScores & { timing: JudgeTiming }) | null;
  precision: number;
  recall: number;
  f1: number;
  visibleF1: number;
  truthArea: number;
  staticArea: number;
  radiance: { plain: number; deghosted: number; still: number; bound: number; stillPlan: number };
  mertens: { plain: number; deghosted: number };
  detectMsPerMp: number;
}

const scores = maskScores;

const area = (m: Uint8Array): number => m.reduce((s, v) => s + v, 0) / m.length;
const display = (o: MergeOutcome): Rgba8Image => renderOutcome(o, DEFAULT_RADIANCE_TONE);
const psnrOf = (a: Rgba8Image, b: Rgba8Image): number => psnr({ width: a.width, height: a.height, data: a.data }, { width: b.width, height: b.height, data: b.data });

function crops(map: string): { label: string; image: LinearImage }[] {
  const hdr = decodeHdr(new Uint8Array(readFileSync(join(DATA, 'radiance', `${map}.hdr`))), `${map}.hdr`);
  // Rows 96..416 of the 1024 x 512 maps: the middle band, least distorted by the projection.
  const band = cropLinear(hdr, 0, 96, hdr.width, 320);
  const half = band.width >> 1;
  const out = [
    { label: `${map} 512x320 at 0`, image: cropLinear(band, 0, 0, half, 320) },
    { label: `${map} 512x320 at ${half}`, image: cropLinear(band, half, 0, half, 320) },
  ];
  if (!QUICK) out.push({ label: `${map} ${band.width}x320`, image: band });
  return out;
}

/** The judge network's detection, timed in its three stages. */
async function judged(frames: LinearImage[], reference: number): Promise<{ detection: GhostDetection; timing: JudgeTiming }> {
  const t0 = performance.now();
  const input = judgeInput(frames, { reference });
  const t1 = performance.now();
  const probability = await runJudge(input);
  const t2 = performance.now();
  const detection = judgeDetection(input, probability);
  const t3 = performance.now();
  return { detection, timing: { width: input.width, height: input.height, inputMs: t1 - t0, netMs: t2 - t1, masksMs: t3 - t2 } };
}

async function judgeScene(
  b: ReturnType<typeof renderDynamicBracket>,
  truth: Rgba8Image,
  fusedTruth: Rgba8Image,
  stillPlan: NonNullable<MergeOutcome['plan']>,
): Promise<DetectorScores & { timing: JudgeTiming }> {
  const reference = b.reference;
  const { detection, timing } = await judged(b.frames, reference);
  const s = scores(expandPlane(detection.mask), b.union);
  const staticArea = (await judged(b.staticFrames, reference)).detection.area;
  const deghost = { mode: 'auto' as const, reference, detection };
  return {
    ...s,
    visibleF1: scores(expandPlane(detection.mask), b.visibleUnion).f1,
    staticArea,
    radianceDeghosted: psnrOf(display(mergeBracket(b.frames, 'radiance', { deghost })), truth),
    radianceStillPlan: psnrOf(display(withPlan(deghostBracket(b.frames, deghost).frames, stillPlan)), truth),
    mertensDeghosted: psnrOf(display(mergeBracket(b.frames, 'mertens', { deghost })), fusedTruth),
    timing,
  };
}

async function runScene(label: string, image: LinearImage, kind: string, noise: (typeof NOISE)[number], seed: number): Promise<Row> {
  const evs = bracketAroundMedian(image, 3, 2);
  const b = renderDynamicBracket(image, { evs, seed, shot: noise.shot, read: noise.read, ...KINDS[kind] });
  const reference = b.reference;
  const t0 = performance.now();
  const ghost = deghostBracket(b.frames, { mode: 'auto', reference });
  const detectMs = performance.now() - t0;
  const s = scores(expandPlane(ghost.summary.mask), b.union);
  const visible = scores(expandPlane(ghost.summary.mask), b.visibleUnion);
  const staticArea = detectGhosts(b.staticFrames, { reference }).area;
  const deghost = { mode: 'auto' as const, reference };
  const truth = display({ method: 'radiance', width: image.width, height: image.height, fused: null, radiance: b.staticRadiance, plan: null, key: autoKey(b.staticRadiance) });
  const still = mergeBracket(b.staticFrames, 'radiance');
  const radiance = {
    plain: psnrOf(display(mergeBracket(b.frames, 'radiance')), truth),
    deghosted: psnrOf(display(mergeBracket(b.frames, 'radiance', { deghost })), truth),
    still: psnrOf(display(still), truth),
    bound: psnrOf(display(referenceOnlyBound(b.staticFrames, b.union, reference)), truth),
    // The same deghosted frames merged with the motion-free bracket's exposure plan (its camera
    // response): what the deghosting costs once the response fit no longer loses the masked area.
    stillPlan: psnrOf(display(withPlan(ghost.frames, still.plan!)), truth),
  };
  const fusedTruth = display(mergeBracket(b.staticFrames, 'mertens'));
  const mertens = {
    plain: psnrOf(display(mergeBracket(b.frames, 'mertens')), fusedTruth),
    deghosted: psnrOf(display(mergeBracket(b.frames, 'mertens', { deghost })), fusedTruth),
  };
  return {
    scene: `${label}, ${kind}, noise ${noise.name}, seed ${seed}`,
    judge: JUDGE ? await judgeScene(b, truth, fusedTruth, still.plan!) : null,
    ...s,
    visibleF1: visible.f1,
    truthArea: area(b.union),
    staticArea,
    radiance,
    mertens,
    detectMsPerMp: detectMs / ((image.width * image.height) / 1e6),
  };
}

/**
 * The best a deghosting that takes the reference's content can do: the motion-free bracket with the
 * true moving area (all of it, in every frame) painted from the reference as detect.ts maps it, merged
 * with exposures planned on the rest, as the deghosted merge is. What it loses against the
 * motion-free merge is the other frames' view of that area (their lower noise, what the reference clips).
 */
function referenceOnlyBound(frames: LinearImage[], union: Uint8Array, reference: number): MergeOutcome {
  const maps = detectGhosts(frames, { reference }).fromReference;
  const weight = Float32Array.from(union);
  const painted = frames.map((f, i) => (i === reference ? f : replaceFromReference(f, frames[reference], maps[i]!, weight)));
  return withPlan(painted, planWithoutGhosts(painted, {}));
}

/** A radiance merge of these frames with a given exposure plan. */
function withPlan(frames: LinearImage[], plan: NonNullable<MergeOutcome['plan']>): MergeOutcome {
  const radiance = mergeRadiance(frames, plan.ev, { response: plan.response });
  return { method: 'radiance', width: radiance.width, height: radiance.height, fused: null, radiance, plan, key: autoKey(radiance) };
}

/** The real tripod brackets: 3 frames two stops apart (by exposure time) around the middle, aligned as the CLI does. */
async function realBrackets(): Promise<{ scene: string; area: number; msPerMp: number; judgeArea: number | null }[]> {
  const dir = join(DATA, 'brackets');
  if (!existsSync(dir)) return [];
  const rows = readdirSync(dir)
    .filter((s) => existsSync(join(dir, s, 'exposures.tsv')))
    .sort()
    .map((scene) => {
      const rows = readFileSync(join(dir, scene, 'exposures.tsv'), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => l.split('\t'))
        .map(([file, t]) => ({ file, t: Number(t) }))
        .sort((a, b) => a.t - b.t);
      const m = rows.length >> 1;
      const pick = [rows[Math.max(0, m - 2)], rows[m], rows[Math.min(rows.length - 1, m + 2)]];
      const frames = pick.map((r) => ({ ...decodeImage(new Uint8Array(readFileSync(join(dir, scene, r.file))), r.file), ev: Math.log2(r.t) }));
      const aligned = alignBracket(frames, 'similarity').frames;
      const t0 = performance.now();
      const d = detectGhosts(aligned, { reference: suggestReference(aligned) });
      const ms = performance.now() - t0;
      return { scene: `${scene} (${pick.map((r) => r.file).join(', ')})`, area: d.area, msPerMp: ms / ((frames[0].width * frames[0].height) / 1e6), aligned };
    });
  const out = [];
  for (const { aligned, ...r } of rows) {
    const judgeArea = JUDGE ? (await judged(aligned, suggestReference(aligned))).detection.area : null;
    out.push({ ...r, judgeArea });
  }
  return out;
}

const f = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : String(v));
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

async function main(): Promise<void> {
  if (!existsSync(join(DATA, 'radiance'))) {
    console.log(`no datasets at ${DATA}: nothing to benchmark (see ../shared/datasets/README.md)`);
    return;
  }
  const rows: Row[] = [];
  for (const map of MAPS) {
    for (const { label, image } of crops(map)) {
      for (const kind of Object.keys(KINDS)) {
        for (const noise of NOISE) {
          for (const seed of SEEDS) {
            const row = await runScene(label, image, kind, noise, seed);
            rows.push(row);
            const j = row.judge ? `; judge F1 ${f(row.judge.f1)}, static ${f(row.judge.staticArea * 100, 2)}%` : '';
            console.error(`${row.scene}: F1 ${f(row.f1)}, static ${f(row.staticArea * 100, 2)}%${j}`);
          }
        }
      }
    }
  }
  console.log('| scene | truth area | precision | recall | F1 | F1 (visible) | static FP area | radiance PSNR plain / deghosted / reference-only bound / motion-free | deghosted with the motion-free plan | Mertens PSNR plain / deghosted |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.scene} | ${f(r.truthArea * 100, 1)}% | ${f(r.precision)} | ${f(r.recall)} | ${f(r.f1)} | ${f(r.visibleF1)} | ${f(r.staticArea * 100, 2)}% | ${f(r.radiance.plain, 2)} / ${f(r.radiance.deghosted, 2)} / ${f(r.radiance.bound, 2)} / ${f(r.radiance.still, 2)} | ${f(r.radiance.stillPlan, 2)} | ${f(r.mertens.plain, 2)} / ${f(r.mertens.deghosted, 2)} |`,
    );
  }
  const summary = (label: string, rs: Row[]): string => {
    const gap = rs.map((r) => r.radiance.still - r.radiance.deghosted);
    const planGap = rs.map((r) => r.radiance.still - r.radiance.stillPlan);
    return `| ${label} (${rs.length}) | ${f(mean(rs.map((r) => r.precision)))} | ${f(mean(rs.map((r) => r.recall)))} | ${f(mean(rs.map((r) => r.f1)))} | ${f(mean(rs.map((r) => r.visibleF1)))} | ${f(mean(rs.map((r) => r.staticArea)) * 100, 2)}% / ${f(Math.max(...rs.map((r) => r.staticArea)) * 100, 2)}% | ${f(mean(rs.map((r) => r.radiance.plain)), 2)} / ${f(mean(rs.map((r) => r.radiance.deghosted)), 2)} / ${f(mean(rs.map((r) => r.radiance.bound)), 2)} / ${f(mean(rs.map((r) => r.radiance.still)), 2)} | ${f(mean(gap), 2)} / ${f(Math.max(...gap), 2)} | ${f(mean(planGap), 2)} / ${f(Math.max(...planGap), 2)} | ${f(mean(rs.map((r) => r.mertens.plain)), 2)} / ${f(mean(rs.map((r) => r.mertens.deghosted)), 2)} |`;
  };
  console.log('\n| group | precision | recall | F1 | F1 (visible) | static FP area mean / max | radiance PSNR plain / deghosted / reference-only bound / motion-free | deghosted dB behind motion-free mean / worst | same, with the motion-free plan | Mertens PSNR plain / deghosted |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const kind of Object.keys(KINDS)) console.log(summary(kind, rows.filter((r) => r.scene.includes(`, ${kind},`))));
  for (const noise of NOISE) console.log(summary(`noise ${noise.name}`, rows.filter((r) => r.scene.includes(`noise ${noise.name},`))));
  console.log(summary('all', rows));
  const judgedRows = rows.filter((r) => r.judge);
  if (judgedRows.length > 0) {
    console.log('\nClassical (detect.ts) and judge network side by side, same scenes and references:\n');
    console.log('| group | detector | precision | recall | F1 | F1 (visible) | static FP area mean / max | radiance PSNR deghosted (motion-free) | dB behind motion-free mean / worst | same, with the motion-free plan | Mertens PSNR deghosted |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|');
    const both = (label: string, rs: Row[]): void => {
      const js = rs.map((r) => r.judge!);
      const still = mean(rs.map((r) => r.radiance.still));
      const det = (name: string, v: DetectorScores[]): void => {
        const gap = v.map((x, i) => rs[i].radiance.still - x.radianceDeghosted);
        const planGap = v.map((x, i) => rs[i].radiance.still - x.radianceStillPlan);
        console.log(
          `| ${label} (${rs.length}) | ${name} | ${f(mean(v.map((x) => x.precision)))} | ${f(mean(v.map((x) => x.recall)))} | ${f(mean(v.map((x) => x.f1)))} | ${f(mean(v.map((x) => x.visibleF1)))} | ${f(mean(v.map((x) => x.staticArea)) * 100, 2)}% / ${f(Math.max(...v.map((x) => x.staticArea)) * 100, 2)}% | ${f(mean(v.map((x) => x.radianceDeghosted)), 2)} (${f(still, 2)}) | ${f(mean(gap), 2)} / ${f(Math.max(...gap), 2)} | ${f(mean(planGap), 2)} / ${f(Math.max(...planGap), 2)} | ${f(mean(v.map((x) => x.mertensDeghosted)), 2)} |`,
        );
      };
      det('classical', rs.map((r) => ({ ...r, radianceDeghosted: r.radiance.deghosted, radianceStillPlan: r.radiance.stillPlan, mertensDeghosted: r.mertens.deghosted })));
      det('judge', js);
    };
    for (const kind of Object.keys(KINDS)) both(kind, judgedRows.filter((r) => r.scene.includes(`, ${kind},`)));
    for (const noise of NOISE) both(`noise ${noise.name}`, judgedRows.filter((r) => r.scene.includes(`noise ${noise.name},`)));
    both('all', judgedRows);
    const bySize = new Map<string, JudgeTiming[]>();
    for (const r of judgedRows) {
      const t = r.judge!.timing;
      const key = `${t.width}x${t.height}`;
      bySize.set(key, [...(bySize.get(key) ?? []), t]);
    }
    console.log('\n| judge working size (3 frames, 2 pairs) | input planes ms | network ms (WASM, 1 thread) | masks ms | total ms mean / fastest |');
    console.log('|---|---|---|---|---|');
    for (const [size, ts] of bySize) {
      const [a, b, c] = [mean(ts.map((t) => t.inputMs)), mean(ts.map((t) => t.netMs)), mean(ts.map((t) => t.masksMs))];
      const fastest = Math.min(...ts.map((t) => t.inputMs + t.netMs + t.masksMs));
      console.log(`| ${size} (${ts.length}) | ${Math.round(a)} | ${Math.round(b)} | ${Math.round(c)} | ${Math.round(a + b + c)} / ${Math.round(fastest)} |`);
    }
  }
  const real = await realBrackets();
  if (real.length > 0) {
    console.log('\n| real tripod bracket | mask area classical | mask area judge | classical detection ms/MP |');
    console.log('|---|---|---|---|');
    for (const r of real) console.log(`| ${r.scene} | ${f(r.area * 100, 2)}% | ${r.judgeArea === null ? '-' : `${f(r.judgeArea * 100, 2)}%`} | ${Math.round(r.msPerMp)} |`);
  }
  console.log(`\ndeghosting (detection + replacement) on the generated scenes: ${Math.round(mean(rows.map((r) => r.detectMsPerMp)))} ms per megapixel (mean)`);
}

await main();

/**
 * Where the deghosted radiance merge's exposure-plan loss comes from (issue 6): on the ghost bench's
 * scenes (bench/ghost-quality.ts, same crops, kinds, noise levels and seeds), the deghosted frames
 * merged with (own) their own plan, (still) the motion-free bracket's plan, (a) the motion-free
 * plan's response with their own plan's exposures, (b) their own response with the motion-free
 * plan's exposures, and (true) the generator's sRGB curve with the true exposures; the motion-free
 * frames through the true curve too. Prints each plan's exposures next to the true ones and where
 * they came from (metadata or pixels), then the mean and worst dB behind the motion-free merge.
 * Usage: npx tsx bench/ghost-plan-split.ts [--quick] [--judge] [--kinds warp,mixed] [--noise low]
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeHdr } from '../src-shared/codecs/hdr-read';
import { cropLinear } from '../src-shared/correct/render-pair';
import { deghostBracket, planWithoutGhosts } from '../src-shared/ghost/deghost';
import { bracketAroundMedian, renderDynamicBracket } from '../src-shared/ghost/dynamic-bracket';
import { GHOST_KINDS, GHOST_NOISE } from './ghost-scenes';
import { judgeDetection, judgeInput } from '../src-shared/ghost/judge-input';
import type { LinearImage, Rgba8Image } from '../src-shared/image/linear-image';
import { levelVariance } from '../src-shared/merge/response-curve';
import { mergeRadiance } from '../src-shared/merge/radiance';
import { srgbCurve, type CameraResponse } from '../src-shared/merge/response';
import { psnr } from '../src-shared/metrics/psnr';
import { mergeBracket, type MergeOutcome } from '../src-shared/pipeline/merge-bracket';
import type { ExposurePlan } from '../src-shared/pipeline/plan-exposures';
import { DEFAULT_RADIANCE_TONE, renderOutcome } from '../src-shared/pipeline/render-display';
import { autoKey } from '../src-shared/tonemap/global';
import { runJudge } from '../src-main/services/judge-model';

const DATA = resolve(import.meta.dirname, '../../shared/datasets');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const QUICK = args.includes('--quick');
const JUDGE = args.includes('--judge');
const KINDS = GHOST_KINDS;
const NOISE = GHOST_NOISE.filter((n) => opt('--noise', 'low,high').split(',').includes(n.name));
const kinds = opt('--kinds', Object.keys(KINDS).join(',')).split(',');
const SEEDS = QUICK ? [1] : [1, 2];

const display = (o: MergeOutcome): Rgba8Image => renderOutcome(o, DEFAULT_RADIANCE_TONE);
const psnrOf = (a: Rgba8Image, b: Rgba8Image): number => psnr({ width: a.width, height: a.height, data: a.data }, { width: b.width, height: b.height, data: b.data });
function merged(frames: LinearImage[], ev: number[], response: CameraResponse | null): MergeOutcome {
  const radiance = mergeRadiance(frames, ev, { response });
  return { method: 'radiance', width: radiance.width, height: radiance.height, fused: null, radiance, plan: null, key: autoKey(radiance) };
}
const trueResponse: CameraResponse = (() => {
  const curve = srgbCurve(256);
  const curves = [curve, curve, curve] as CameraResponse['curves'];
  const variance = curves.map((k) => levelVariance(k, 0.5, 2e-5, 4e-7)) as CameraResponse['variance'];
  return { levels: 256, curves, variance, method: 'debevec', samples: 0 };
})();

const hdr = decodeHdr(new Uint8Array(readFileSync(join(DATA, 'radiance', 'pedestrian_overpass_1k.hdr'))), 'pedestrian_overpass_1k.hdr');
const band = cropLinear(hdr, 0, 96, hdr.width, 320);
const crops = [
  { label: '512x320 at 0', image: cropLinear(band, 0, 0, 512, 320) },
  { label: '512x320 at 512', image: cropLinear(band, 512, 0, 512, 320) },
  ...(QUICK ? [] : [{ label: '1024x320', image: band }]),
];
const f2 = (v: number): string => v.toFixed(2);
const evs = (p: ExposurePlan): string => `${p.ev.map((v) => v.toFixed(3)).join(' ')} (${p.source.map((s) => s[0]).join('')})`;
const cols = ['own', 'still', 'a: still response + own ev', 'b: own response + still ev', 'true curve + true ev'];
const gaps: Record<string, number[]> = Object.fromEntries([...cols, 'motion-free through true curve (gain)'].map((c) => [c, []]));
console.log(`| scene | true ev | motion-free plan ev | deghosted plan ev | motion-free dB | ${cols.map((c) => `behind: ${c}`).join(' | ')} | motion-free through true curve |`);
console.log(`|---|---|---|---|---|${cols.map(() => '---').join('|')}|---|`);
for (const { label, image } of crops) {
  for (const kind of kinds) {
    for (const noise of NOISE) {
      for (const seed of SEEDS) {
        const trueEv = bracketAroundMedian(image, 3, 2);
        const b = renderDynamicBracket(image, { evs: trueEv, seed, shot: noise.shot, read: noise.read, ...KINDS[kind] });
        const reference = b.reference;
        const detection = JUDGE ? await (async () => { const input = judgeInput(b.frames, { reference }); return judgeDetection(input, await runJudge(input)); })() : undefined;
        const ghost = deghostBracket(b.frames, { mode: 'auto', reference, detection });
        const truth = display({ method: 'radiance', width: image.width, height: image.height, fused: null, radiance: b.staticRadiance, plan: null, key: autoKey(b.staticRadiance) });
        const still = mergeBracket(b.staticFrames, 'radiance');
        const sp = still.plan!;
        const dp = planWithoutGhosts(ghost.frames, {});
        const stillDb = psnrOf(display(still), truth);
        const tev = trueEv.map((v) => v - trueEv[sp.referenceIndex]);
        const row = [
          merged(ghost.frames, dp.ev, dp.response),
          merged(ghost.frames, sp.ev, sp.response),
          merged(ghost.frames, dp.ev, sp.response),
          merged(ghost.frames, sp.ev, dp.response),
          merged(ghost.frames, tev, trueResponse),
        ].map((o) => stillDb - psnrOf(display(o), truth));
        const stillTrue = psnrOf(display(merged(b.staticFrames, tev, trueResponse)), truth) - stillDb;
        row.forEach((g, i) => gaps[cols[i]].push(g));
        gaps['motion-free through true curve (gain)'].push(stillTrue);
        const scene = `${label}, ${kind}, ${noise.name}, seed ${seed}, mask ${(ghost.summary.area * 100).toFixed(1)}%`;
        console.log(`| ${scene} | ${tev.map((v) => v.toFixed(3)).join(' ')} | ${evs(sp)} | ${evs(dp)} | ${f2(stillDb)} | ${row.map(f2).join(' | ')} | ${f2(stillTrue)} |`);
      }
    }
  }
}
console.log(`\n${JUDGE ? 'judge' : 'classical'} detector, ${gaps.own.length} scenes: dB behind the motion-free merge, mean / worst`);
for (const [c, v] of Object.entries(gaps)) console.log(`  ${c}: ${f2(v.reduce((s, x) => s + x, 0) / v.length)} / ${f2(Math.max(...v))}`);

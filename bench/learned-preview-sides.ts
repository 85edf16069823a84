// npx tsx bench/learned-preview-sides.ts [FRAME...]: where a learned preview's time goes, step by step, and the
// network's working side for the preview stage. The frames as ProjectService prepares a preview (box-downsampled
// to 1280 px, aligned 'similarity' on a 640 px proxy to the reference suggested at full size); the model session's
// creation and its first (cold) run; then per working side (SIDES, default 1024,768,640,512): the network input,
// the network (warm), the guide, the lift and the blend, and the preview against the full merge's own preview
// (the full-size frames aligned and fused at the default side, downsampled to 1280): mean |difference| of the
// sRGB-encoded values (0..1), and MEF-SSIM against the aligned preview frames. Last, whether the full merge could
// take the preview's network output: the two network inputs at 1024 px compared, and the full merge fused with
// the preview's weights against its own. Default frames: tmp/prof/big-{0,1,2}.tif as bench/preview-latency.ts.
import { resolve } from 'node:path';
import { readBracket } from '../src-main/services/frames';
import { fusionSession, predictFusionWeights } from '../src-main/services/fusion-model';
import { suggestReference } from '../src-shared/align/suggest-reference';
import { fusionInput } from '../src-shared/fusion/fusion-input';
import { learnedFuse, type WeightPredictor } from '../src-shared/fusion/learned-fuse';
import { defaultWorkingSide } from '../src-shared/fusion/meta';
import type { LinearImage } from '../src-shared/image/linear-image';
import { downsample, downsampleKeepingClips } from '../src-shared/image/resample';
import { image8, meanEncodedDifference } from './image8';
import { prepareMefSsim, scoreMefSsim } from '../src-shared/metrics/mef-ssim';
import { alignBracket } from '../src-shared/pipeline/align-bracket';

const given = process.argv.slice(2);
const files = given.length > 0 ? given.map((f) => resolve(f)) : [0, 1, 2].map((i) => resolve(import.meta.dirname, `../tmp/prof/big-${i}.tif`));
const sides = (process.env.SIDES ?? '1024,768,640,512').split(',').map(Number);
const PREVIEW = 1280;

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
async function timed<T>(what: () => T | Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const out = await what();
  return [out, performance.now() - t];
}

const encodedDiff = (a: LinearImage, b: LinearImage): number => meanEncodedDifference(a.data, b.data);

const [full, readMs] = await timed(() => readBracket(files));
const [small, smallMs] = await timed(() => full.map((f) => (f.meta.clipLevel !== undefined && Number.isFinite(f.meta.clipLevel) ? downsampleKeepingClips(f, PREVIEW, f.meta.clipLevel) : downsample(f, PREVIEW))));
const [reference, refMs] = await timed(() => suggestReference(full));
const [aligned, alignMs] = await timed(() => alignBracket(small, 'similarity', { reference, proxySide: 640 }).frames);
console.log(`${full.length} x ${full[0].width}x${full[0].height}: read ${s(readMs)}; preview frames ${s(smallMs)}; reference suggested at full size ${s(refMs)}; preview aligned ${s(alignMs)}`);
const [, sessionMs] = await timed(() => fusionSession());
const [, coldMs] = await timed(() => predictFusionWeights(fusionInput(aligned, sides[sides.length - 1])));
console.log(`model session ${s(sessionMs)}; first network run in this process (at ${sides[sides.length - 1]} px) ${s(coldMs)}`);

const [fullAligned, fullAlignMs] = await timed(() => alignBracket(full, 'similarity', { reference }).frames);
const [fullFuse, fullFuseMs] = await timed(() => learnedFuse(fullAligned, (i) => predictFusionWeights(i)));
const fullPreview = downsample(fullFuse.fused, PREVIEW);
const m = fullFuse.millis;
console.log(`full merge: aligned ${s(fullAlignMs)}, fused ${s(fullFuseMs)} (network ${s(m.network)}, lift ${s(m.lift)}, blend ${s(m.blend)})`);

const mef = prepareMefSsim(aligned.map(image8));
console.log(`full merge's preview: MEF-SSIM ${scoreMefSsim(mef, image8(fullPreview)).score.toFixed(4)}`);
let previewAt1024: Float32Array | null = null;
for (const side of sides) {
  const [input, inputMs] = await timed(() => fusionInput(aligned, side));
  await predictFusionWeights(input);
  const [maps, netMs] = await timed(() => predictFusionWeights(input));
  if (side === defaultWorkingSide(aligned.length)) previewAt1024 = maps;
  const [r, fuseMs] = await timed(() => learnedFuse(aligned, async () => maps, { workingSide: side }));
  const rest = fuseMs - r.millis.network;
  console.log(
    `preview at ${side} (${input.width}x${input.height}): input ${s(inputMs)}, network ${s(netMs)} warm, guide + lift + blend ${s(rest)}; ` +
      `vs the full merge's preview ${encodedDiff(r.fused, fullPreview).toFixed(4)}, MEF-SSIM ${scoreMefSsim(mef, image8(r.fused)).score.toFixed(4)}`,
  );
}

if (previewAt1024) {
  // The full merge's network input against the preview's at the same working side.
  const a = fusionInput(aligned, defaultWorkingSide(aligned.length));
  const b = fusionInput(fullAligned, defaultWorkingSide(fullAligned.length));
  if (a.data.length === b.data.length) {
    let d = 0;
    let max = 0;
    for (let i = 0; i < a.data.length; i++) {
      const v = Math.abs(a.data[i] - b.data[i]);
      d += v;
      max = Math.max(max, v);
    }
    const reuse: WeightPredictor = async () => previewAt1024!;
    const borrowed = await learnedFuse(fullAligned, reuse);
    console.log(
      `network input from the preview frames vs the full frames (${a.width}x${a.height} vs ${b.width}x${b.height}): mean |d| ${(d / a.data.length).toExponential(2)}, max ${max.toFixed(3)}; ` +
        `full merge with the preview's weights vs its own: ${encodedDiff(downsample(borrowed.fused, PREVIEW), fullPreview).toFixed(4)} (sRGB 0..1, at ${PREVIEW} px)`,
    );
  } else {
    console.log(`network inputs differ in size: ${a.paddedWidth}x${a.paddedHeight} vs ${b.paddedWidth}x${b.paddedHeight}`);
  }
}

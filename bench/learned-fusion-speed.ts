// npx tsx bench/learned-fusion-speed.ts [width height weighted-sum|pyramid [detailLevels,...]]: times the learned fusion pipeline on a synthetic 3 x 24 MP bracket (6000x4000) and the network alone at the runtime's working side (defaultWorkingSide: 1024 px for 3 frames).
// With a list of detail levels (e.g. 0,3) each is run in turn, twice round; the default runs the default once.
import { fuseLearned, predictFusionWeights } from '../src-main/services/fusion-model';
import { fusionInput } from '../src-shared/fusion/fusion-input';
import { defaultWorkingSide } from '../src-shared/fusion/meta';
import { createLinearImage } from '../src-shared/image/linear-image';

const [W, H] = [Number(process.argv[2] ?? 6000), Number(process.argv[3] ?? 4000)];
const blend = (process.argv[4] ?? 'pyramid') as 'weighted-sum' | 'pyramid';
const detailList = process.argv[5]?.split(',').map(Number);
const frames = [0.25, 1, 4].map((g) => {
  const img = createLinearImage(W, H);
  const d = img.data;
  for (let y = 0, i = 0; y < H; y++) for (let x = 0; x < W; x++, i += 3) {
    const v = Math.min(1, g * (0.02 + 0.5 * (1 + Math.sin(x / 37) * Math.cos(y / 53))) * (x > W / 2 ? 2 : 0.5));
    d[i] = v; d[i + 1] = v * 0.9; d[i + 2] = v * 0.8;
  }
  return img;
});
const input = fusionInput(frames, defaultWorkingSide(frames.length));
await predictFusionWeights(input); // session creation and warm-up
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  await predictFusionWeights(input);
  console.log(`network at ${input.paddedWidth}x${input.paddedHeight}, K=3: ${(performance.now() - t).toFixed(0)} ms`);
}
const runs: (number | undefined)[] = detailList ? [...detailList, ...detailList] : [undefined];
for (const detailLevels of runs) {
  const t0 = performance.now();
  const r = await fuseLearned(frames, { blend, ...(detailLevels === undefined ? {} : { detailLevels }) });
  const label = detailLevels === undefined ? '' : `, detail levels ${detailLevels}`;
  console.log(`${W}x${H} x3 ${blend}${label}: total ${(performance.now() - t0).toFixed(0)} ms`, Object.fromEntries(Object.entries(r.millis).map(([k, v]) => [k, Math.round(v)])));
}

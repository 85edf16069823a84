// npx tsx bench/learned-fusion-speed.ts [width height weighted-sum|pyramid [detailLevels,...]]: times the learned fusion pipeline on a synthetic 3 x 24 MP bracket (6000x4000) and the network alone at the runtime's working side (defaultWorkingSide: 1024 px for 3 frames).
// With a list of detail levels (e.g. 0,3) each is run in turn, twice round; the default runs the default once.
import { fuseLearned, predictFusionWeights } from '../src-main/services/fusion-model';
import { fusionInput } from '../src-shared/fusion/fusion-input';
import { defaultWorkingSide } from '../src-shared/fusion/meta';
import { syntheticBracket } from './lib/synthetic-bracket';

const [W, H] = [Number(process.argv[2] ?? 6000), Number(process.argv[3] ?? 4000)];
const blend = (process.argv[4] ?? 'pyramid') as 'weighted-sum' | 'pyramid';
const detailList = process.argv[5]?.split(',').map(Number);
const frames = syntheticBracket(W, H);
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

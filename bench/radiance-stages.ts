// npx tsx bench/radiance-stages.ts: times the radiance path's planning (exposure check + camera response)
// and its merge on a generated 3 x 6000x4000 16-bit TIFF bracket (the enfuse bench's scene), decoded as
// the CLI decodes it. Run with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 to match the CLI. Two rounds each.
import { decodeImage } from '../src-shared/codecs/decode';
import { encodeTiff } from '../src-shared/codecs/tiff-write';
import { mergeRadiance } from '../src-shared/merge/radiance';
import { planExposures } from '../src-shared/pipeline/plan-exposures';
import { photograph, renderScene } from '../scripts/make-sample';
import { rgb16FromRgba } from './image8';

const [w, h] = [6000, 4000];
const times = [1 / 250, 1 / 60, 1 / 15];
const scene = renderScene(w, h);
const frames = times.map((t, i) => {
  const rgb = rgb16FromRgba(photograph(scene, w, h, t, 7 + i), w, w, h);
  return decodeImage(encodeTiff({ width: w, height: h, channels: 3, bits: 16, data: rgb }), `big-${i}.tif`);
});
for (let r = 0; r < 2; r++) {
  let t = performance.now();
  const plan = planExposures(frames, { exposureTimes: times });
  const planMs = performance.now() - t;
  t = performance.now();
  mergeRadiance(frames, plan.ev, { response: plan.response });
  console.log(`round ${r + 1}: planExposures ${planMs.toFixed(0)} ms (ev ${plan.ev.map((e) => e.toFixed(4)).join(' ')}), mergeRadiance ${(performance.now() - t).toFixed(0)} ms`);
}

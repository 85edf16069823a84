// npx tsx bench/net-tiles-halo.ts
// How wide a tile's halo must be for the fusion network in tiles (src-shared/fusion/net-tiles.ts) to give its whole
// run's weights: the shipped network on onnxruntime-web WASM, 3 x 560 x 424 noise, tiles of at most 320 x 320,
// largest |tiled - whole| for each halo. The network's receptive field is 72 px (net-tiles.ts's header).
import { NET_HALO, runNetTiled, type NetRunner } from '../src-shared/fusion/net-tiles';
import { predictFusionWeights, releaseFusionSessions } from '../src-main/services/fusion-model';
import { mulberry32 } from '../src-shared/random';

const [k, h, w] = [3, 560, 424];
const rand = mulberry32(3);
const data = Float32Array.from({ length: k * h * w }, () => rand());
const run: NetRunner = (d, dims) => predictFusionWeights({ data: d, exposures: dims[1], width: dims[3], height: dims[2], paddedWidth: dims[3], paddedHeight: dims[2] });
const whole = await run(data, [1, k, h, w]);
console.log(`| halo (px) | tiles | largest difference, tiled against whole |\n|---|---|---|`);
for (const halo of [NET_HALO, 76, 72, 68, 64, 48]) {
  const tiled = await runNetTiled(data, [1, k, h, w], 320 * 320, run, halo);
  let max = 0;
  for (let i = 0; i < whole.length; i++) max = Math.max(max, Math.abs(tiled.output[i] - whole[i]));
  console.log(`| ${halo}${halo === NET_HALO ? ' (NET_HALO)' : ''} | ${tiled.tiles} | ${max === 0 ? '0' : max.toExponential(1)} |`);
}
await releaseFusionSessions();

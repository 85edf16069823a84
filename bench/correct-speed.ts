// npx tsx bench/correct-speed.ts [width height]: times single-frame correction on a synthetic over-exposed frame (default 6000x4000, 24 MP): the two DRHT networks alone at the working resolution, then the whole learned and classical corrections at full size.
import { correctInput } from '../src-shared/correct/correct-input';
import { correctClassical, correctLearned } from '../src-shared/correct/correct';
import { CORRECT_WORKING_SIDE } from '../src-shared/correct/meta';
import { onnxCorrectNets } from '../src-main/services/correct-model';
import { createLinearImage } from '../src-shared/image/linear-image';

const [W, H] = [Number(process.argv[2] ?? 6000), Number(process.argv[3] ?? 4000)];
const frame = createLinearImage(W, H);
for (let y = 0, i = 0; y < H; y++) for (let x = 0; x < W; x++, i += 3) {
  const v = Math.min(1, 4 * (0.02 + 0.5 * (1 + Math.sin(x / 37) * Math.cos(y / 53))) * (x > W / 2 ? 2 : 0.5));
  frame.data[i] = v; frame.data[i + 1] = v * 0.9; frame.data[i + 2] = v * 0.8;
}
const nets = onnxCorrectNets();
const input = correctInput(frame, CORRECT_WORKING_SIDE);
const runNets = async () => nets.ldr(await nets.hdr(input), input.paddedWidth, input.paddedHeight);
await runNets(); // session creation and warm-up
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  await runNets();
  console.log(`both networks at ${input.paddedWidth}x${input.paddedHeight}: ${(performance.now() - t).toFixed(0)} ms`);
}
let t = performance.now();
await correctLearned(frame, nets);
console.log(`${W}x${H} learned correction (networks, lift, denoise): ${(performance.now() - t).toFixed(0)} ms`);
t = performance.now();
correctClassical(frame);
console.log(`${W}x${H} classical correction (exposure, highlights, denoise): ${(performance.now() - t).toFixed(0)} ms`);

// npx tsx bench/align-subpixel.ts: does correcting sub-pixel motion pay in a fusion? A synthetic textured scene
// (tests/unit/shared/align/scene.ts) is photographed at -2 and +2 EV, the second frame moved by d px (and d/2
// down); each bracket is fused with Mertens unaligned and after alignFrames, and both are compared with the
// fusion of the unmoved frames (PSNR of sqrt-encoded values over the image less an 8 px border). Also prints
// what alignFrames applied and its noise-test evidence. Motion under NO_MOTION_PX (0.5 px) is left alone.
import { alignFrames } from '../src-shared/align';
import { mertensFuse } from '../src-shared/merge/mertens';
import { photograph, texturedScene } from '../tests/unit/shared/align/scene';

const [W, H] = [384, 256];
const MARGIN = 8;

function psnr(a: Float32Array, truth: Float32Array): number {
  let sum = 0;
  let n = 0;
  for (let y = MARGIN; y < H - MARGIN; y++) {
    for (let x = MARGIN; x < W - MARGIN; x++) {
      for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        sum += (Math.sqrt(a[i]) - Math.sqrt(truth[i])) ** 2;
        n++;
      }
    }
  }
  return 10 * Math.log10(n / sum);
}

console.log('| scene seed | motion (px, x and x/2) | applied | evidence | unaligned dB | aligned dB |');
console.log('|---|---|---|---|---|---|');
for (const seed of [3, 5, 8]) {
  const scene = texturedScene(W, H, 10, seed);
  const dark = photograph(scene, W, H, { dx: 0, dy: 0 }, -2, 1);
  const truth = mertensFuse([dark, photograph(scene, W, H, { dx: 0, dy: 0 }, 2, 2)]).data;
  for (const d of [0.3, 0.6, 0.9, 1.5]) {
    const moved = photograph(scene, W, H, { dx: d, dy: d / 2 }, 2, 2);
    const unaligned = mertensFuse([dark, moved]).data;
    const res = alignFrames([dark, moved], { reference: 0 });
    const aligned = mertensFuse(res.frames).data;
    const r = res.report[1];
    const applied = r.method === 'none' ? 'none' : `${r.method} ${r.dx.toFixed(2)}, ${r.dy.toFixed(2)}`;
    console.log(`| ${seed} | ${d} | ${applied} | ${r.evidence?.toFixed(2) ?? '-'} | ${psnr(unaligned, truth).toFixed(2)} | ${psnr(aligned, truth).toFixed(2)} |`);
  }
}

/**
 * Two per-pixel passes of the engine, timed in one process on a 3 x 24 MP 8-bit bracket: the grey proxies
 * alignment and the reference suggestion share (alignmentProxies, every pixel of every frame), and the
 * radiance merge through the recovered camera response (mergeWithResponse) on the whole frames and on a
 * 6000x500 crop (the loop without most of the fresh output memory). Min and median of the runs.
 * Input: the PNGs given, else the bench's procedural scene at 1/250, 1/60, 1/15 s, encoded and decoded in
 * memory as PNGs. Usage: npx tsx bench/engine-kernels.ts [--runs 7] [a.png b.png c.png]
 */
import { readBracket } from '../src-main/services/frames';
import { useNativeZlib } from '../src-main/services/native-zlib';
import { decodeImage } from '../src-shared/codecs/decode';
import { encodePng } from '../src-shared/codecs/png';
import { createLinearImage, type LinearImage } from '../src-shared/image/linear-image';
import { mergeWithResponse } from '../src-shared/merge/radiance-response';
import { alignmentProxies } from '../src-shared/pipeline/align-bracket';
import { prepareMerge } from '../src-shared/pipeline/merge-bracket';
import { photograph, renderScene } from '../scripts/make-sample';

const TIMES = [1 / 250, 1 / 60, 1 / 15];

function procedural(): LinearImage[] {
  const [w, h] = [6000, 4000];
  const scene = renderScene(w, h);
  return TIMES.map((t, i) => decodeImage(encodePng({ width: w, height: h, channels: 4, bits: 8, data: photograph(scene, w, h, t, 7 + i) }), `frame-${i}.png`));
}

function timed(runs: number, work: () => void): string {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    work();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return `${ms[0].toFixed(0)} ms | ${ms[ms.length >> 1].toFixed(0)} ms`;
}

async function main(): Promise<void> {
  useNativeZlib();
  const args = process.argv.slice(2);
  const at = args.indexOf('--runs');
  const runs = at >= 0 ? Number(args[at + 1]) : 7;
  const files = args.filter((a) => a.endsWith('.png'));
  const frames = files.length ? await readBracket(files) : procedural();
  const { width, height } = frames[0];
  const { frames: planned, plan } = prepareMerge(frames, 'radiance', { exposureTimes: TIMES });
  if (!plan?.response) throw new Error('no camera response recovered: the bench needs 8-bit sRGB frames');
  const response = plan.response;
  const out = createLinearImage(width, height, 3, { sourceTransfer: 'linear', clipLevel: Infinity }, 0);
  const rows = Math.min(500, height);
  const y0 = Math.max(0, Math.floor(height / 2) - rows);
  const crop = planned.map((f) => ({ ...f, height: rows, data: f.data.subarray(y0 * width * f.channels, (y0 + rows) * width * f.channels) }));
  const cropOut = createLinearImage(width, rows, 3, { sourceTransfer: 'linear', clipLevel: Infinity }, 0);
  console.log(`${frames.length} x ${width}x${height}, ${runs} runs each`);
  console.log('| pass | min | median |\n|---|---|---|');
  console.log(`| alignmentProxies (grey proxies of every frame) | ${timed(runs, () => alignmentProxies(frames))} |`);
  console.log(`| mergeWithResponse, ${width}x${rows} crop | ${timed(runs, () => mergeWithResponse(crop, plan.ev, response, cropOut))} |`);
  console.log(`| mergeWithResponse, whole frames | ${timed(Math.min(runs, 3), () => mergeWithResponse(planned, plan.ev, response, out))} |`);
}

await main();

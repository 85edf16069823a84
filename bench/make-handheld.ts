// npx tsx bench/make-handheld.ts [OUTDIR] [WIDTHxHEIGHT]: a handheld bracket of the procedural scene (scripts/make-sample.ts)
// for the memory and latency benches, written as OUTDIR/handheld-{0,1,2}.tif (default tmp/handheld, 6000x4000): the
// frames of bench/merge-vs-enfuse.ts's 16-bit TIFF case (1/250, 1/60, 1/15 s), each cropped from a larger render a few
// pixels off the last, as a camera held in the hand moves between shots. The alignment then moves two of the three
// frames into copies of their own, which the bench frames shot from one place never make it do.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encodeTiff } from '../src-shared/codecs/tiff-write';
import { photograph, renderScene } from '../scripts/make-sample';
import { rgb16FromRgba } from './image8';

const out = resolve(process.argv[2] ?? join(import.meta.dirname, '../tmp/handheld'));
const [w, h] = (process.argv[3] ?? '6000x4000').split('x').map(Number);
if (!(w > 0 && h > 0)) throw new Error(`size must be WIDTHxHEIGHT, got ${process.argv[3]}`);
const times = [1 / 250, 1 / 60, 1 / 15];
/** Each frame's window in the render: 3-9 px between shots. */
const shifts = [
  [6, 5],
  [9, 3],
  [2, 9],
];
const pad = 12;
const sw = w + pad;
const sh = h + pad;
mkdirSync(out, { recursive: true });
const scene = renderScene(sw, sh);
times.forEach((t, i) => {
  const [dx, dy] = shifts[i];
  const rgb = rgb16FromRgba(photograph(scene, sw, sh, t, 7 + i), sw, w, h, dx, dy);
  const path = join(out, `handheld-${i}.tif`);
  writeFileSync(path, encodeTiff({ width: w, height: h, channels: 3, bits: 16, data: rgb }));
  console.log(`${path}: ${w}x${h}, 1/${Math.round(1 / t)} s, window at (${dx}, ${dy})`);
});

/**
 * Radiance merge quality against OpenCV's CalibrateDebevec + MergeDebevec, on real radiance maps:
 * each ../shared/datasets/radiance/*.hdr (middle band) is photographed as a bracket through a
 * film-like camera curve the merges are not told (shot and read noise, clipping, 8-bit PNG), then
 * merged by our pipeline (mergeBracket, the CLI's code path) and by OpenCV from the same PNGs.
 * Score: median relative error per channel sample over pixels unclipped in at least one frame,
 * after one global scale (the median ratio). Usage: npx tsx bench/radiance-quality.ts
 * [--curves gamma-s,filmic] [--brackets 3x2,5x1.5] [--format png|jpeg]
 * --format jpeg writes the frames as JPEG (quality 92, as a camera's fine JPEG) instead of PNG: its
 * ringing leaves clipped areas' edges at 245-254 rather than 255.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { decodeHdr } from '../src-shared/codecs/hdr-read';
import { decodeImage } from '../src-shared/codecs/decode';
import { encodeJpeg } from '../src-shared/codecs/jpeg';
import { encodePng } from '../src-shared/codecs/png';
import type { LinearImage } from '../src-shared/image/linear-image';
import { alignBracket } from '../src-shared/pipeline/align-bracket';
import { mergeBracket } from '../src-shared/pipeline/merge-bracket';
import { CURVES, photograph, radianceError } from '../tests/unit/shared/merge/camera-curves';
import { openCvDebevec } from './lib/opencv-debevec';

const ROOT = resolve(import.meta.dirname, '..');
const DATA = resolve(ROOT, '../shared/datasets/radiance');
const args = process.argv.slice(2);
const opt = (name: string, fallback: string): string => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const curveNames = opt('--curves', 'gamma-s,filmic,per-channel,gn-like').split(',');
/** "NxS": N frames S stops apart, centred on the exposure that puts the scene's median at 0.18. */
const format = opt('--format', 'png');
if (format !== 'png' && format !== 'jpeg') throw new Error(`--format: png or jpeg, not ${format}`);
const brackets = opt('--brackets', '3x2,5x1.5').split(',').map((b) => b.split('x').map(Number) as [number, number]);

/** The middle half of the rows: the least distorted band of an equirectangular panorama. */
function middleBand(img: LinearImage): LinearImage {
  const y0 = Math.floor(img.height / 4);
  const h = Math.floor(img.height / 2);
  const data = img.data.slice(y0 * img.width * 3, (y0 + h) * img.width * 3);
  return { ...img, height: h, data };
}

function medianLuminance(img: LinearImage): number {
  const n = img.width * img.height;
  const l = new Float64Array(n);
  for (let p = 0; p < n; p++) l[p] = 0.2126 * img.data[p * 3] + 0.7152 * img.data[p * 3 + 1] + 0.0722 * img.data[p * 3 + 2];
  l.sort();
  return l[n >> 1];
}

function main(): void {
  if (!existsSync(DATA)) {
    console.log(`no radiance maps at ${DATA}: nothing to benchmark`);
    return;
  }
  const files = readdirSync(DATA).filter((f) => f.endsWith('.hdr')).sort();
  const work = mkdtempSync(join(tmpdir(), 'luxfuse-rq-'));
  const rows: string[] = ['| scene | curve | bracket | luxfuse | luxfuse aligned (CLI default) | OpenCV | luxfuse / OpenCV | response |', '|---|---|---|---|---|---|---|---|'];
  let worstOurs = 0;
  let losses = 0;
  try {
    for (const file of files) {
      const truth = middleBand(decodeHdr(readFileSync(join(DATA, file)), file));
      const mid = Math.log2(0.18 / medianLuminance(truth));
      for (const curveName of curveNames) {
        for (const [count, step] of brackets) {
          const evs = Array.from({ length: count }, (_, i) => mid + (i - (count - 1) / 2) * step);
          const paths: string[] = [];
          const frames = evs.map((ev, i) => {
            const shot = photograph(truth, ev, { curve: CURVES[curveName], shot: 0.006, read: 0.0006, seed: 17 + i });
            const name = `f${i}.${format === 'jpeg' ? 'jpg' : 'png'}`;
            const path = join(work, name);
            const codes = shot.codes as Uint8Array;
            if (format === 'jpeg') {
              const rgba = new Uint8ClampedArray(truth.width * truth.height * 4);
              for (let p = 0; p < truth.width * truth.height; p++) {
                rgba.set(codes.subarray(p * 3, p * 3 + 3), p * 4);
                rgba[p * 4 + 3] = 255;
              }
              writeFileSync(path, encodeJpeg({ width: truth.width, height: truth.height, data: rgba }, { quality: 92 }));
            } else {
              writeFileSync(path, encodePng({ width: truth.width, height: truth.height, channels: 3, bits: 8, data: codes }));
            }
            paths.push(path);
            // Decoded from the file, as the CLI would; ev 0 for the darkest is arbitrary, only ratios matter.
            return { ...decodeImage(readFileSync(path), name), ev: ev - evs[0] };
          });
          const ours = mergeBracket(frames, 'radiance');
          const e1 = radianceError(ours.radiance!, truth, frames);
          // The CLI aligns by default: on a tripod render that must change nothing measurable.
          const alignedFrames = alignBracket(frames, 'similarity').frames;
          const moved = alignedFrames.filter((f, k) => f !== frames[k]).length;
          const e1a = moved === 0 ? e1 : radianceError(mergeBracket(alignedFrames, 'radiance').radiance!, truth, frames);
          const cv: LinearImage = { ...truth, data: openCvDebevec(paths, evs.map((e) => 2 ** e), work) };
          const e2 = radianceError(cv, truth, frames);
          worstOurs = Math.max(worstOurs, e1.median);
          if (e1.median >= e2.median) losses++;
          const contrast = ours.plan?.responseSummary?.contrast.map((c) => c.toFixed(2)).join('/') ?? 'none';
          const balance = ours.plan?.responseSummary?.balance ? ` ${ours.plan.responseSummary.balance} (${ours.plan.responseSummary.shapeSpread})` : "";
          const pct = (v: number): string => `${(v * 100).toFixed(2)} %`;
          rows.push(`| ${basename(file, '.hdr')} | ${curveName} | ${count} x ${step} EV | ${pct(e1.median)} | ${pct(e1a.median)}${moved ? ` (${moved} moved)` : ''} | ${pct(e2.median)} | ${(e1.median / e2.median).toFixed(2)} | ${contrast}${balance} |`);
          console.log(rows[rows.length - 1]);
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\n${rows.join('\n')}\n`);
  console.log(`worst luxfuse median error ${(worstOurs * 100).toFixed(2)} %; cases where OpenCV is as good or better: ${losses}`);
}

main();

// npx tsx bench/fusion-options.ts <model.onnx> '<json [[label, LearnedFuseOptions], ...]>' [pairs|full|brackets]
// Scores learned fusion under several runtime options (working side, lift radius/eps) with MEF-SSIM,
// as bench/quality.ts does (8-bit frames, the app's tone-free display render): "pairs" = darkest +
// brightest frame of the five ../shared triplets; "full" = the five triplets plus brackets street2
// and desktop; "brackets" = the six long brackets (9-13 frames). Prints each option's per-scene scores and mean.
// Needs ../shared/datasets.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { LearnedFuseOptions } from '../src-shared/fusion/meta';
import { image8 } from './image8';
import { prepareMefSsim, scoreMefSsim } from '../src-shared/metrics/mef-ssim';
import { DEFAULT_FUSED_TONE } from '../src-shared/pipeline/render-display';
import { toneMap } from '../src-shared/tonemap/tone-map';
import { fuseLearned } from '../src-main/services/fusion-model';
import { decodeFile } from '../src-main/services/frames';

const DATASETS = resolve(import.meta.dirname, '../../shared/datasets');
if (!existsSync(DATASETS)) throw new Error(`no datasets at ${DATASETS} (this bench needs ../shared/datasets)`);
const [model, json, mode = 'pairs'] = process.argv.slice(2);
if (!model || !json) throw new Error("usage: npx tsx bench/fusion-options.ts <model.onnx> '[[label, options], ...]' [pairs|full|brackets]");
const configs = JSON.parse(json) as [string, LearnedFuseOptions][];
const TRIPLETS = ['Flowers', 'OldHouse', 'Rovinia', 'SeaRock', 'SecretBeach'];
const bracket = (name: string): string[] => {
  const dir = join(DATASETS, 'brackets', name);
  return readFileSync(join(dir, 'exposures.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => join(dir, l.split('\t')[0]));
};
const BRACKETS = ['desktop', 'living_room1', 'living_room2', 'street', 'street2', 'taipei'];
const sets: string[][] = mode === 'full'
  ? [...TRIPLETS.map((s) => ['1.jpg', '2.jpg', '3.jpg'].map((f) => join(DATASETS, 'triplets', s, f))), bracket('street2'), bracket('desktop')]
  : mode === 'brackets'
    ? BRACKETS.map(bracket)
    : TRIPLETS.map((s) => ['1.jpg', '3.jpg'].map((f) => join(DATASETS, 'triplets', s, f)));


const scores = new Map<string, number[]>(configs.map(([label]) => [label, []]));
for (const files of sets) {
  // Decoded as the CLI decodes (JPEG through libjpeg-turbo where sharp loads).
  const frames = await Promise.all(files.map((f) => decodeFile(new Uint8Array(readFileSync(f)), basename(f))));
  const ref = prepareMefSsim(frames.map(image8));
  for (const [label, options] of configs) {
    const { fused } = await fuseLearned(frames, { modelPath: model, ...options });
    const shown = toneMap(fused, DEFAULT_FUSED_TONE, { key: 1, output: 'srgb' });
    scores.get(label)!.push(scoreMefSsim(ref, { width: shown.width, height: shown.height, data: shown.data }).score);
  }
}
console.log(`sets: ${sets.map((s) => basename(join(s[0], '..'))).join(' ')}`);
for (const [label, v] of scores) console.log(`${label}: ${v.map((x) => x.toFixed(4)).join(' ')} mean ${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(4)}`);

// npx tsx bench/network-kept.ts [ROUNDS]: where main's fusion network runs for the app's previews, and what it costs.
// The input is a preview's: 3 frames at 640 x 428 (PREVIEW_WORKING_SIDE, a 3:2 bracket; the network pads it).
// Three places, each in a fresh process of its own (the first run's session and heap growth are per thread, and a
// process's heap does not shrink): 'here', the engine thread itself (before); 'kept', the compute pool's kept
// worker (predictFusionWeightsKept, the app's previews now); 'isolated', a worker started and ended per run
// (predictFusionWeightsIsolated, the app's and the CLI's full-size stages). Prints the first run (session load +
// heap growth) and the median of the next ROUNDS (default 7), plus, for 'kept', the first run after
// retireIdleWorkers ended the worker (what the next preview after a full-size stage pays unless the warm-up ran),
// and the process's RSS after the runs and once the workers have ended: what the engine thread itself keeps. The worker is the app's build
// (out/main/compute-worker.js, `npx electron-vite build`) where it exists, else its TypeScript entry through tsx.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { retireIdleWorkers, useComputeWorkers } from '../src-main/compute/compute-pool';
import { predictFusionWeights, predictFusionWeightsIsolated, predictFusionWeightsKept } from '../src-main/services/fusion-model';
import type { FusionInput } from '../src-shared/fusion/fusion-input';
import { PREVIEW_WORKING_SIDE } from '../src-shared/fusion/meta';

const PLACES = ['here', 'kept', 'isolated'] as const;
type Place = (typeof PLACES)[number];
const place = process.env.LUXFUSE_BENCH_PLACE as Place | undefined;
const rounds = Number(process.argv[2] ?? 7);

function input(seed: number): FusionInput {
  const exposures = 3;
  const width = PREVIEW_WORKING_SIDE;
  const height = 428;
  const paddedHeight = 432;
  const data = new Float32Array(exposures * width * paddedHeight);
  // Smooth gradients and a little texture, each frame brighter than the one before: an image, not a constant.
  for (let k = 0; k < exposures; k++)
    for (let y = 0; y < paddedHeight; y++)
      for (let x = 0; x < width; x++) data[(k * paddedHeight + y) * width + x] = Math.min(1, (0.15 + 0.35 * k) * (0.5 + 0.4 * Math.sin((x + seed) / 37) * Math.cos(y / 23)));
  return { data, exposures, width, height, paddedWidth: width, paddedHeight };
}

const rssMiB = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(run: () => Promise<Float32Array>): Promise<number> {
  const t = performance.now();
  await run();
  return performance.now() - t;
}

async function measure(where: Place): Promise<string> {
  const built = resolve(import.meta.dirname, '../out/main/compute-worker.js');
  useComputeWorkers(existsSync(built) ? { path: built } : { path: resolve(import.meta.dirname, '../src-main/compute/compute-worker.ts'), tsx: true }, 1);
  const run = { here: predictFusionWeights, kept: predictFusionWeightsKept, isolated: predictFusionWeightsIsolated }[where];
  const before = rssMiB();
  const first = await timed(() => run(input(0)));
  const next: number[] = [];
  for (let i = 1; i <= rounds; i++) next.push(await timed(() => run(input(i))));
  let line = `${where}: first ${first.toFixed(0)} ms, then median ${median(next).toFixed(0)} ms (${rounds} runs)`;
  if (where === 'kept') {
    retireIdleWorkers();
    line += `, first after the worker ended ${(await timed(() => run(input(99)))).toFixed(0)} ms`;
  }
  const withWorker = rssMiB();
  useComputeWorkers(null);
  // terminate() returns before the worker's heap is freed.
  await new Promise((done) => setTimeout(done, 1000));
  return `${line}; RSS ${before} -> ${withWorker} MiB after the runs, ${rssMiB()} MiB once the workers ended`;
}

if (place) {
  console.log(await measure(place));
} else {
  console.log(`main's fusion network on a preview's input (3 x 640 x 428), ${rounds} runs after the first; one process per place`);
  for (const where of PLACES) {
    const out = execFileSync(process.execPath, [...process.execArgv, import.meta.filename, String(rounds)], { env: { ...process.env, LUXFUSE_BENCH_PLACE: where }, encoding: 'utf8' });
    process.stdout.write(out);
  }
}

// npx tsx bench/preview-latency.ts [FRAME...]: the app's progressive merge through ProjectService, as the
// engine thread runs it. Per method, on a fresh project: the first preview-stage merge (frames downsampled
// to 1280 at load, aligned and merged at that size), a second one (what an edit costs once the preview's
// alignment is kept; a learned merge reuses its network output too), an edit that changes what the merge
// computes from the first step on (alignment 'translation': the preview aligns again), then the
// full-resolution merge the renderer asks for once the user pauses (cold: the full alignment runs here,
// as in the app's first full merge). Also how far the preview is from the
// full merge's own preview: mean |difference| of the sRGB-encoded values (0..1) for fusions, mean
// |log2 ratio| (stops) for the radiance map. Default frames: tmp/prof/big-{0,1,2}.tif, the 3 x 24 MP
// 16-bit TIFFs of the enfuse bench (no EXIF times: 1/200, 1/50, 1/12.5 s given). Alignment 'similarity'
// (the app's default). LUXFUSE_BENCH_METHODS=mertens,radiance,learned picks the methods. LUXFUSE_BENCH_DEGHOST=on:
// every merge deghosted (the engine's suggested reference, the judge network's detection). LUXFUSE_BENCH_AGAIN=on: after
// the full merge, the edit's full merge too (alignment 'translation': the full stage aligns again, from frames the first
// alignment moved and let go, read again from their files), as when the user refines an edited image: its peak is the
// second full merge's, with the first one's state as the app keeps it.
// LUXFUSE_BENCH_WARM says when main's fusion model is warmed (models:warm) before the learned method's
// merges: 'off' (default, the first learned merge pays for the session and the first run), 'idle' (the
// warm-up runs to its end before the load: the app had idle time, e.g. the user in the library; its time
// includes the engine's 1 s quiet wait), 'with-load' (asked with the load, as on opening a bracket with
// no idle time before: it waits for the engine to be quiet), 'beside-load' (no quiet wait: the warm-up
// beside the decode on the engine's one thread). The first model use in a process pays the heap growth
// whichever session has it, so run one mode per process. Compute workers as the engine thread has them: frames
// in shared memory, the full-resolution stages on two threads; the app's own build of the worker
// (out/main/compute-worker.js, from `npx electron-vite build`) where it exists, else its TypeScript entry through
// tsx, which is slower to start. LUXFUSE_COMPUTE_WORKERS=0: none, every stage on this thread. One method per
// process for its peak RSS (/usr/bin/time -v).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MergeMethod, MergeResult, PreviewImage } from '../src-preload/contract';
import { lastFusionSplit } from '../src-main/compute/parallel-fusion';
import { lastRowSplit } from '../src-main/compute/parallel-rows';
import { useComputeWorkersSharingFrames } from '../src-main/compute/shared-frames';
import { warmFusionModel } from '../src-main/services/fusion-model';
import { ProjectService } from '../src-main/services/project-service';
import { meanEncodedDifference } from './image8';

const given = process.argv.slice(2);
const files = given.length > 0 ? given.map((f) => resolve(f)) : [0, 1, 2].map((i) => resolve(import.meta.dirname, `../tmp/prof/big-${i}.tif`));
const exposureTimes = [1 / 200, 1 / 50, 1 / 12.5];
const methods = (process.env.LUXFUSE_BENCH_METHODS ?? 'mertens,radiance').split(',') as MergeMethod[];
const WARM_MODES = ['off', 'idle', 'with-load', 'beside-load'] as const;
const warmMode = (process.env.LUXFUSE_BENCH_WARM ?? 'off') as (typeof WARM_MODES)[number];
const deghost = process.env.LUXFUSE_BENCH_DEGHOST === 'on';
const again = process.env.LUXFUSE_BENCH_AGAIN === 'on';
if (!WARM_MODES.includes(warmMode)) throw new Error(`LUXFUSE_BENCH_WARM must be one of ${WARM_MODES.join(', ')}`);
const built = resolve(import.meta.dirname, '../out/main/compute-worker.js');
const worker = existsSync(built) ? { path: built } : { path: resolve(import.meta.dirname, '../src-main/compute/compute-worker.ts'), tsx: true };
const workers = process.env.LUXFUSE_COMPUTE_WORKERS === '0' ? 0 : undefined;
useComputeWorkersSharingFrames(worker, workers);
console.log(workers === 0 ? 'no compute workers' : `compute workers from ${worker.path}`);

async function timed(what: () => Promise<MergeResult>): Promise<[MergeResult, number]> {
  const t = performance.now();
  const result = await what();
  return [result, performance.now() - t];
}

const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Where the last merge's fusion (not the radiance merge's: it has none) and row kernel ran: on two threads (the worker's bands), or why on one. */
function split(method: MergeMethod): string {
  const fusion = lastFusionSplit();
  const rows = lastRowSplit();
  const fused = method === 'radiance' ? 'no fusion' : fusion.parallel ? `fusion on two threads (worker bands ${fusion.workerBands?.join('/')})` : `fusion on one thread (${fusion.reason})`;
  return rows ? `${fused}, ${rows.kernel} rows: worker ${rows.workerBands} bands${rows.reason ? ` (${rows.reason})` : ''}` : fused;
}

/** Mean |a - b| of the sRGB-encoded values, or of log2 a/b (stops) for radiance maps (over samples above black in both). */
function distance(a: PreviewImage, b: PreviewImage, radiance: boolean): string {
  if (!radiance) return `${meanEncodedDifference(a.data, b.data).toFixed(4)} (sRGB 0..1)`;
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (!(a.data[i] > 1e-4 && b.data[i] > 1e-4)) continue;
    d += Math.abs(Math.log2(a.data[i] / b.data[i]));
    n++;
  }
  return `${(d / n).toFixed(3)} stops`;
}

/**
 * Starts the learned method's warm-up as LUXFUSE_BENCH_WARM says, just before the load (awaited first for
 * 'idle'); answers what to report of it once the merges are done.
 */
async function warmUp(service: ProjectService): Promise<() => Promise<string>> {
  if (warmMode === 'off') return async () => 'no warm-up';
  const started = performance.now();
  if (warmMode === 'idle') {
    await service.warmModel('fusion');
    const ms = performance.now() - started;
    return async () => `warm-up ${s(ms)} before the load`;
  }
  const warming = warmMode === 'with-load' ? service.warmModel('fusion') : warmFusionModel(async () => undefined);
  const done = warming.then(() => performance.now() - started);
  return async () => `warm-up ${warmMode}, done ${s(await done)} after the load began`;
}

for (const method of methods) {
  const service = new ProjectService();
  const warm = method === 'learned' ? await warmUp(service) : null;
  const t = performance.now();
  const { projectId, frames } = await service.load(files);
  const loadMs = performance.now() - t;
  const request = { projectId, method, align: 'similarity' as const, exposureTimes, previewMaxSide: 1280, ...(deghost ? { deghost: {} } : {}) };
  const [preview, firstMs] = await timed(() => service.merge({ ...request, stage: 'preview' }));
  const [, againMs] = await timed(() => service.merge({ ...request, stage: 'preview' }));
  const [, editMs] = await timed(() => service.merge({ ...request, align: 'translation', stage: 'preview' }));
  const [full, fullMs] = await timed(() => service.merge({ ...request, stage: 'full' }));
  const fullSplit = split(method);
  const [, refullMs] = again ? await timed(() => service.merge({ ...request, align: 'translation', stage: 'full' })) : [null, 0];
  console.log(
    `${method}${warm ? ` (${await warm()})` : ''}: ${frames.length} x ${frames[0].width}x${frames[0].height} (load ${s(loadMs)}); ` +
      `first preview ${s(firstMs)} (${preview.stage}, ${preview.preview.width}x${preview.preview.height}), preview again ${s(againMs)}, edit (align translation) ${s(editMs)}, ` +
      `full ${s(fullMs)} (${full.stage}, ${full.width}x${full.height}; ${fullSplit}); ${again ? `the edit's full merge after it ${s(refullMs)}; ` : ''}` +
      `preview vs full's preview ${distance(preview.preview, full.preview, method === 'radiance')}`,
  );
  service.release(projectId);
}

/**
 * How much memory a merge takes at its peak, estimated before the frames are all decoded, so that a bracket
 * too large for the machine (three 100 MP frames need about 9 GB) is refused with a clear message instead of
 * the system ending the process half-way (Linux lets the allocations through and kills the process when the
 * pages are touched). Pure: the caller says how much memory there is (src-main/services/memory-available.ts).
 *
 * The model: a fixed part plus bytes per pixel that grow with the number of frames,
 *   peak = fixed + pixels * (perPixel + perFrame * (frames - 3)),
 * fitted per method to the CLI's peak RSS (`/usr/bin/time -f %M npx luxfuse merge FRAMES --method M
 * --align similarity --jpeg o.jpg --exr o.exr`, 16-bit TIFF input, 2026-12-02, BENCHMARKS.md "Memory before a
 * merge starts"): 3 and 5 frames of 12 MP and 3 frames of 24 MP. The fixed part is the runtime's own (and, for
 * the learned method, the network's WASM heap at its 1024 px working side, on its own worker while it runs); the frames' float samples
 * (12 bytes a pixel each) and the stages' planes grow with the pixels. A synthesised frame is not in the fit and
 * counts as one more frame. MARGIN covers what the fit misses: a 3 x 100 MP
 * JPEG Mertens merge measured 8.4 GiB where the model without it says 7.8 GiB. Deghosting: DEGHOST_MEMORY.
 */
import { LuxfuseError } from '../errors';
import type { Method } from './merge-bracket';

interface MemoryModel {
  /** Bytes whatever the frames' size. */
  fixed: number;
  /** Bytes per pixel of a 3-frame bracket. */
  perPixel: number;
  /** Bytes per pixel for each frame more (or fewer) than 3. */
  perFrame: number;
}

const MiB = 2 ** 20;

/** Fitted as the header says: mertens 1064 / 1493 MiB (12 MP, 3 / 5 frames), 2005 MiB (24 MP); radiance 1134 / 1367, 1929; learned 1363 / 1733, 2182. */
export const MERGE_MEMORY: Record<Method, MemoryModel> = {
  mertens: { fixed: 123 * MiB, perPixel: 82.2, perFrame: 18.8 },
  radiance: { fixed: 339 * MiB, perPixel: 69.4, perFrame: 10.2 },
  learned: { fixed: 544 * MiB, perPixel: 71.6, perFrame: 16.2 },
};

/**
 * What deghosting adds (`--deghost auto`, the judge network), the same for every method: the judge's worker heap
 * and, while one frame at a time is deghosted in place, its feathered weight and the box filter's scratch (4 bytes a
 * pixel each). Since the masks stay at the detector's working size (stop 24), the measured extra is within the runs'
 * noise: `npx tsx bench/merge-memory.ts --deghost`, the larger of two runs (2026-12-02 08:55-09:07): mertens 1112 /
 * 1781 MiB (12 MP, 3 / 5 frames), 2179 MiB (24 MP); radiance 1275 / 1595, 2148; learned 1486 / 1983, 2179 (the same
 * cell moved by up to 221 MiB between the two runs), 0-290 MiB over the plain models. These constants keep every one
 * of them under the estimate, by 13-24 % with the margin. The app's engine deghosts large brackets in place too,
 * its undo tiles in a temporary file (BENCHMARKS.md "Deghosted merges: masks at the detector's size").
 */
const DEGHOST_EXTRA: MemoryModel = { fixed: 100 * MiB, perPixel: 8, perFrame: 8 };
export const DEGHOST_MEMORY: Record<Method, MemoryModel> = { mertens: DEGHOST_EXTRA, radiance: DEGHOST_EXTRA, learned: DEGHOST_EXTRA };

/** The estimate's headroom over the fit. */
export const MERGE_MEMORY_MARGIN = 1.1;

/** What a merge is about: 'any' when the method is not chosen yet (the app's load: the user may pick any). */
export type MemoryMethod = Method | 'any';

export interface MemoryOptions {
  /** The merge deghosts (DEGHOST_MEMORY on top). */
  deghost?: boolean;
}

/** Estimated peak bytes of merging `frames` frames of width x height with `method` (the largest of the methods for 'any'). */
export function mergePeakBytes(width: number, height: number, frames: number, method: MemoryMethod, options: MemoryOptions = {}): number {
  if (!(width > 0 && height > 0 && Number.isInteger(frames) && frames >= 1)) throw new RangeError(`no merge of ${frames} frames of ${width} x ${height}`);
  if (method === 'any') return Math.max(...(Object.keys(MERGE_MEMORY) as Method[]).map((m) => mergePeakBytes(width, height, frames, m, options)));
  // Two frames are the fewest a merge takes; a single frame (correction) is costed as two, which covers it.
  const k = Math.max(2, frames);
  const bytes = (model: MemoryModel): number => model.fixed + width * height * (model.perPixel + model.perFrame * (k - 3));
  return (bytes(MERGE_MEMORY[method]) + (options.deghost ? bytes(DEGHOST_MEMORY[method]) : 0)) * MERGE_MEMORY_MARGIN;
}

/** Bytes as a person reads them: "9.2 GB", "640 MB" (decimal units, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/** The machine has too little memory for the merge: refused before it starts, nothing written. */
export class NotEnoughMemoryError extends LuxfuseError {}

export interface MemoryCheck {
  width: number;
  height: number;
  frames: number;
  method: MemoryMethod;
  /** Bytes this process may still grow by, plus what it holds already (the estimate counts the whole process). */
  available: number;
  /** Where `available` comes from, for the message ("available memory and swap", "LUXFUSE_MEMORY_LIMIT"). */
  source: string;
  deghost?: boolean;
}

/** Throws NotEnoughMemoryError when the merge's estimated peak exceeds what is available. */
export function checkMergeMemory(check: MemoryCheck): void {
  const { width, height, frames, method, available, source, deghost } = check;
  const needed = mergePeakBytes(width, height, frames, method, { deghost });
  if (needed <= available) return;
  const mp = (width * height) / 1e6;
  const what = (method === 'any' ? 'merging them' : `a ${method === 'radiance' ? 'radiance' : method === 'learned' ? 'learned' : 'Mertens'} merge`) + (deghost ? ' with deghosting' : '');
  throw new NotEnoughMemoryError(
    `not enough memory: ${frames} frames of ${width} x ${height} (${mp >= 10 ? Math.round(mp) : mp.toFixed(1)} MP) need about ${formatBytes(needed)} for ${what}, ` +
      `and ${formatBytes(Math.max(0, available))} is available (${source}). Close other applications, merge fewer frames, or downscale the files; ` +
      `LUXFUSE_MEMORY_CHECK=off tries anyway.`,
  );
}

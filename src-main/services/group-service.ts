/**
 * `luxfuse group` and the import step of the app: scan the paths, read every file's headers
 * (a bounded number at a time), group the shots into brackets.
 */
import { basename } from 'node:path';
import { groupBrackets, type BracketGroup, type GroupOptions, type GroupResult } from '../../src-shared/bracket/group';
import { fileKind } from '../../src-shared/bracket/file-kind';
import { compareNatural } from '../../src-shared/bracket/natural-sort';
import { groupByPixels, type ProbedShot } from '../../src-shared/bracket/pixel-group';
import type { PixelProbe } from '../../src-shared/bracket/pixel-probe';
import { shotExposure, type ShotInfo } from '../../src-shared/bracket/shot-info';
import { readImportShot, UnmergeableFileError } from './exif';
import { readProbe as readPixelProbe } from './pixel-probe-read';
import { listImageFiles, type ScanError } from './scan';

/** The shape `luxfuse group --json` prints; keep it stable. */
export interface GroupFilesResult {
  groups: BracketGroup[];
  ungrouped: string[];
  /** Same-shot copies (a JPEG beside its RAW) and the file that stands for each. */
  companions: { file: string; of: string }[];
  /**
   * Files that could not be read, none of them in groups or ungrouped: paths that do not open, headers that do
   * not read, files whose structure shows a merge would refuse them (cut short, misnamed: file-integrity.ts), and
   * (the pixel pass) files without exposure data whose pixels do not decode.
   */
  errors: ScanError[];
}

export interface GroupFilesOptions extends GroupOptions {
  /** Descend into sub-folders. Default false. */
  recursive?: boolean;
  /** Files read at once. Default 16. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each file's headers are read. */
  onProgress?: (done: number, total: number) => void;
  /** Called while folders are walked, with the number of image files found so far. */
  onFound?: (files: number) => void;
  /** Reads one file's headers; default readImportShot, which also checks its structure (tests pass a slower or failing one). */
  readShot?: (file: string) => Promise<ShotInfo>;
  /** Called with each file's headers as read (the library keeps capture times from them). */
  onShot?: (shot: ShotInfo) => void;
  /**
   * Look at the pixels of the files without exposure data that no bracket took, to find brackets among
   * them (pixel-group.ts). Default true.
   */
  pixels?: boolean;
  /** Reads one file's pixel probe; default readProbe (pixel-probe-read.ts). */
  readProbe?: (file: string) => Promise<PixelProbe>;
  /** Called after each file's pixels are looked at (only files without exposure data, after every header is read). */
  onPixels?: (done: number, total: number) => void;
}

/** Probes decoded at once: each is a decode, of a whole file where it is not a JPEG. */
const PROBE_CONCURRENCY = 2;

/** Files other than JPEG with more pixels than this are decoded for their probes one at a time. */
const PROBE_BIG_PIXELS = 24_000_000;

/** Runs `fn` over `items`, at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

export async function groupFiles(paths: string[], options: GroupFilesOptions = {}): Promise<GroupFilesResult> {
  const {
    recursive,
    concurrency = 16,
    signal,
    onProgress,
    onFound,
    onShot,
    readShot = readImportShot,
    pixels = true,
    readProbe = readPixelProbe,
    onPixels,
    ...groupOptions
  } = options;
  const scan = await listImageFiles(paths, { recursive, signal, onFound });
  const errors: ScanError[] = [...scan.errors];
  let done = 0;
  const read = await mapLimit(
    scan.files,
    concurrency,
    async (file): Promise<ShotInfo | DamagedShot> => {
      try {
        const shot = await readShot(file);
        onShot?.(shot);
        return shot;
      } catch (error) {
        const shot = error instanceof UnmergeableFileError ? error.shot : undefined;
        return { file, message: error instanceof Error ? error.message : String(error), ...(shot ? { shot } : {}) };
      } finally {
        onProgress?.(++done, scan.files.length);
      }
    },
    signal,
  );
  const shots: ShotInfo[] = [];
  const damaged: DamagedShot[] = [];
  for (const r of read) {
    if ('message' in r) {
      errors.push({ file: r.file, message: r.message });
      if (r.shot) damaged.push(r);
    } else shots.push(r);
  }
  const found = groupWithDamaged(shots, damaged, groupOptions);
  if (!pixels) return { ...found, errors };
  const pixelPass = await withPixelGroups(shots, found, { readProbe, maxFrames: groupOptions.maxFrames, signal, onPixels });
  return { groups: pixelPass.groups, ungrouped: pixelPass.ungrouped, companions: found.companions, errors: [...errors, ...pixelPass.errors] };
}

/** A file whose headers read but whose structure a merge would refuse (UnmergeableFileError), or one that did not read. */
interface DamagedShot extends ScanError {
  shot?: ShotInfo;
}

/**
 * groupBrackets, with the frames a merge would refuse (cut short, misnamed) taking part in the grouping, so the
 * bracket they were shot in is found as it was shot, then left out of it: each such group lists them as `missing`,
 * and one left with fewer than two frames is no bracket (its frame goes to ungrouped). Such a RAW or TIFF with a
 * readable JPEG of the same shot beside it is not grouped at all: the JPEG stands for the shot, as it would had the
 * other file not been there.
 * Without such frames this is groupBrackets(shots).
 */
export function groupWithDamaged(shots: readonly ShotInfo[], damaged: readonly DamagedShot[], options: GroupOptions = {}): GroupResult {
  const withShot = damaged.filter((d): d is DamagedShot & { shot: ShotInfo } => d.shot !== undefined);
  if (withShot.length === 0) return groupBrackets([...shots], options);
  let all = [...shots, ...withShot.map((d) => d.shot)];
  let found = groupBrackets(all, options);
  const bad = new Map(withShot.map((d) => [d.file, d.message]));
  const standsIn = new Set(found.companions.filter((c) => bad.has(c.of) && !bad.has(c.file)).map((c) => c.of));
  if (standsIn.size > 0) {
    all = all.filter((s) => !standsIn.has(s.file));
    found = groupBrackets(all, options);
  }
  const groups: BracketGroup[] = [];
  const ungrouped = found.ungrouped.filter((f) => !bad.has(f));
  for (const g of found.groups) {
    const missing = g.files.filter((f) => bad.has(f)).map((file) => ({ file, message: bad.get(file)! }));
    if (missing.length === 0) {
      groups.push(g);
      continue;
    }
    const keep = g.files.map((f, i) => [f, g.exposureValues[i]] as const).filter(([f]) => !bad.has(f));
    if (keep.length < 2) {
      ungrouped.push(...keep.map(([f]) => f));
      continue;
    }
    const names = missing.map((m) => basename(m.file)).join(', ');
    groups.push({
      ...g,
      files: keep.map(([f]) => f),
      exposureValues: keep.map(([, ev]) => ev),
      reason: `${g.reason}; ${missing.length} of its ${g.files.length} frames cannot be merged and ${missing.length === 1 ? 'is' : 'are'} left out (${names})`,
      missing,
    });
  }
  ungrouped.sort(compareNatural);
  return { groups, ungrouped, companions: found.companions.filter((c) => !bad.has(c.file)) };
}

/**
 * The error listed for a file whose pixels did not decode for its probe: the decoder's own words (readFrame's
 * message, less the path it starts with, which this one starts with already) and what the import did about it.
 */
function unreadablePixelsError(file: string, error: unknown): ScanError {
  const message = error instanceof Error ? error.message : String(error);
  const prefix = [`${file}: `, `cannot read ${file}: `].find((p) => message.startsWith(p));
  const why = prefix ? message.slice(prefix.length) : message;
  return { file, message: `${file}: its pixels could not be read (${why}), so it was not compared with its neighbours and is in no bracket` };
}

/**
 * Adds the brackets found by their pixels among the ungrouped files that carry no exposure data (the only
 * ones decoded here). A file that does not decode moves from ungrouped to the errors, as a file whose headers
 * do not read: it could not be compared with the files beside it, so it may be a frame of their bracket, and a
 * merge of it would fail on the same pixels. A lone file without exposure data is not decoded: the structural check
 * of every file as its headers are read (readImportShot) is all it gets.
 */
async function withPixelGroups(
  shots: readonly ShotInfo[],
  { groups, ungrouped }: { groups: BracketGroup[]; ungrouped: string[] },
  o: Required<Pick<GroupFilesOptions, 'readProbe'>> & Pick<GroupFilesOptions, 'maxFrames' | 'signal' | 'onPixels'>,
): Promise<{ groups: BracketGroup[]; ungrouped: string[]; errors: ScanError[] }> {
  const left = new Set(ungrouped);
  const candidates = shots.filter((s) => left.has(s.file) && shotExposure(s) === undefined);
  if (candidates.length < 2) return { groups, ungrouped, errors: [] };
  let done = 0;
  const probe = async (shot: ShotInfo): Promise<ProbedShot | ScanError> => {
    try {
      return { shot, probe: await o.readProbe(shot.file) };
    } catch (error) {
      return unreadablePixelsError(shot.file, error);
    } finally {
      o.onPixels?.(++done, candidates.length);
    }
  };
  // A JPEG is decoded reduced; any other file whole, as float: big ones one at a time (100 MP is 1.2 GB).
  const big = (s: ShotInfo): boolean => fileKind(s.file) !== 'jpeg' && (s.width ?? 0) * (s.height ?? 0) > PROBE_BIG_PIXELS;
  const probed = [
    ...(await mapLimit(candidates.filter((s) => !big(s)), PROBE_CONCURRENCY, probe, o.signal)),
    ...(await mapLimit(candidates.filter(big), 1, probe, o.signal)),
  ];
  const errors = probed.filter((p): p is ScanError => 'message' in p);
  const found = groupByPixels(
    probed.filter((p): p is ProbedShot => 'probe' in p),
    o.maxFrames === undefined ? {} : { maxFrames: o.maxFrames },
  );
  const taken = new Set([...found.flatMap((g) => g.files), ...errors.map((e) => e.file)]);
  if (!found.length) return { groups, ungrouped: ungrouped.filter((f) => !taken.has(f)), errors };
  // One order for both kinds, as groupBrackets orders its own: by the first frame's capture time, then name.
  const timeOf = new Map(shots.map((s) => [s.file, s.captureTime !== undefined && Number.isFinite(s.captureTime) ? s.captureTime : Infinity]));
  const first = (g: BracketGroup): number => timeOf.get(g.files[0]) ?? Infinity;
  const all = [...groups, ...found].sort((a, b) => first(a) - first(b) || compareNatural(a.files[0], b.files[0]));
  return { groups: all, ungrouped: ungrouped.filter((f) => !taken.has(f)), errors };
}

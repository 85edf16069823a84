/**
 * `luxfuse group` and the import step of the app: scan the paths, read every file's headers
 * (a bounded number at a time), group the shots into brackets.
 */
import { groupBrackets, type BracketGroup, type GroupOptions } from '../../src-shared/bracket/group';
import type { ShotInfo } from '../../src-shared/bracket/shot-info';
import { readShotInfo } from './exif';
import { listImageFiles, type ScanError } from './scan';

/** The shape `luxfuse group --json` prints; keep it stable. */
export interface GroupFilesResult {
  groups: BracketGroup[];
  ungrouped: string[];
  /** Same-shot copies (a JPEG beside its RAW) and the file that stands for each. */
  companions: { file: string; of: string }[];
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
  /** Reads one file's headers; default readShotInfo (tests pass a slower or failing one). */
  readShot?: (file: string) => Promise<ShotInfo>;
  /** Called with each file's headers as read (the library keeps capture times from them). */
  onShot?: (shot: ShotInfo) => void;
}

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
  const { recursive, concurrency = 16, signal, onProgress, onFound, onShot, readShot = readShotInfo, ...groupOptions } = options;
  const scan = await listImageFiles(paths, { recursive, signal, onFound });
  const errors: ScanError[] = [...scan.errors];
  let done = 0;
  const read = await mapLimit(
    scan.files,
    concurrency,
    async (file): Promise<ShotInfo | ScanError> => {
      try {
        const shot = await readShot(file);
        onShot?.(shot);
        return shot;
      } catch (error) {
        return { file, message: error instanceof Error ? error.message : String(error) };
      } finally {
        onProgress?.(++done, scan.files.length);
      }
    },
    signal,
  );
  const shots: ShotInfo[] = [];
  for (const r of read) {
    if ('message' in r) errors.push(r);
    else shots.push(r);
  }
  const { groups, ungrouped, companions } = groupBrackets(shots, groupOptions);
  return { groups, ungrouped, companions, errors };
}

/**
 * The app's own small JSON files in its data folder (presets, recent folders): read with a check,
 * written atomically. A file that cannot be parsed or checked is renamed aside (kept for the user,
 * never overwritten) and reported, and the app goes on from what could be read.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-write';

export interface JsonRead<T> {
  value: T;
  /** What was wrong with the file and where it was kept, in the user's words; absent when it read cleanly. */
  problem?: string;
}

/** The damaged file's new name beside it: `presets.json` -> `presets.corrupt-2024-05-01T10-00-00-000Z.json`. */
export function asideName(path: string, now = new Date()): string {
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  return join(dirname(path), `${stem}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}${ext}`);
}

/**
 * Reads `path` and hands its parsed JSON to `parse`, which returns the value and, when it had to
 * leave parts out, why. A missing file is `empty` without a problem. Anything else that goes wrong
 * keeps the file aside and returns what `parse` salvaged (or `empty`) with the problem.
 */
export async function readJsonFile<T>(
  path: string,
  empty: T,
  parse: (json: unknown) => { value: T; dropped?: string },
  maxBytes: number,
): Promise<JsonRead<T>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: empty };
    return { value: empty, problem: `${basename(path)} could not be read (${(error as Error).message})` };
  }
  let value = empty;
  let why: string;
  if (bytes.length > maxBytes) {
    why = `it is larger than ${Math.round(maxBytes / 1024)} KB`;
  } else {
    try {
      const parsed = parse(JSON.parse(bytes.toString('utf8')));
      if (!parsed.dropped) return { value: parsed.value };
      value = parsed.value;
      why = parsed.dropped;
    } catch (error) {
      why = error instanceof SyntaxError ? 'it is not valid JSON' : (error as Error).message;
    }
  }
  const aside = asideName(path);
  try {
    await rename(path, aside);
  } catch (error) {
    return { value, problem: `${basename(path)} is damaged (${why}) and could not be moved aside: ${(error as Error).message}` };
  }
  return { value, problem: `${basename(path)} was damaged (${why}); it was kept as ${basename(aside)}` };
}

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(value, null, 2)));
}

/** Runs calls one after another: two quick saves must not rename over each other's read. */
export class Serial {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const next = this.last.then(task, task);
    this.last = next.catch(() => undefined);
    return next;
  }
}

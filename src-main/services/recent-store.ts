/**
 * The files and folders opened last (File > Open Recent, the library's empty state): the newest
 * first, one entry per set of paths opened together, at most RECENT_LIMIT. Kept as JSON in the
 * app's data folder; paths that have gone since are reported as missing, not dropped, so the user
 * sees what happened and removes them.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { RecentItem } from '../../src-preload/contract';
import { readJsonFile, Serial, writeJsonFile } from './json-file';

export const RECENT_LIMIT = 10;
/** A drop of more loose files than this is not remembered: the list stays small; import their folder instead. */
export const MAX_RECENT_PATHS = 256;
const VERSION = 1;
const MAX_BYTES = 2 * 1024 * 1024;

interface RecentEntry {
  paths: string[];
  openedAt: string;
}

/** The same set of paths, in any order, is one entry. */
export function recentId(paths: readonly string[]): string {
  return createHash('sha256').update([...paths].sort().join('\0')).digest('hex').slice(0, 16);
}

const baseName = (path: string) => path.replace(/[\\/]+$/, '').split(/[\\/]/).pop() || path;
const parentOf = (path: string) => path.replace(/[\\/]+$/, '').replace(/[\\/][^\\/]*$/, '');

/** What the entry is called in a menu: the folder or file name, or "3 files in samples". */
export function recentLabel(paths: readonly string[]): string {
  if (paths.length === 1) return baseName(paths[0]);
  const parents = new Set(paths.map(parentOf));
  return parents.size === 1 ? `${paths.length} files in ${baseName([...parents][0])}` : `${paths.length} files and folders`;
}

function parseRecentFile(json: unknown): { value: RecentEntry[]; dropped?: string } {
  const file = json as { version?: unknown; entries?: unknown };
  if (typeof json !== 'object' || json === null || !Array.isArray(file.entries)) throw new Error('it has no list of entries');
  if (file.version !== VERSION) throw new Error(`its version is ${String(file.version)}, not ${VERSION}`);
  const good = (e: unknown): e is RecentEntry => {
    const r = e as RecentEntry;
    return (
      typeof r === 'object' && r !== null && typeof r.openedAt === 'string' && Array.isArray(r.paths) && r.paths.length > 0 &&
      r.paths.length <= MAX_RECENT_PATHS && r.paths.every((p) => typeof p === 'string' && p.length > 0)
    );
  };
  const value = file.entries.filter(good).slice(0, RECENT_LIMIT);
  const left = file.entries.length - value.length;
  return left > 0 ? { value, dropped: `${left} entr${left === 1 ? 'y' : 'ies'} left out` } : { value };
}

export class RecentStore {
  private entries: RecentEntry[] | null = null;
  private readonly serial = new Serial();
  /** Told after every change (the native menu is rebuilt from it). */
  onchange: ((items: RecentItem[]) => void) | null = null;

  constructor(
    private readonly file: string,
    private readonly exists: (path: string) => boolean = existsSync,
    private readonly now: () => Date = () => new Date(),
  ) {}

  list(): Promise<RecentItem[]> {
    return this.serial.run(async () => this.items(await this.loaded()));
  }

  /** Puts these paths first (moving them up if they were there already). */
  add(paths: readonly string[]): Promise<RecentItem[]> {
    return this.serial.run(async () => {
      const entries = await this.loaded();
      if (paths.length === 0 || paths.length > MAX_RECENT_PATHS) return this.items(entries);
      const id = recentId(paths);
      const next = [{ paths: [...paths], openedAt: this.now().toISOString() }, ...entries.filter((e) => recentId(e.paths) !== id)].slice(0, RECENT_LIMIT);
      return this.changed(await this.write(next));
    });
  }

  remove(id: string): Promise<RecentItem[]> {
    return this.serial.run(async () => this.changed(await this.write((await this.loaded()).filter((e) => recentId(e.paths) !== id))));
  }

  clear(): Promise<RecentItem[]> {
    return this.serial.run(async () => this.changed(await this.write([])));
  }

  private async loaded(): Promise<RecentEntry[]> {
    if (!this.entries) this.entries = (await readJsonFile<RecentEntry[]>(this.file, [], parseRecentFile, MAX_BYTES)).value;
    return this.entries;
  }

  private async write(entries: RecentEntry[]): Promise<RecentEntry[]> {
    await writeJsonFile(this.file, { version: VERSION, entries });
    this.entries = entries;
    return entries;
  }

  private changed(entries: RecentEntry[]): RecentItem[] {
    const items = this.items(entries);
    this.onchange?.(items);
    return items;
  }

  private items(entries: RecentEntry[]): RecentItem[] {
    return entries.map((e) => ({
      id: recentId(e.paths),
      paths: [...e.paths],
      label: recentLabel(e.paths),
      openedAt: e.openedAt,
      missing: e.paths.filter((p) => !this.exists(p)),
    }));
  }
}

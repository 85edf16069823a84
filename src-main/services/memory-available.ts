/**
 * How much memory a merge in this process may take, for checkMergeMemory (src-shared/pipeline/merge-memory.ts):
 * what this process holds now plus what it may still grow by.
 * - LUXFUSE_MEMORY_CHECK=off: no check (null).
 * - LUXFUSE_MEMORY_LIMIT=8G (or 512M, or bytes): that much, whatever the machine has (a cap the user sets).
 * - Linux: MemAvailable and SwapFree of /proc/meminfo, and no more than the control group's memory.max leaves
 *   (a container's limit), plus this process's resident memory.
 * - Elsewhere: the machine's total memory. macOS and Windows count their file cache and compressed memory as
 *   used, so their "free" memory says nothing of what a merge can get; only a merge larger than the whole
 *   machine is refused there.
 */
import { readFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { checkMergeMemory, type MemoryMethod } from '../../src-shared/pipeline/merge-memory';

export interface AvailableMemory {
  bytes: number;
  /** Where the figure comes from, as the refusal names it. */
  source: string;
}

/** What availableMemory reads: file contents by path (null where unreadable), this process's resident bytes. */
export interface MemorySystem {
  platform: NodeJS.Platform;
  read(path: string): string | null;
  rss(): number;
  total(): number;
}

const SYSTEM: MemorySystem = {
  platform: process.platform,
  read: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  rss: () => process.memoryUsage.rss(),
  total: () => totalmem(),
};

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

/** "8G", "512M", "1.5g", "123456" (bytes) -> bytes; null when it is none of these. */
export function parseByteSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text);
  if (!m) return null;
  const bytes = Number(m[1]) * UNITS[m[2].toUpperCase()];
  return bytes > 0 && Number.isFinite(bytes) ? Math.round(bytes) : null;
}

/** MemAvailable and SwapFree of /proc/meminfo, in bytes; null without MemAvailable (kernels before 3.14). */
export function parseMeminfo(text: string): { available: number; swapFree: number } | null {
  const field = (name: string): number | null => {
    const m = new RegExp(`^${name}:\\s+(\\d+)\\s*kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const available = field('MemAvailable');
  return available === null ? null : { available, swapFree: field('SwapFree') ?? 0 };
}

/** The memory a merge may take here (see the header); null when the check is off. */
export function availableMemory(env: NodeJS.ProcessEnv = process.env, system: MemorySystem = SYSTEM): AvailableMemory | null {
  if (env.LUXFUSE_MEMORY_CHECK?.toLowerCase() === 'off') return null;
  const limit = env.LUXFUSE_MEMORY_LIMIT;
  if (limit !== undefined && limit !== '') {
    const bytes = parseByteSize(limit);
    if (bytes === null) throw new RangeError(`LUXFUSE_MEMORY_LIMIT: '${limit}' is not a size (e.g. 8G, 512M, or bytes)`);
    return { bytes, source: 'LUXFUSE_MEMORY_LIMIT' };
  }
  if (system.platform !== 'linux') return { bytes: system.total(), source: "the machine's memory" };
  const info = parseMeminfo(system.read('/proc/meminfo') ?? '');
  if (!info) return { bytes: system.total(), source: "the machine's memory" };
  const rss = system.rss();
  let bytes = info.available + info.swapFree + rss;
  let source = 'free memory and swap';
  // cgroup v2: a container's limit and what the group uses now (this process included).
  const max = parseByteSize(system.read('/sys/fs/cgroup/memory.max') ?? '');
  const current = parseByteSize(system.read('/sys/fs/cgroup/memory.current') ?? '');
  if (max !== null && current !== null && max - current + rss < bytes) {
    bytes = max - current + rss;
    source = "the container's memory limit";
  }
  return { bytes, source };
}

/** checkMergeMemory against this process's availableMemory (nothing when the check is off). */
export function checkMergeMemoryHere(width: number, height: number, frames: number, method: MemoryMethod, deghost = false): void {
  const available = availableMemory();
  if (available) checkMergeMemory({ width, height, frames, method, deghost, available: available.bytes, source: available.source });
}

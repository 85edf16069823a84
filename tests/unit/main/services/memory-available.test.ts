/** What a merge may take here (memory-available.ts), and the refusal of a bracket too large for it, through readBracket and the CLI. */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { readBracket } from '../../../../src-main/services/frames';
import { availableMemory, parseByteSize, parseMeminfo, type MemorySystem } from '../../../../src-main/services/memory-available';
import { ProjectService } from '../../../../src-main/services/project-service';
import { NotEnoughMemoryError } from '../../../../src-shared/pipeline/merge-memory';
import { writeBracket } from '../../helpers/bracket-fixture';

const GiB = 2 ** 30;
const MEMINFO = 'MemTotal:       24000000 kB\nMemFree:         1000000 kB\nMemAvailable:    8000000 kB\nSwapTotal:       2000000 kB\nSwapFree:        1000000 kB\n';

function system(files: Record<string, string>, platform: NodeJS.Platform = 'linux'): MemorySystem {
  return { platform, read: (path) => files[path] ?? null, rss: () => 100 * 2 ** 20, total: () => 16 * GiB };
}

describe('availableMemory', () => {
  it('reads sizes as a person writes them', () => {
    expect(parseByteSize('8G')).toBe(8 * GiB);
    expect(parseByteSize('512m')).toBe(512 * 2 ** 20);
    expect(parseByteSize('1.5GiB')).toBe(1.5 * GiB);
    expect(parseByteSize('123456')).toBe(123456);
    expect(parseByteSize('max\n')).toBeNull();
    expect(parseByteSize('lots')).toBeNull();
    expect(parseByteSize('0')).toBeNull();
  });

  it('reads MemAvailable and SwapFree, and nothing from a kernel without MemAvailable', () => {
    expect(parseMeminfo(MEMINFO)).toEqual({ available: 8000000 * 1024, swapFree: 1000000 * 1024 });
    expect(parseMeminfo('MemTotal: 100 kB\nMemFree: 50 kB\n')).toBeNull();
  });

  it('on Linux: free memory and swap plus what this process holds, no more than the container allows', () => {
    const rss = 100 * 2 ** 20;
    expect(availableMemory({}, system({ '/proc/meminfo': MEMINFO }))).toEqual({ bytes: 9000000 * 1024 + rss, source: 'free memory and swap' });
    // A container limit of 4 GiB with 1 GiB used leaves 3 GiB beside this process's own.
    const limited = system({ '/proc/meminfo': MEMINFO, '/sys/fs/cgroup/memory.max': `${4 * GiB}\n`, '/sys/fs/cgroup/memory.current': `${GiB}\n` });
    expect(availableMemory({}, limited)).toEqual({ bytes: 3 * GiB + rss, source: "the container's memory limit" });
    // No limit set ('max'): the machine's figure.
    expect(availableMemory({}, system({ '/proc/meminfo': MEMINFO, '/sys/fs/cgroup/memory.max': 'max\n', '/sys/fs/cgroup/memory.current': '5\n' }))?.source).toBe('free memory and swap');
  });

  it("elsewhere, or without /proc/meminfo, the machine's memory; a limit the user set; off", () => {
    expect(availableMemory({}, system({}, 'darwin'))).toEqual({ bytes: 16 * GiB, source: "the machine's memory" });
    expect(availableMemory({}, system({}))).toEqual({ bytes: 16 * GiB, source: "the machine's memory" });
    expect(availableMemory({ LUXFUSE_MEMORY_LIMIT: '2G' }, system({ '/proc/meminfo': MEMINFO }))).toEqual({ bytes: 2 * GiB, source: 'LUXFUSE_MEMORY_LIMIT' });
    expect(availableMemory({ LUXFUSE_MEMORY_CHECK: 'off', LUXFUSE_MEMORY_LIMIT: '1M' }, system({}))).toBeNull();
    expect(() => availableMemory({ LUXFUSE_MEMORY_LIMIT: 'lots' }, system({}))).toThrow(/LUXFUSE_MEMORY_LIMIT: 'lots' is not a size/);
  });
});

describe('a bracket too large for the memory available', () => {
  let dir: string;
  let files: string[];
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'luxfuse-memory-'));
    files = writeBracket(dir, { width: 640, height: 480 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    delete process.env.LUXFUSE_MEMORY_LIMIT;
    delete process.env.LUXFUSE_MEMORY_CHECK;
  });

  it('readBracket refuses it once the first frame gives the size; reads it without the check, or with enough memory', async () => {
    // 3 frames of 640 x 480 need about 120-250 MB by the model, whichever method.
    process.env.LUXFUSE_MEMORY_LIMIT = '50M';
    await expect(readBracket(files, { memoryFor: { method: 'learned' } })).rejects.toThrow(NotEnoughMemoryError);
    await expect(readBracket(files, { memoryFor: { method: 'any' } })).rejects.toThrow(/3 frames of 640 x 480 \(0\.3 MP\) need about \d+ MB for merging them, and 52 MB is available \(LUXFUSE_MEMORY_LIMIT\)/);
    expect(await readBracket(files)).toHaveLength(3);
    process.env.LUXFUSE_MEMORY_CHECK = 'off';
    expect(await readBracket(files, { memoryFor: { method: 'learned' } })).toHaveLength(3);
    delete process.env.LUXFUSE_MEMORY_CHECK;
    process.env.LUXFUSE_MEMORY_LIMIT = '1G';
    expect(await readBracket(files, { memoryFor: { method: 'learned' } })).toHaveLength(3);
  });

  it('the CLI refuses it before writing anything, with the reason; a synthesised frame counts', async () => {
    const jpeg = join(dir, 'out.jpg');
    let err = '';
    process.env.LUXFUSE_MEMORY_LIMIT = '50M';
    const code = await runCli(['merge', ...files, '--method', 'mertens', '--jpeg', jpeg], { out: () => undefined, err: (t) => (err += t) });
    expect(code).not.toBe(0);
    expect(err).toMatch(/^luxfuse: not enough memory: 3 frames of 640 x 480 .* for a Mertens merge/);
    expect(existsSync(jpeg)).toBe(false);
    // Between the estimates of 3 and 4 frames: 3 go through, 3 plus a synthesised one do not.
    process.env.LUXFUSE_MEMORY_LIMIT = '165M';
    expect(await runCli(['merge', ...files, '--method', 'mertens', '--jpeg', jpeg], { out: () => undefined, err: () => undefined })).toBe(0);
    err = '';
    expect(await runCli(['merge', ...files, '--method', 'mertens', '--synthesize', 'bright', '--jpeg', join(dir, 'synth.jpg')], { out: () => undefined, err: (t) => (err += t) })).not.toBe(0);
    expect(err).toMatch(/not enough memory: 4 frames/);
  });

  it('the CLI counts deghosting', async () => {
    // Over the plain merge's estimate, under the deghosted one's.
    process.env.LUXFUSE_MEMORY_LIMIT = '200M';
    expect(await runCli(['merge', ...files, '--method', 'mertens', '--jpeg', join(dir, 'plain.jpg')], { out: () => undefined, err: () => undefined })).toBe(0);
    let err = '';
    expect(await runCli(['merge', ...files, '--method', 'mertens', '--deghost', 'auto', '--jpeg', join(dir, 'ghost.jpg')], { out: () => undefined, err: (t) => (err += t) })).not.toBe(0);
    expect(err).toMatch(/not enough memory: .* for a Mertens merge with deghosting/);
    expect(existsSync(join(dir, 'ghost.jpg'))).toBe(false);
  });

  it('the app refuses to open it, for the heaviest method the user could pick, and a full-size merge that deghosts when that does not fit', async () => {
    process.env.LUXFUSE_MEMORY_LIMIT = '50M';
    await expect(new ProjectService().load(files)).rejects.toThrow(/not enough memory: 3 frames of 640 x 480 .* for merging them/);
    // Over the heaviest plain merge's estimate (learned, about 620 MiB here), under a deghosted learned merge's (about 800).
    process.env.LUXFUSE_MEMORY_LIMIT = '700M';
    const service = new ProjectService();
    const { projectId } = await service.load(files);
    const request = { projectId, method: 'learned' as const, previewMaxSide: 320 };
    expect((await service.merge({ ...request, stage: 'preview', deghost: {} })).stage).toBe('preview');
    expect((await service.merge({ ...request, stage: 'full' })).stage).toBe('full');
    await expect(service.merge({ ...request, stage: 'full', deghost: {} })).rejects.toThrow(/not enough memory: .* for a learned merge with deghosting/);
  });
});

/** The memory estimate a merge is checked against before its frames are all decoded (merge-memory.ts). */
import { describe, expect, it } from 'vitest';
import { checkMergeMemory, formatBytes, mergePeakBytes, NotEnoughMemoryError } from '../../../../src-shared/pipeline/merge-memory';
import type { Method } from '../../../../src-shared/pipeline/merge-bracket';

const MiB = 2 ** 20;

describe('mergePeakBytes', () => {
  // The CLI's peak RSS the model was fitted to (BENCHMARKS.md "Memory before a merge starts"), and one it was not: 3 x 100 MP JPEG, Mertens.
  const measured: Array<[Method, number, number, number, number]> = [
    ['mertens', 4240, 2832, 3, 1064 * MiB],
    ['mertens', 4240, 2832, 5, 1493 * MiB],
    ['mertens', 6000, 4000, 3, 2005 * MiB],
    ['radiance', 4240, 2832, 3, 1134 * MiB],
    ['radiance', 4240, 2832, 5, 1367 * MiB],
    ['radiance', 6000, 4000, 3, 1929 * MiB],
    ['learned', 4240, 2832, 3, 1363 * MiB],
    ['learned', 4240, 2832, 5, 1733 * MiB],
    ['learned', 6000, 4000, 3, 2182 * MiB],
    ['mertens', 12240, 8160, 3, 8.4 * 1024 * MiB],
  ];
  it.each(measured)('%s, %i x %i, %i frames: at least what was measured, at most a fifth more', (method, w, h, k, peak) => {
    const estimate = mergePeakBytes(w, h, k, method);
    expect(estimate).toBeGreaterThanOrEqual(peak);
    expect(estimate).toBeLessThanOrEqual(peak * 1.2);
  });

  // With `--deghost auto` (bench/merge-memory.ts --deghost, 2026-12-02 08:55-09:07: the larger of two runs).
  const deghosted: Array<[Method, number, number, number, number]> = [
    ['mertens', 4240, 2832, 3, 1112 * MiB],
    ['mertens', 4240, 2832, 5, 1781 * MiB],
    ['mertens', 6000, 4000, 3, 2179 * MiB],
    ['radiance', 4240, 2832, 3, 1275 * MiB],
    ['radiance', 4240, 2832, 5, 1595 * MiB],
    ['radiance', 6000, 4000, 3, 2148 * MiB],
    ['learned', 4240, 2832, 3, 1486 * MiB],
    ['learned', 4240, 2832, 5, 1983 * MiB],
    ['learned', 6000, 4000, 3, 2179 * MiB],
  ];
  it.each(deghosted)('%s deghosted, %i x %i, %i frames: at least what was measured, at most a quarter more', (method, w, h, k, peak) => {
    const estimate = mergePeakBytes(w, h, k, method, { deghost: true });
    expect(estimate).toBeGreaterThanOrEqual(peak);
    expect(estimate).toBeLessThanOrEqual(peak * 1.25);
    expect(estimate).toBeGreaterThan(mergePeakBytes(w, h, k, method));
  });

  it('grows with the pixels and the frames; "any" is the largest method', () => {
    for (const method of ['mertens', 'radiance', 'learned'] as const) {
      expect(mergePeakBytes(6000, 4000, 3, method)).toBeGreaterThan(mergePeakBytes(4000, 3000, 3, method));
      expect(mergePeakBytes(6000, 4000, 7, method)).toBeGreaterThan(mergePeakBytes(6000, 4000, 3, method));
      expect(mergePeakBytes(6000, 4000, 3, 'any')).toBeGreaterThanOrEqual(mergePeakBytes(6000, 4000, 3, method));
    }
    expect(mergePeakBytes(6000, 4000, 3, 'any')).toBe(mergePeakBytes(6000, 4000, 3, 'learned'));
    expect(mergePeakBytes(12240, 8160, 3, 'any')).toBe(mergePeakBytes(12240, 8160, 3, 'mertens'));
  });

  it('refuses sizes that are no merge', () => {
    expect(() => mergePeakBytes(0, 100, 3, 'mertens')).toThrow(RangeError);
    expect(() => mergePeakBytes(100, 100, 0, 'mertens')).toThrow(RangeError);
    expect(() => mergePeakBytes(100, Number.NaN, 3, 'mertens')).toThrow(RangeError);
  });
});

describe('checkMergeMemory', () => {
  const bracket = { width: 12240, height: 8160, frames: 3, method: 'mertens' as const, source: 'free memory and swap' };

  it('lets a merge through when the estimate fits', () => {
    expect(() => checkMergeMemory({ ...bracket, available: 16e9 })).not.toThrow();
    expect(() => checkMergeMemory({ ...bracket, available: mergePeakBytes(12240, 8160, 3, 'mertens') })).not.toThrow();
  });

  it('refuses one that does not, saying what it needs, what there is, where that figure is from and what to do', () => {
    const error = (() => {
      try {
        checkMergeMemory({ ...bracket, available: 6e9 });
      } catch (e) {
        return e;
      }
    })() as Error;
    expect(error).toBeInstanceOf(NotEnoughMemoryError);
    expect(error.message).toMatch(/^not enough memory: 3 frames of 12240 x 8160 \(100 MP\) need about 9\.\d GB for a Mertens merge, and 6\.0 GB is available \(free memory and swap\)/);
    expect(error.message).toMatch(/merge fewer frames/);
    expect(error.message).toMatch(/LUXFUSE_MEMORY_CHECK=off/);
    expect(() => checkMergeMemory({ ...bracket, method: 'any', available: 1e9 })).toThrow(/need about .* for merging them,/);
    expect(() => checkMergeMemory({ ...bracket, deghost: true, available: 10e9 })).toThrow(/need about 1\d\.\d GB for a Mertens merge with deghosting/);
  });

  it('formats bytes as a file manager does', () => {
    expect(formatBytes(9.24e9)).toBe('9.2 GB');
    expect(formatBytes(640.4e6)).toBe('640 MB');
    expect(formatBytes(10)).toBe('1 MB');
  });
});

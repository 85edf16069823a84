/** The network-output cache (FusionWeightCache): exact inputs only, least recently used first out; and the preview stage's working side. */
import { describe, expect, it } from 'vitest';
import type { FusionInput } from '../../../../src-shared/fusion/fusion-input';
import { defaultWorkingSide, PREVIEW_WORKING_SIDE, workingSideFor } from '../../../../src-shared/fusion/meta';
import { FusionWeightCache } from '../../../../src-shared/fusion/weight-cache';

const input = (seed: number, width = 8, height = 4): FusionInput => ({
  data: Float32Array.from({ length: 2 * width * height }, (_, i) => ((i * 7 + seed) % 13) / 13),
  exposures: 2,
  width,
  height,
  paddedWidth: width,
  paddedHeight: height,
});

describe('FusionWeightCache', () => {
  it('answers an equal input (another array, same samples) and runs the network for one that differs in one sample', async () => {
    const cache = new FusionWeightCache();
    let runs = 0;
    const predict = cache.predictor(async (i) => {
      runs++;
      return i.data.map((v) => v + runs);
    });
    const first = await predict(input(1));
    expect(await predict(input(1))).toBe(first);
    const changed = input(1);
    changed.data[17] += 1e-7;
    expect(await predict(changed)).not.toBe(first);
    expect(runs).toBe(2);
    expect([cache.hits, cache.misses]).toEqual([1, 2]);
    // The same samples in another shape are another input.
    await predict(input(1, 4, 8));
    expect(runs).toBe(3);
  });

  it('keeps the most recently used inputs, up to its capacity', async () => {
    const cache = new FusionWeightCache(2);
    for (const seed of [1, 2]) cache.set(input(seed), new Float32Array(64).fill(seed));
    expect(cache.get(input(1))?.[0]).toBe(1);
    cache.set(input(3), new Float32Array(64).fill(3));
    // 2 was the least recently used: gone; 1 (just read) and 3 stay.
    expect(cache.get(input(2))).toBeUndefined();
    expect(cache.get(input(1))?.[0]).toBe(1);
    expect(cache.get(input(3))?.[0]).toBe(3);
    expect(() => cache.set(input(4), new Float32Array(3))).toThrow(RangeError);
    expect(() => new FusionWeightCache(0)).toThrow(RangeError);
  });
});

describe('workingSideFor', () => {
  it("runs previews at PREVIEW_WORKING_SIDE (or less for long brackets) and full merges at the default side", () => {
    expect(PREVIEW_WORKING_SIDE).toBe(640);
    expect([2, 3, 9, 16].map((k) => workingSideFor(k, 'preview'))).toEqual([640, 640, 591, 512]);
    expect([2, 3, 9, 16].map((k) => workingSideFor(k, 'full'))).toEqual([2, 3, 9, 16].map(defaultWorkingSide));
  });
});

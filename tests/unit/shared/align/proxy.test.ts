import { describe, expect, it } from 'vitest';
import { ALIGN_PROXY_SIDE, alignFrames, coarsenProxy, greyProxy, proxyFactor, suggestReference } from '../../../../src-shared/align';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { alignBracket } from '../../../../src-shared/pipeline/align-bracket';
import { photograph, texturedScene } from './scene';

const scene = texturedScene(150, 101);
const frame = (ev: number, seed: number): LinearImage => photograph(scene, 150, 101, { dx: 0, dy: 0 }, ev, seed);

describe('coarsenProxy', () => {
  it("gives greyProxy's coarser proxy from a finer one: block means, clipped and dark blocks, the clip level", () => {
    for (const ev of [-4, 0, 3]) {
      const f = frame(ev, 20 + ev);
      // 2 x 6 = 12: the coarse grid covers fewer pixels than the fine one (150 / 12 = 12.5), as greyProxy's does.
      const direct = greyProxy(f, 12);
      const derived = coarsenProxy(greyProxy(f, 2), 6);
      expect([derived.width, derived.height, derived.factor]).toEqual([direct.width, direct.height, 12]);
      expect(derived.clip).toBe(direct.clip);
      expect(Array.from(derived.valid)).toEqual(Array.from(direct.valid));
      for (let i = 0; i < direct.grey.length; i++) expect(derived.grey[i]).toBeCloseTo(direct.grey[i], 6);
      expect(Array.from(derived.peak)).toEqual(Array.from(direct.peak));
    }
    // Some blocks of the bright frame are clipped and some of the dark one too dark: the test sees both kinds.
    expect(greyProxy(frame(3, 23), 12).valid.includes(0)).toBe(true);
    expect(greyProxy(frame(-4, 16), 12).valid.includes(0)).toBe(true);
  });

  it('finds the brightest sample again when the frame has no clip level, and keeps a NaN block unusable', () => {
    const f = frame(0, 5);
    const data = f.data.slice();
    data[(40 * 150 + 70) * 3 + 1] = Number.NaN;
    const noClip: LinearImage = { ...f, data, meta: { ...f.meta, clipLevel: undefined } };
    const direct = greyProxy(noClip, 10);
    const derived = coarsenProxy(greyProxy(noClip, 5), 2);
    expect(derived.clip).toBe(direct.clip);
    expect(derived.clipLevel).toBeUndefined();
    expect(derived.valid[4 * direct.width + 7]).toBe(0);
    expect(Array.from(derived.valid)).toEqual(Array.from(direct.valid));
  });

  it('covers a proxy smaller than the coarsening with one block, as greyProxy does a frame smaller than its factor', () => {
    const f = frame(0, 6);
    const derived = coarsenProxy(greyProxy(f, 4), 64);
    const direct = greyProxy(f, 256);
    expect([derived.width, derived.height]).toEqual([1, 1]);
    // The fine proxy covers 148 x 100 of the frame's 150 x 101, greyProxy's one block all of it: close, not equal.
    expect(Math.abs(derived.grey[0] / direct.grey[0] - 1)).toBeLessThan(0.05);
    const fine = greyProxy(f, 4);
    expect(coarsenProxy(fine, 1)).toBe(fine);
    expect(() => coarsenProxy(greyProxy(f, 4), 0)).toThrow(RangeError);
    expect(() => coarsenProxy(greyProxy(f, 4), 1.5)).toThrow(RangeError);
  });
});

describe('one proxy read shared by the reference suggestion and the alignment', () => {
  const evs = [-6, -3, 0, 3, 6];
  const frames = evs.map((ev, i) => frame(ev, 50 + i));

  it('suggests the same reference from given proxies as from the frames', () => {
    const factor = proxyFactor(150, 101, ALIGN_PROXY_SIDE);
    const proxies = frames.map((f) => greyProxy(f, factor));
    expect(suggestReference(frames, proxies)).toBe(suggestReference(frames));
    expect(() => suggestReference(frames, proxies.slice(1))).toThrow(RangeError);
  });

  it('aligns with given proxies exactly as without, and refuses proxies at another factor', () => {
    const moved = [frame(-2, 1), photograph(scene, 150, 101, { dx: 1.5, dy: -1, rotationDeg: 0.3 }, 0, 2), frame(2, 3)];
    const proxies = moved.map((f) => greyProxy(f, 1));
    const given = alignFrames(moved, { reference: 0, proxies });
    const own = alignFrames(moved, { reference: 0 });
    expect(given.report).toEqual(own.report);
    expect(given.transforms).toEqual(own.transforms);
    expect(() => alignFrames(moved, { reference: 0, proxies: moved.map((f) => greyProxy(f, 2)) })).toThrow(/factor 1/);
    expect(() => alignFrames(moved, { reference: 0, proxies: proxies.slice(1) })).toThrow(RangeError);
    // alignBracket builds them once when it must suggest the reference: the same result as with the reference given.
    const auto = alignBracket(moved);
    expect(alignBracket(moved, 'similarity', { reference: auto.reference }).alignment).toEqual(auto.alignment);
  });
});

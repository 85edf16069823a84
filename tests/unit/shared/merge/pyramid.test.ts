import { describe, expect, it } from 'vitest';
import {
  collapse,
  createPlane,
  expand,
  gaussianPyramid,
  laplacianPyramid,
  maxPyramidLevels,
  reduce,
  type FloatPlane,
} from '../../../../src-shared/merge/pyramid';
import { RowReducer } from '../../../../src-shared/merge/pyramid-rows';
import { rng } from './synthetic-bracket';

const K = [1, 4, 6, 4, 1].map((v) => v / 16);

function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

function randomPlane(w: number, h: number, ch: number, seed = 3): FloatPlane {
  const p = createPlane(w, h, ch);
  const r = rng(seed);
  for (let i = 0; i < p.data.length; i++) p.data[i] = r();
  return p;
}

/** Direct 2-D convolution then subsampling: the textbook definition of reduce. */
function naiveReduce(p: FloatPlane): FloatPlane {
  const ow = (p.width + 1) >> 1;
  const oh = (p.height + 1) >> 1;
  const out = createPlane(ow, oh, p.channels);
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++)
      for (let c = 0; c < p.channels; c++) {
        let s = 0;
        for (let j = -2; j <= 2; j++)
          for (let i = -2; i <= 2; i++) {
            s += K[j + 2] * K[i + 2] * p.data[(reflect(2 * y + j, p.height) * p.width + reflect(2 * x + i, p.width)) * p.channels + c];
          }
        out.data[(y * ow + x) * p.channels + c] = s;
      }
  return out;
}

/** Taps of expand along one axis: (c[i-1] + 6c[i] + c[i+1]) / 8 at even x, (c[i] + c[i+1]) / 2 at odd x; OpenCV's borders. */
function expandTaps1d(x: number, n: number): [number, number][] {
  const ci = (i: number) => (i < 0 ? Math.min(1, n - 1) : Math.min(i, n - 1));
  const i = x >> 1;
  return x % 2 === 0
    ? [
        [ci(i - 1), 1 / 8],
        [i, 6 / 8],
        [ci(i + 1), 1 / 8],
      ]
    : [
        [i, 1 / 2],
        [ci(i + 1), 1 / 2],
      ];
}

function naiveExpand(p: FloatPlane, w: number, h: number): FloatPlane {
  const out = createPlane(w, h, p.channels);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < p.channels; c++) {
        let s = 0;
        for (const [yy, wy] of expandTaps1d(y, p.height))
          for (const [xx, wx] of expandTaps1d(x, p.width)) s += wy * wx * p.data[(yy * p.width + xx) * p.channels + c];
        out.data[(y * w + x) * p.channels + c] = s;
      }
  return out;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('pyramid', () => {
  const sizes: [number, number][] = [
    [1, 1],
    [2, 3],
    [5, 4],
    [17, 9],
    [32, 20],
  ];

  it.each(sizes)('reduce matches the direct 2-D definition at %ix%i', (w, h) => {
    for (const ch of [1, 3]) {
      const p = randomPlane(w, h, ch);
      expect(maxDiff(reduce(p).data, naiveReduce(p).data)).toBeLessThan(1e-6);
    }
  });

  it.each(sizes)('expand matches the 2-D definition at %ix%i', (w, h) => {
    for (const ch of [1, 3]) {
      const coarse = randomPlane((w + 1) >> 1, (h + 1) >> 1, ch);
      expect(maxDiff(expand(coarse, w, h).data, naiveExpand(coarse, w, h).data)).toBeLessThan(1e-6);
    }
  });

  it('keeps a constant image constant through reduce and expand', () => {
    const p = createPlane(13, 7, 3);
    p.data.fill(0.25);
    const r = reduce(p);
    expect([r.width, r.height]).toEqual([7, 4]);
    for (const v of r.data) expect(v).toBeCloseTo(0.25, 6);
    for (const v of expand(r, 13, 7).data) expect(v).toBeCloseTo(0.25, 6);
  });

  it('collapses a Laplacian pyramid back to the image, odd sizes included', () => {
    for (const [w, h, ch] of [
      [37, 23, 3],
      [16, 16, 1],
      [3, 50, 3],
    ]) {
      const p = randomPlane(w, h, ch, 11);
      const copy = p.data.slice();
      const lap = laplacianPyramid(p);
      expect(lap.length).toBe(maxPyramidLevels(w, h));
      expect(p.data).toEqual(copy);
      expect(maxDiff(collapse(lap).data, p.data)).toBeLessThan(1e-5);
      expect(maxDiff(collapse(lap, true).data, p.data)).toBeLessThan(1e-5);
    }
  });

  it('halves sizes rounding up down to 1 px', () => {
    const g = gaussianPyramid(createPlane(21, 6, 1));
    expect(g.map((p) => `${p.width}x${p.height}`)).toEqual(['21x6', '11x3', '6x2']);
  });

  it('rejects bad arguments', () => {
    expect(() => gaussianPyramid(createPlane(4, 4, 1), 0)).toThrow(RangeError);
    expect(() => expand(createPlane(3, 3, 1), 8, 8)).toThrow(RangeError);
  });

  it('reduces a plane cut into row bands, each its own RowReducer, to the rows of reducing it whole', () => {
    const rand = rng(5);
    for (const [w, h] of [[37, 41], [20, 64], [9, 7]] as const) {
      const src = createPlane(w, h, 3);
      for (let i = 0; i < src.data.length; i++) src.data[i] = rand();
      const whole = reduce(src);
      const banded = createPlane(whole.width, whole.height, 3);
      const rowLen = w * 3;
      // Inner band edges even, as reducedBand requires; the last band ends at h.
      const edges = [0, 2 * Math.floor(h / 6), 2 * Math.floor(h / 3), h].filter((v, i, a) => i === 0 || v > a[i - 1]);
      for (let b = 0; b + 1 < edges.length; b++) {
        const [y0, y1] = [edges[b], edges[b + 1]];
        const [from, to] = [y0 / 2, y1 === h ? banded.height : y1 / 2];
        const reducer = new RowReducer(w, h, 3, banded, from, to);
        expect(reducer.nextRow).toBe(RowReducer.firstSourceRow(from));
        // Push from its first source row to the row after the band (or the end): what weighFrame encodes.
        for (let y = reducer.nextRow; y < Math.min(h, y1 + 1); y++) reducer.push(src.data, y * rowLen);
      }
      expect(Array.from(banded.data)).toEqual(Array.from(whole.data));
    }
    expect(() => new RowReducer(8, 8, 1, createPlane(4, 4, 1), 3, 2)).toThrow(/bad band/);
    expect(() => new RowReducer(8, 8, 1, createPlane(4, 4, 1), 0, 5)).toThrow(/bad band/);
  });
});


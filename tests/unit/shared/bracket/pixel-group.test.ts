/** Brackets among files without exposure data, found from their pixels (pixel-probe.ts, pixel-group.ts). */
import { describe, expect, it } from 'vitest';
import { groupByPixels, type ProbedShot } from '../../../../src-shared/bracket/pixel-group';
import { compareProbes, probeFromImage, SAME_SCENE_STRUCTURE, type PixelProbe } from '../../../../src-shared/bracket/pixel-probe';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { seededRandom } from '../../helpers/test-images';

const W = 240;
const H = 160;

/** A made-up scene's radiance (mid-grey about 0.18): a lit gradient, rectangles and discs of random brightness, fine texture. */
function scene(seed: number, width = W + 40, height = H): Float32Array {
  const rand = seededRandom(seed);
  const shapes = Array.from({ length: 14 }, () => ({
    disc: rand() < 0.5,
    x: rand() * width,
    y: rand() * height,
    r: 8 + rand() * 40,
    level: 0.02 * 2 ** (rand() * 8),
    tint: [0.7 + rand() * 0.6, 0.7 + rand() * 0.6, 0.7 + rand() * 0.6],
  }));
  const fx = 0.05 + rand() * 0.2;
  const fy = 0.05 + rand() * 0.2;
  const out = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0.05 + 0.3 * (x / width) * (1 - y / height);
      let tint = [1, 1, 1];
      for (const s of shapes) {
        const inside = s.disc ? (x - s.x) ** 2 + (y - s.y) ** 2 < s.r ** 2 : Math.abs(x - s.x) < s.r && Math.abs(y - s.y) < s.r * 0.6;
        if (inside) {
          v = s.level;
          tint = s.tint;
        }
      }
      v *= 1 + 0.25 * Math.sin(x * fx) * Math.sin(y * fy);
      for (let c = 0; c < 3; c++) out[(y * width + x) * 3 + c] = v * tint[c];
    }
  }
  return out;
}

/** An 8-bit sRGB camera frame of `radiance` at `stops` from its base exposure, its window `dx` pixels in. */
function frame(radiance: Float32Array, stops: number, dx = 0, sceneWidth = W + 40): LinearImage {
  const data = new Float32Array(W * H * 3);
  const gain = 2 ** stops;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        const v = Math.min(1, radiance[(y * sceneWidth + x + dx) * 3 + c] * gain);
        const code = Math.round((v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055) * 255) / 255;
        data[(y * W + x) * 3 + c] = code <= 0.04045 ? code / 12.92 : ((code + 0.055) / 1.055) ** 2.4;
      }
    }
  }
  return { width: W, height: H, channels: 3, data, ev: null, meta: { clipLevel: 1 } };
}

function probe(radiance: Float32Array, stops: number, dx = 0): PixelProbe {
  return probeFromImage(frame(radiance, stops, dx));
}

/** frame(), through a camera's S-shaped tone curve (contrast in the mid-tones, a toe and a shoulder) on the sRGB code. */
function cameraProbe(radiance: Float32Array, stops: number): PixelProbe {
  const f = frame(radiance, stops);
  const data = f.data.map((lin) => {
    const v = lin <= 0.0031308 ? lin * 12.92 : 1.055 * lin ** (1 / 2.4) - 0.055;
    const code = Math.round(Math.min(1, Math.max(0, v + 0.05 * Math.sin(2 * Math.PI * (v - 0.5)))) * 255) / 255;
    return code <= 0.04045 ? code / 12.92 : ((code + 0.055) / 1.055) ** 2.4;
  });
  return probeFromImage({ ...f, data });
}

function shots(list: [string, PixelProbe][], times?: number[]): ProbedShot[] {
  return list.map(([file, p], i) => ({ shot: { file, width: W, height: H, ...(times ? { captureTime: times[i] } : {}) }, probe: p }));
}

describe('compareProbes', () => {
  const a = scene(1);
  const b = scene(2);

  it('finds one scene across exposures, and measures how far apart they are', () => {
    for (const step of [1, 2, -2]) {
      const m = compareProbes(probe(a, 0), probe(a, step))!;
      expect(m.structure).toBeGreaterThan(0.9);
      expect(m.correlation).toBeGreaterThan(0.9);
      expect(m.stops).toBeCloseTo(step, 0);
      expect(Math.abs(m.stops - step)).toBeLessThan(0.25);
    }
  });

  it('finds one scene in a frame moved as a handheld bracket moves (a few pixels), and not in a reframed one', () => {
    const moved = compareProbes(probe(a, 0), probe(a, 1, 4))!;
    expect(moved.structure).toBeGreaterThanOrEqual(SAME_SCENE_STRUCTURE);
    expect(moved.shift[0]).not.toBe(0);
    const reframed = compareProbes(probe(a, 0), probe(a, 1, 40));
    expect(reframed === null || !(reframed.structure >= SAME_SCENE_STRUCTURE)).toBe(true);
  });

  it('tells different photographs apart at any exposure', () => {
    for (let seed = 3; seed < 9; seed++) {
      for (const step of [0, 1, -1]) {
        const m = compareProbes(probe(a, 0), probe(scene(seed), step));
        expect(m === null || !(m.structure >= SAME_SCENE_STRUCTURE)).toBe(true);
      }
    }
    expect(compareProbes(probe(a, 0), probe(b, 0))!.structure).toBeLessThan(SAME_SCENE_STRUCTURE);
  });

  it('declines to compare frames of other shapes, or with too little well exposed in both', () => {
    const small = probeFromImage({ ...frame(a, 0), width: W / 2, data: frame(a, 0).data.subarray(0, (W / 2) * H * 3) });
    expect(compareProbes(probe(a, 0), small)).toBeNull();
    // Twelve stops under: black but for nothing.
    expect(compareProbes(probe(a, 0), probe(a, -12))).toBeNull();
  });
});

describe('groupByPixels', () => {
  const a = scene(11);
  const b = scene(12);
  const c = scene(13);

  it('finds each bracket among files by name, with its order and its exposures measured from the pixels', () => {
    const groups = groupByPixels(
      shots([
        ['/card/IMG_0001.jpg', probe(c, 0)],
        ['/card/IMG_0002.jpg', probe(a, -2)],
        ['/card/IMG_0003.jpg', probe(a, 0, 2)],
        ['/card/IMG_0004.jpg', probe(a, 2, 3)],
        ['/card/IMG_0005.jpg', probe(b, 0)],
        ['/card/IMG_0006.jpg', probe(b, -2)],
        ['/card/IMG_0007.jpg', probe(b, 2)],
        ['/card/IMG_0008.jpg', probe(scene(14), 1)],
      ]),
    );
    expect(groups.map((g) => g.files)).toEqual([
      ['/card/IMG_0002.jpg', '/card/IMG_0003.jpg', '/card/IMG_0004.jpg'],
      ['/card/IMG_0005.jpg', '/card/IMG_0006.jpg', '/card/IMG_0007.jpg'],
    ]);
    for (const [i, want] of [
      [0, [-2, 0, 2]],
      [1, [0, -2, 2]],
    ] as const) {
      groups[i].exposureValues.forEach((ev, k) => expect(Math.abs(ev - want[k])).toBeLessThan(0.3));
    }
    expect(groups[0].reason).toMatch(/^3 frames without exposure data in their files, consecutive by file name, one scene by their pixels, exposures -2(\.\d)?\/0\/\+2(\.\d)? EV measured from the pixels, dark to bright$/);
    expect(groups[1].reason).toContain('metered frame first');
    for (const g of groups) expect(g.confidence).toBeLessThanOrEqual(0.65);
  });

  it('leaves out a burst of one exposure, steps under MIN_UNTAGGED_STEP, and frames of another folder or shape', () => {
    expect(groupByPixels(shots([['b1', probe(a, 0)], ['b2', probe(a, 0)], ['b3', probe(a, 0.05)]]))).toEqual([]);
    expect(groupByPixels(shots([['t1', probe(a, 0)], ['t2', probe(a, 0.33)], ['t3', probe(a, 0.66)]]))).toEqual([]);
    expect(groupByPixels(shots([['/x/1.png', probe(a, -2)], ['/y/2.png', probe(a, 0)]]))).toEqual([]);
  });

  it('keeps a long bracket whole though its exposures, measured through a tone curve, step unevenly', () => {
    // Old: 9 frames a stop apart split 6 + 3 (or 3 + 3 + 3), 7 frames two stops apart 3 + 3: each part steps evenly,
    // the whole does not (a stop reads 0.9-1.3 near black or white), and even steps scored higher.
    for (const seed of [12, 15]) {
      const ladder = [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((st, i): [string, PixelProbe] => [`/long/${i + 1}.jpg`, cameraProbe(scene(seed), st)]);
      expect(groupByPixels(shots(ladder)).map((g) => g.files)).toEqual([ladder.map(([f]) => f)]);
    }
    const wide = [-6, -4, -2, 0, 2, 4, 6].map((st, i): [string, PixelProbe] => [`/wide/${i + 1}.jpg`, cameraProbe(scene(11), st)]);
    // The last, six stops over, is white: nothing in it to compare.
    expect(groupByPixels(shots(wide)).map((g) => g.files)).toEqual([wide.slice(0, 6).map(([f]) => f)]);
  });

  it('measures each frame against the one nearest in exposure, so a symmetric bracket measures symmetric', () => {
    // Old: against the frame sharing the most pixels, a tie past the middle (the brighter frame's clipping decides),
    // so +2 was measured against -4, six stops off, and read -4.9/-2.4/0/+1.8/+3.7.
    for (const seed of [11, 13]) {
      const bracket = [-4, -2, 0, 2, 4].map((st, i): [string, PixelProbe] => [`/sym/${i + 1}.jpg`, cameraProbe(scene(seed), st)]);
      const [g] = groupByPixels(shots(bracket));
      expect(g.files).toHaveLength(5);
      const ev = g.exposureValues;
      expect(Math.abs(ev[4] - ev[2] - (ev[2] - ev[0]))).toBeLessThan(0.5);
      expect(Math.abs(ev[3] - ev[2] - (ev[2] - ev[1]))).toBeLessThan(0.5);
    }
  });

  it('orders by capture time where every file has one, and splits where minutes pass between frames', () => {
    const t = Date.UTC(2026, 0, 1, 12);
    const groups = groupByPixels(
      shots(
        [
          ['/d/z.png', probe(a, 2)],
          ['/d/a.png', probe(a, -2)],
          ['/d/m.png', probe(a, 0)],
          ['/d/late.png', probe(a, 4)],
        ],
        [t + 2000, t, t + 1000, t + 600_000],
      ),
    );
    expect(groups.map((g) => g.files)).toEqual([['/d/a.png', '/d/m.png', '/d/z.png']]);
    expect(groups[0].reason).toContain('taken within 2.0 s');
  });
});

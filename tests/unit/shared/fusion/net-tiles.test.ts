/**
 * The fusion network in tiles (src-shared/fusion/net-tiles.ts): the tiles keep every pixel once, read at
 * most the pixels asked, on the network's grid of 4; a local operator whose reach is inside the halo gives
 * the whole run's values, one that reaches beyond does not; and the shipped network (onnxruntime-web
 * WASM) run in tiles gives its whole run's weights.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { NET_HALO, netTiles, runNetTiled, type NetRunner } from '../../../../src-shared/fusion/net-tiles';
import { predictFusionWeights, releaseFusionSessions } from '../../../../src-main/services/fusion-model';
import { mulberry32 } from '../../../../src-shared/random';

afterAll(() => releaseFusionSessions());

describe('netTiles', () => {
  it('keeps each pixel once, reads on the grid of 4 within the image, at most maxPixels, with the halo wherever the image goes on', () => {
    const cases: [number, number, number][] = [
      [1024, 680, 1024 * 680],
      [1024, 680, 300_000],
      [1024, 680, 90_000],
      [680, 1024, 90_000],
      [4096, 64, 70_000],
      [64, 4096, 70_000],
      [1028, 772, 123_456],
      [256, 256, 65_535],
    ];
    for (const [w, h, max] of cases) {
      const tiles = netTiles(w, h, max);
      if (w * h <= max) expect(tiles).toHaveLength(1);
      else expect(tiles.length).toBeGreaterThan(1);
      const kept = new Uint8Array(w * h);
      for (const { read, keep } of tiles) {
        const [rx, ry, rw, rh] = read;
        const [kx, ky, kw, kh] = keep;
        for (const v of read) expect(v % 4, `${w}x${h} / ${max}: read ${read}`).toBe(0);
        expect(rw * rh).toBeLessThanOrEqual(max);
        expect(rx >= 0 && ry >= 0 && rx + rw <= w && ry + rh <= h).toBe(true);
        // The halo: the read reaches NET_HALO past the core, or to the image's edge.
        expect(kx - rx === NET_HALO || rx === 0).toBe(true);
        expect(ky - ry === NET_HALO || ry === 0).toBe(true);
        expect(rx + rw - (kx + kw) === NET_HALO || rx + rw === w).toBe(true);
        expect(ry + rh - (ky + kh) === NET_HALO || ry + rh === h).toBe(true);
        for (let y = ky; y < ky + kh; y++) for (let x = kx; x < kx + kw; x++) kept[y * w + x]++;
      }
      expect(kept.every((c) => c === 1), `${w}x${h} / ${max}: every pixel kept once`).toBe(true);
    }
  });

  it('refuses sizes off the grid of 4 and tiles with no room for a core', () => {
    expect(() => netTiles(1022, 680, 1e5)).toThrow(/multiple of 4/);
    expect(() => netTiles(1024, 680, 1e5, 30)).toThrow(/halo of 30 px/);
    expect(() => netTiles(1024, 680, 220 * 220)).toThrow(/no 32 px core beside its 96 px halo/);
    expect(() => runNetTiled(new Float32Array(10), [1, 2, 4, 4], 16, async (d) => d)).rejects.toThrow(/not 1 x K x H x W/);
  });
});

/** A stand-in network: each exposure's mean over a (2r+1)^2 window, zero outside the tile (as a conv's zero padding). */
function boxNet(r: number): NetRunner {
  return async (data, [, k, h, w]) => {
    const out = new Float32Array(data.length);
    for (let j = 0; j < k; j++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let s = 0;
          for (let dy = -r; dy <= r; dy++) {
            const yy = y + dy;
            if (yy < 0 || yy >= h) continue;
            for (let dx = -r; dx <= r; dx++) {
              const xx = x + dx;
              if (xx >= 0 && xx < w) s += data[j * w * h + yy * w + xx];
            }
          }
          out[j * w * h + y * w + x] = s / (2 * r + 1) ** 2;
        }
      }
    }
    return out;
  };
}

function noise(n: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  return Float32Array.from({ length: n }, () => rand());
}

describe('runNetTiled', () => {
  it("gives the whole run's values for an operator that reaches no further than the halo, and not for one that reaches past it", async () => {
    const [k, h, w] = [2, 120, 148];
    const data = noise(k * h * w, 7);
    const halo = 8;
    const tiledNet = async (r: number) => runNetTiled(data, [1, k, h, w], 56 * 56, boxNet(r), halo);
    const inside = await tiledNet(halo);
    expect(inside.tiles).toBeGreaterThan(8);
    expect(inside.output).toEqual(await boxNet(halo)(data, [1, k, h, w]));
    const past = await tiledNet(halo + 2);
    const whole = await boxNet(halo + 2)(data, [1, k, h, w]);
    let differ = 0;
    for (let i = 0; i < whole.length; i++) if (past.output[i] !== whole[i]) differ++;
    expect(differ).toBeGreaterThan(0);
  });

  it("the shipped fusion network (WASM) in tiles gives its whole run's weights", async () => {
    // A 2-frame and a 3-frame input of smooth shapes and noise, big enough for 6 to 9 tiles of 320 x 320.
    for (const [k, h, w] of [
      [2, 480, 640],
      [3, 560, 424],
    ] as const) {
      const data = noise(k * h * w, k);
      for (let j = 0; j < k; j++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            const i = j * w * h + y * w + x;
            const scene = 0.5 + 0.5 * Math.sin(x / 37) * Math.cos(y / 23);
            data[i] = Math.min(1, scene * 2 ** (j - 1) * 0.9 + 0.1 * data[i]);
          }
        }
      }
      const run: NetRunner = (d, dims) => predictFusionWeights({ data: d, exposures: dims[1], width: dims[3], height: dims[2], paddedWidth: dims[3], paddedHeight: dims[2] });
      const whole = await run(data, [1, k, h, w]);
      const tiled = await runNetTiled(data, [1, k, h, w], 320 * 320, run);
      expect(tiled.tiles).toBeGreaterThanOrEqual(4);
      let max = 0;
      for (let i = 0; i < whole.length; i++) max = Math.max(max, Math.abs(tiled.output[i] - whole[i]));
      expect(max, `${k} x ${h} x ${w} in ${tiled.tiles} tiles`).toBeLessThanOrEqual(1e-5);
      // And with a halo inside the receptive field, the tiles' edges show.
      const short = await runNetTiled(data, [1, k, h, w], 320 * 320, run, 16);
      let shortMax = 0;
      for (let i = 0; i < whole.length; i++) shortMax = Math.max(shortMax, Math.abs(short.output[i] - whole[i]));
      expect(shortMax).toBeGreaterThan(1e-3);
    }
  }, 120_000);
});

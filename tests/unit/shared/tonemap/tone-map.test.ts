import { describe, expect, it } from 'vitest';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { linearToSrgb } from '../../../../src-shared/image/srgb';
import { autoKey, toneMapGlobal } from '../../../../src-shared/tonemap/global';
import { dragoCurve, filmicCurve, reinhardCurve } from '../../../../src-shared/tonemap/operators';
import { ADOBE_RGB_PRIMARIES, iccColorants } from '../../../../src-shared/codecs/icc';
import { srgbToLinear } from '../../../../src-shared/image/srgb';
import { defaultGamut, outputMatrix } from '../../../../src-shared/tonemap/tone-plan';
import { applyTone, prepareTone, toneMap } from '../../../../src-shared/tonemap/tone-map';
import { TONE_OPERATORS, type ToneOperatorName, type ToneSettings } from '../../../../src-shared/tonemap/tone-settings';
import { radianceField } from '../merge/synthetic-bracket';

const W = 64;
const H = 48;
const scene = radianceField(W, H, 12);
const key = autoKey(scene);
const LOCAL: ToneOperatorName[] = ['reinhard-local', 'local-contrast'];

function image(width: number, height: number, data: Float32Array): LinearImage {
  return { width, height, channels: 3, data, ev: null, meta: {} };
}

/** A 256 x 6 ramp from 2^-12 to 2^12 (times a slight tint) along x, the same in every row. */
function ramp(): LinearImage {
  const w = 256;
  const h = 6;
  const data = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const l = 2 ** (-12 + (24 * x) / (w - 1));
      data.set([l * 1.1, l, l * 0.85], (y * w + x) * 3);
    }
  }
  return image(w, h, data);
}

const luma = (d: Uint8ClampedArray, p: number): number => 0.2126 * d[p * 4] + 0.7152 * d[p * 4 + 1] + 0.0722 * d[p * 4 + 2];

function meanLuma(d: Uint8ClampedArray, select: (p: number) => boolean = () => true): number {
  let s = 0;
  let c = 0;
  for (let p = 0; p < d.length / 4; p++) {
    if (!select(p)) continue;
    s += luma(d, p);
    c++;
  }
  return s / c;
}

/** Chroma of an output pixel in codes. */
const chroma = (d: Uint8ClampedArray, p: number): number => Math.max(d[p * 4], d[p * 4 + 1], d[p * 4 + 2]) - Math.min(d[p * 4], d[p * 4 + 1], d[p * 4 + 2]);

function render(op: ToneOperatorName, controls: Partial<ToneSettings> = {}, img = scene, k = key): Uint8ClampedArray {
  return toneMap(img, { operator: op, ...controls } as ToneSettings, { key: k, output: 'srgb' }).data;
}

describe('tone operators', () => {
  it.each(TONE_OPERATORS)('%s is non-decreasing along a radiance ramp, channel by channel', (op) => {
    const img = ramp();
    const out = render(op, {}, img, autoKey(img));
    let backwards = 0;
    for (let y = 0; y < img.height; y++) {
      for (let x = 1; x < img.width; x++) {
        for (let c = 0; c < 3; c++) if (out[(y * img.width + x) * 4 + c] < out[(y * img.width + x - 1) * 4 + c]) backwards++;
      }
    }
    expect(backwards).toBe(0);
    // And the ramp spans the output: from black-ish to white-ish.
    expect(luma(out, 0)).toBeLessThan(40);
    expect(luma(out, img.width - 1)).toBeGreaterThan(230);
  });

  it.each(TONE_OPERATORS)('%s writes opaque bytes for zero, negative, NaN, huge and tiny values without spoiling the rest', (op) => {
    const data = scene.data.slice();
    // Special values in a few pixels of a real scene, so the local filters meet them too.
    const specials: [number, number[]][] = [
      [3, [0, 0, 0]],
      [200, [-1, 0.2, 0.2]],
      [700, [NaN, 0.5, 0.5]],
      [1500, [1e30, 1e30, 1e30]],
      [2100, [1e-30, 1e-30, 1e-30]],
      [2900, [Infinity, Infinity, Infinity]],
    ];
    for (const [p, v] of specials) data.set(v, p * 3);
    const img = image(W, H, data);
    const out = render(op, { exposure: 1, contrast: 0.3, detail: 0.4 }, img);
    const clean = render(op, { exposure: 1, contrast: 0.3, detail: 0.4 });
    for (let i = 3; i < out.length; i += 4) expect(out[i]).toBe(255);
    expect(Array.from(out.subarray(12, 15))).toEqual([0, 0, 0]);
    expect(Array.from(out.subarray(2100 * 4, 2100 * 4 + 3))).toEqual([0, 0, 0]);
    expect(Array.from(out.subarray(1500 * 4, 1500 * 4 + 3))).toEqual([255, 255, 255]);
    expect(Array.from(out.subarray(2900 * 4, 2900 * 4 + 3))).toEqual([255, 255, 255]);
    expect(luma(out, 700)).toBeLessThan(1);
    // Local operators adapt around a 1e30 point (a halo is their nature); the image as a whole stays put.
    let same = 0;
    for (let p = 0; p < W * H; p++) if (Math.abs(luma(out, p) - luma(clean, p)) <= 2) same++;
    expect(same / (W * H)).toBeGreaterThan(LOCAL.includes(op) ? 0.8 : 0.99);
  });

  it.each(['reinhard', 'drago', 'filmic'] as const)('%s at neutral controls is its curve on luminance, colour by ratio (within 1 code)', (op) => {
    const img = ramp();
    const k = autoKey(img);
    const cache = prepareTone(img, k);
    const curve = op === 'reinhard' ? reinhardCurve(6) : op === 'drago' ? dragoCurve(0.85, cache.whiteLum) : filmicCurve('hill');
    const out = applyTone(cache, { operator: op }, { output: 'srgb', gamut: 'hard' }).data;
    for (let p = 0; p < img.width; p++) {
      const [r, g, b] = img.data.subarray(p * 3, p * 3 + 3);
      const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
      const gain = Math.min(1, curve(y * k)) / y;
      if (Math.max(r, g, b) * gain > 1) continue;
      for (const [c, v] of [r, g, b].entries()) expect(Math.abs(out[p * 4 + c] - 255 * linearToSrgb(v * gain))).toBeLessThanOrEqual(1);
    }
  });

  it('Reinhard at neutral controls agrees with toneMapGlobal in radiance mode (within 1 code, away from clipping)', () => {
    const mine = render('reinhard');
    const old = toneMapGlobal(scene, { exposure: 0, contrast: 0, mode: 'radiance', key }).data;
    let compared = 0;
    for (let p = 0; p < W * H; p++) {
      if (Math.max(old[p * 4], old[p * 4 + 1], old[p * 4 + 2]) >= 250) continue;
      compared++;
      for (let c = 0; c < 3; c++) expect(Math.abs(mine[p * 4 + c] - old[p * 4 + c])).toBeLessThanOrEqual(1);
    }
    expect(compared).toBeGreaterThan(W * H * 0.8);
  });

  it("'none' is the plain encode of a displayable image", () => {
    const img = image(3, 1, Float32Array.of(0.18, 0.18, 0.18, 0.5, 0.2, 0.05, 1, 1, 1));
    expect(Array.from(render('none', {}, img, 123))).toEqual([118, 118, 118, 255, 188, 124, 63, 255, 255, 255, 255, 255]);
  });
});

describe('tone controls', () => {
  it.each(TONE_OPERATORS)('explicit neutral controls change nothing, and a nudge changes at most a code (%s)', (op) => {
    const base = render(op);
    const explicit = render(op, { exposure: 0, contrast: 0, highlights: 0, shadows: 0, whitePoint: 0, blackPoint: 0, saturation: 0, vibrance: 0, detail: 0 });
    expect(explicit).toEqual(base);
    for (const name of ['exposure', 'contrast', 'highlights', 'shadows', 'whitePoint', 'blackPoint', 'saturation', 'vibrance', 'detail']) {
      const nudged = render(op, { [name]: 0.002 });
      let worst = 0;
      for (let i = 0; i < base.length; i++) worst = Math.max(worst, Math.abs(nudged[i] - base[i]));
      expect(worst, name).toBeLessThanOrEqual(1);
    }
  });

  it.each(TONE_OPERATORS)('exposure up brightens every pixel (%s)', (op) => {
    const lo = render(op, { exposure: -0.5 });
    const hi = render(op, { exposure: 0.5 });
    let darker = 0;
    for (let p = 0; p < W * H; p++) if (luma(hi, p) < luma(lo, p) - 0.5) darker++;
    expect(darker).toBe(0);
    expect(meanLuma(hi)).toBeGreaterThan(meanLuma(lo) + 5);
  });

  it.each(TONE_OPERATORS)('contrast up spreads the tones around mid-grey (%s)', (op) => {
    const spread = (d: Uint8ClampedArray): number => {
      const m = meanLuma(d);
      let s = 0;
      for (let p = 0; p < W * H; p++) s += (luma(d, p) - m) ** 2;
      return Math.sqrt(s / (W * H));
    };
    expect(spread(render(op, { contrast: 0.6 }))).toBeGreaterThan(spread(render(op)) + 2);
    expect(spread(render(op, { contrast: -0.6 }))).toBeLessThan(spread(render(op)) - 2);
  });

  it.each(TONE_OPERATORS)('shadows up lifts the dark pixels and leaves the bright ones nearly alone (%s)', (op) => {
    const base = render(op);
    const lifted = render(op, { shadows: 0.6 });
    const dark = (p: number): boolean => luma(base, p) < 60;
    const bright = (p: number): boolean => luma(base, p) > 200;
    expect(meanLuma(lifted, dark)).toBeGreaterThan(meanLuma(base, dark) + 8);
    for (let p = 0; p < W * H; p++) if (bright(p)) expect(Math.abs(luma(lifted, p) - luma(base, p))).toBeLessThan(2.5);
  });

  it.each(TONE_OPERATORS)('highlights down darkens the bright pixels and leaves the dark ones nearly alone (%s)', (op) => {
    const base = render(op);
    const recovered = render(op, { highlights: -0.6 });
    const bright = (p: number): boolean => luma(base, p) > 180 && luma(base, p) < 250;
    expect(meanLuma(recovered, bright)).toBeLessThan(meanLuma(base, bright) - 5);
    for (let p = 0; p < W * H; p++) if (luma(base, p) < 50) expect(Math.abs(luma(recovered, p) - luma(base, p))).toBeLessThan(1.5);
  });

  it('white point up brightens and clips the top; black point down crushes the bottom', () => {
    const base = render('reinhard');
    const whites = render('reinhard', { whitePoint: 0.8 });
    const blacks = render('reinhard', { blackPoint: -0.8 });
    const count = (d: Uint8ClampedArray, f: (v: number) => boolean): number => {
      let c = 0;
      for (let p = 0; p < W * H; p++) if (f(luma(d, p))) c++;
      return c;
    };
    expect(meanLuma(whites)).toBeGreaterThan(meanLuma(base) + 5);
    expect(count(whites, (v) => v > 254)).toBeGreaterThan(count(base, (v) => v > 254));
    expect(meanLuma(blacks)).toBeLessThan(meanLuma(base) - 3);
    expect(count(blacks, (v) => v < 1)).toBeGreaterThan(count(base, (v) => v < 1));
    expect(meanLuma(render('reinhard', { blackPoint: 0.8 }), (p) => luma(base, p) < 30)).toBeGreaterThan(meanLuma(base, (p) => luma(base, p) < 30) + 5);
  });

  it.each(TONE_OPERATORS)('saturation -1 gives grey, +0.5 more chroma (%s)', (op) => {
    const grey = render(op, { saturation: -1 });
    for (let p = 0; p < W * H; p++) expect(chroma(grey, p)).toBeLessThanOrEqual(1);
    const base = render(op);
    const vivid = render(op, { saturation: 0.5 });
    let sb = 0;
    let sv = 0;
    for (let p = 0; p < W * H; p++) {
      sb += chroma(base, p);
      sv += chroma(vivid, p);
    }
    expect(sv).toBeGreaterThan(sb * 1.2);
  });

  it('vibrance raises muted colours more than saturated ones, and skin less than other hues', () => {
    // Four patches of equal luminance: muted teal, saturated teal, muted skin, saturated orange.
    const colours = [
      [0.3, 0.4, 0.42],
      [0.05, 0.45, 0.5],
      [0.5, 0.37, 0.3],
      [0.8, 0.32, 0.05],
    ];
    const data = new Float32Array(colours.length * 3);
    colours.forEach((c, i) => {
      const y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
      data.set(c.map((v) => (v * 0.3) / y), i * 3);
    });
    const img = image(colours.length, 1, data);
    const base = render('none', {}, img, 1);
    const vib = render('none', { vibrance: 0.8 }, img, 1);
    const sat = render('none', { saturation: 0.3 }, img, 1);
    const gain = (d: Uint8ClampedArray, p: number): number => chroma(d, p) / chroma(base, p);
    expect(gain(vib, 0)).toBeGreaterThan(gain(vib, 1) + 0.1);
    expect(gain(vib, 1)).toBeGreaterThanOrEqual(1);
    // Muted skin gains less than the equally muted teal; plain saturation treats both alike.
    expect(gain(vib, 2)).toBeLessThan(gain(vib, 0) - 0.1);
    expect(Math.abs(gain(sat, 2) - gain(sat, 0))).toBeLessThan(0.05);
  });

  it.each(TONE_OPERATORS)('local detail up strengthens fine texture (%s)', (op) => {
    const highPass = (d: Uint8ClampedArray): number => {
      let s = 0;
      for (let y = 1; y < H - 1; y++) {
        for (let x = 1; x < W - 1; x++) {
          const p = y * W + x;
          s += Math.abs(4 * luma(d, p) - luma(d, p - 1) - luma(d, p + 1) - luma(d, p - W) - luma(d, p + W));
        }
      }
      return s;
    };
    expect(highPass(render(op, { detail: 0.7 }))).toBeGreaterThan(highPass(render(op)) * 1.2);
    expect(highPass(render(op, { detail: -0.7 }))).toBeLessThan(highPass(render(op)) * 0.9);
  });
});

describe('prepareTone / applyTone', () => {
  it.each(TONE_OPERATORS)('re-render from one cache matches a fresh toneMap, into a reused buffer (%s)', (op) => {
    const cache = prepareTone(scene, key, { operator: op });
    const buf = new Uint8ClampedArray(W * H * 4);
    const moves: Partial<ToneSettings>[] = [{ exposure: 1 }, { detail: 0.5, shadows: 0.3 }, { contrast: -0.4, vibrance: 0.5 }];
    for (const m of moves) {
      const settings = { operator: op, ...m } as ToneSettings;
      const a = applyTone(cache, settings, { output: 'display-p3', out: buf });
      expect(a.data).toBe(buf);
      expect(a.data).toEqual(toneMap(scene, settings, { key, output: 'display-p3' }).data);
    }
  });

  it('rejects bad settings, output spaces, keys and buffers', () => {
    const cache = prepareTone(scene, key);
    expect(() => applyTone(cache, { operator: 'reinhard', shadows: 2 }, { output: 'srgb' })).toThrow(/shadows/);
    expect(() => applyTone(cache, { operator: 'reinhard' }, { output: 'adobe-rgb' as 'srgb' })).toThrow(RangeError);
    expect(() => applyTone(cache, { operator: 'reinhard' }, { output: 'srgb', out: new Uint8ClampedArray(4) })).toThrow(RangeError);
    expect(() => prepareTone(scene, 0)).toThrow(RangeError);
    expect(() => prepareTone({ ...scene, data: new Float32Array(5) }, key)).toThrow(RangeError);
  });

  describe('the gamut mapping a render gets by default', () => {
    /** sRGB codes on the gamut's boundary (a channel at 0 or 255) and inside it, as the linear samples a decoder makes. */
    const CODES = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255], [230, 120, 20], [40, 90, 200], [128, 128, 128]];
    const patches = image(CODES.length, 1, Float32Array.from(CODES.flat().map((c) => srgbToLinear(c / 255))));
    const codes = (d: Uint8ClampedArray): number[][] => CODES.map((_, p) => [d[p * 4], d[p * 4 + 1], d[p * 4 + 2]]);

    it('an image shown as it is (a fusion: operator none) comes out with its own codes, on the gamut boundary too; a soft knee moved them', () => {
      const cache = prepareTone(patches, 1);
      expect(codes(applyTone(cache, { operator: 'none' }, { output: 'srgb' }).data)).toEqual(CODES);
      // The soft knee, asked for: the boundary colours lose 2-3 % of their chroma (red's zero channels read 16).
      const soft = codes(applyTone(cache, { operator: 'none' }, { output: 'srgb', gamut: 'soft' }).data);
      expect(soft[0][1]).toBeGreaterThan(10);
      expect(soft.slice(7)).toEqual(CODES.slice(7));
    });

    it('is soft for tone-mapped radiance and for frames in a wider space than the output; hard for sRGB into Display P3', () => {
      expect(defaultGamut({ operator: 'none' }, outputMatrix('srgb'))).toBe('hard');
      expect(defaultGamut({ operator: 'none' }, outputMatrix('display-p3'))).toBe('hard');
      expect(defaultGamut({ operator: 'filmic' }, outputMatrix('srgb'))).toBe('soft');
      expect(defaultGamut({ operator: 'reinhard' }, outputMatrix('display-p3'))).toBe('soft');
      expect(defaultGamut({ operator: 'none' }, outputMatrix('srgb', iccColorants(ADOBE_RGB_PRIMARIES)))).toBe('soft');
      expect(defaultGamut({ operator: 'none' }, outputMatrix('display-p3', iccColorants(ADOBE_RGB_PRIMARIES)))).toBe('soft');
    });
  });
});


/**
 * Frames in Adobe RGB (our adobeRgbProfile embedded in 8-bit PNGs) are linearised with its 563/256 power, not the sRGB
 * curve: a Display P3 export and an EXR match a conversion written here from the specifications, and an export that
 * keeps the profile gives the frames' codes back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { decodeExr } from '../../../../src-shared/codecs/exr-read';
import { adobeRgbProfile, iccProfile } from '../../../../src-shared/codecs/icc';
import { embeddedIcc } from '../../../../src-shared/codecs/icc-read';
import { decodePng, encodePng } from '../../../../src-shared/codecs/png';
import { decodeTiff } from '../../../../src-shared/codecs/tiff';
import { linearToSrgb } from '../../../../src-shared/image/srgb';

type M3 = number[];
type XY = [number, number];

/** RGB -> XYZ of primaries and white (xy), by the textbook construction (SMPTE RP 177), independent of output-space.ts. */
function rgbToXyz(r: XY, g: XY, b: XY, w: XY): M3 {
  const col = ([x, y]: XY): number[] => [x / y, 1, (1 - x - y) / y];
  const [R, G, B, W] = [col(r), col(g), col(b), col(w)];
  const m = [R[0], G[0], B[0], R[1], G[1], B[1], R[2], G[2], B[2]];
  const s = mul3(inv3(m), W);
  return m.map((v, i) => v * s[i % 3]);
}

function inv3(m: M3): M3 {
  const [a, b, c, d, e, f, g, h, i] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f, d * h - e * g, b * g - a * h, a * e - b * d].map((v) => v / det);
}

function mul3(m: M3, v: number[]): number[] {
  return [0, 1, 2].map((r) => m[r * 3] * v[0] + m[r * 3 + 1] * v[1] + m[r * 3 + 2] * v[2]);
}

function mulM(a: M3, b: M3): M3 {
  return Array.from({ length: 9 }, (_, k) => [0, 1, 2].reduce((s, j) => s + a[Math.floor(k / 3) * 3 + j] * b[j * 3 + (k % 3)], 0));
}

const D65: XY = [0.3127, 0.329];
const ADOBE = rgbToXyz([0.64, 0.33], [0.21, 0.71], [0.15, 0.06], D65);
const P3 = rgbToXyz([0.68, 0.32], [0.265, 0.69], [0.15, 0.06], D65);
const REC709 = rgbToXyz([0.64, 0.33], [0.3, 0.6], [0.15, 0.06], D65);
const ADOBE_TO_P3 = mulM(inv3(P3), ADOBE);
const ADOBE_TO_709 = mulM(inv3(REC709), ADOBE);
/** Adobe RGB (1998) 4.3.1.2: a pure power of 563/256. */
const adobeDecode = (code: number): number => (code / 255) ** (563 / 256);
/** IEC 61966-2-1 encode, as Display P3 uses it. */
const srgbEncode = (v: number): number => (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);

const TILE = 8;
/** Greys from the deepest shadows to white, and colours well inside P3 seen from Adobe RGB (no gamut mapping touches them). */
const PATCHES: [number, number, number][] = [
  ...[0, 2, 5, 10, 15, 20, 30, 40, 50, 64, 80, 100, 118, 140, 160, 180, 200, 220, 240, 255].map((v): [number, number, number] => [v, v, v]),
  [120, 60, 40], [40, 80, 120], [30, 30, 12], [200, 150, 100], [60, 110, 60], [15, 25, 40], [90, 70, 80], [25, 18, 10],
];
const COLS = 7;
const W = COLS * TILE;
const H = Math.ceil(PATCHES.length / COLS) * TILE;

let dir: string;

/** An 8-bit RGB PNG of the patches in TILE-pixel squares, with the Adobe RGB profile. */
function patchPng(): Uint8Array {
  const data = new Uint8Array(W * H * 3);
  PATCHES.forEach((rgb, k) => {
    const x0 = (k % COLS) * TILE;
    const y0 = Math.floor(k / COLS) * TILE;
    for (let y = y0; y < y0 + TILE; y++) for (let x = x0; x < x0 + TILE; x++) data.set(rgb, (y * W + x) * 3);
  });
  return encodePng({ width: W, height: H, channels: 3, bits: 8, data, icc: adobeRgbProfile() });
}

/**
 * Every grey code, and warm and cool colours up to code 200 (further from the gamut's edge than the tone pass's soft
 * gamut mapping reaches: it moves saturated colours, whatever the curve), in RAMP_TILE-pixel squares, in Adobe RGB.
 */
const RAMP_TILE = 6;
const RAMP_COLS = 19;
function rampPng(): { png: Uint8Array; codes: number[][] } {
  const codes = Array.from({ length: 256 }, (_, k) => [k, k, k]);
  for (let k = 0; k <= 200; k += 4) codes.push([k, Math.round(k * 0.8), Math.round(k * 0.6)], [Math.round(k * 0.6), Math.round(k * 0.8), k]);
  const side = RAMP_COLS * RAMP_TILE;
  const data = new Uint8Array(side * side * 3);
  codes.forEach((rgb, k) => {
    const x0 = (k % RAMP_COLS) * RAMP_TILE;
    const y0 = Math.floor(k / RAMP_COLS) * RAMP_TILE;
    for (let y = y0; y < y0 + RAMP_TILE; y++) for (let x = x0; x < x0 + RAMP_TILE; x++) data.set(rgb, (y * side + x) * 3);
  });
  return { png: encodePng({ width: side, height: side, channels: 3, bits: 8, data, icc: adobeRgbProfile() }), codes };
}

const rampCentre = (k: number): number => ((Math.floor(k / RAMP_COLS) * RAMP_TILE + RAMP_TILE / 2) * RAMP_COLS * RAMP_TILE + (k % RAMP_COLS) * RAMP_TILE + RAMP_TILE / 2) * 3;

/** Two identical frames of the same exposure in dir: what a merge gives is the frame itself. */
function frames(name: string, png: Uint8Array): string[] {
  return [1, 2].map((i) => {
    const path = join(dir, `${name}-${i}.png`);
    writeFileSync(path, png);
    return path;
  });
}

async function cli(argv: string[]): Promise<void> {
  let err = '';
  const code = await runCli(argv, { out: () => undefined, err: (t) => (err += t) });
  expect(err).toBe('');
  expect(code).toBe(0);
}

/** The 8-bit codes of a PNG we wrote (decodePng linearises with the sRGB curve; its inverse gives them back exactly). */
function pngCodes(path: string): Uint8Array {
  const img = decodePng(readFileSync(path));
  return Uint8Array.from(img.data, (v) => Math.round(linearToSrgb(v) * 255));
}

const centre = (k: number): number => ((Math.floor(k / COLS) * TILE + TILE / 2) * W + (k % COLS) * TILE + TILE / 2) * 3;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-trc-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('frames in Adobe RGB, linearised with its tone curve', () => {
  it('exports them as Display P3 with the codes of a conversion from the specifications (Adobe 2.2 decode, matrix, sRGB-curve encode), within a code in the shadows too', async () => {
    const out = join(dir, 'p3.png');
    await cli(['merge', ...frames('p3', patchPng()), '--method', 'mertens', '--align', 'off', '--colorspace', 'display-p3', '--png', out]);
    expect(embeddedIcc(readFileSync(out))).toEqual(iccProfile('display-p3'));
    const got = pngCodes(out);
    const off = PATCHES.map((rgb, k) => {
      const want = mul3(ADOBE_TO_P3, rgb.map(adobeDecode)).map((v) => srgbEncode(Math.min(1, Math.max(0, v))) * 255);
      return Math.max(...want.map((w, c) => Math.abs(got[centre(k) + c] - w)));
    });
    // Read with the sRGB curve these were 7.3 codes off at grey 10, 8.5 at grey 15, 3.6 at grey 50 and 8.5 at 15/25/40.
    PATCHES.forEach((rgb, k) => expect(off[k], `patch ${rgb.join(',')}`).toBeLessThanOrEqual(1));
  });

  it('gives the frames\' codes back, within a code, from an sRGB export that keeps their profile (PNG, 16-bit TIFF)', async () => {
    const { png, codes } = rampPng();
    const out = join(dir, 'kept');
    await cli(['merge', ...frames('kept', png), '--method', 'mertens', '--align', 'off', '--png', `${out}.png`, '--tiff', `${out}.tif`]);
    expect(embeddedIcc(readFileSync(`${out}.png`))).toEqual(adobeRgbProfile());
    expect(embeddedIcc(readFileSync(`${out}.tif`))).toEqual(adobeRgbProfile());
    const got = pngCodes(`${out}.png`);
    // The TIFF's 16-bit codes, in 8-bit levels (decodeTiff reads them with the sRGB curve: undone here).
    const tiff = decodeTiff(readFileSync(`${out}.tif`));
    let worst = 0;
    let worst16 = 0;
    codes.forEach((rgb, k) => {
      for (let c = 0; c < 3; c++) {
        worst = Math.max(worst, Math.abs(got[rampCentre(k) + c] - rgb[c]));
        worst16 = Math.max(worst16, Math.abs(linearToSrgb(tiff.data[rampCentre(k) + c]) * 255 - rgb[c]));
      }
    });
    expect(worst).toBeLessThanOrEqual(1);
    expect(worst16).toBeLessThanOrEqual(1);
  });

  it('writes their EXR in linear Rec. 709 primaries matching the conversion from the specifications within 1e-3 of the pixel', async () => {
    const out = join(dir, 'adobe.exr');
    await cli(['merge', ...frames('exr', patchPng()), '--method', 'radiance', '--align', 'off', '--exposure-times', '1/60,1/60', '--exr-float', '--exr', out]);
    const exr = decodeExr(readFileSync(out));
    PATCHES.forEach((rgb, k) => {
      if (rgb[0] === 0 && rgb[1] === 0 && rgb[2] === 0) return;
      const want = mul3(ADOBE_TO_709, rgb.map(adobeDecode));
      const scale = Math.max(...want.map(Math.abs));
      const got = [0, 1, 2].map((c) => exr.data[centre(k) + c]);
      const worst = Math.max(...got.map((g, c) => Math.abs(g - want[c]) / scale));
      // Read with the sRGB curve: 3.8 times the light at grey 10, 15% over at grey 50, 1.4% off at grey 118.
      expect(worst, `patch ${rgb.join(',')}: ${got.map((g) => g.toPrecision(5)).join(' ')} for ${want.map((g) => g.toPrecision(5)).join(' ')}`).toBeLessThan(1e-3);
    });
  });
});

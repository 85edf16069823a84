import { describe, expect, it } from 'vitest';
import { autoExposureGain, claheOnLuma, correctBaseline } from '../../../../src-shared/correct/baseline';
import { clahe } from '../../../../src-shared/correct/clahe';
import { linearToCodes, renderCorrectionPair } from '../../../../src-shared/correct/render-pair';
import { decodeJpeg } from '../../../../src-shared/codecs/jpeg';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { srgb8ToLinearLut } from '../../../../src-shared/image/srgb';
import type { Image8 } from '../../../../src-shared/metrics/grey';
import { psnr } from '../../../../src-shared/metrics/psnr';

function planeOf(width: number, height: number, f: (x: number, y: number) => number): Uint8Array {
  const p = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) p[y * width + x] = Math.min(255, Math.max(0, Math.round(f(x, y))));
  return p;
}

function linear(width: number, height: number, f: (x: number, y: number) => [number, number, number]): LinearImage {
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 3);
  return { width, height, channels: 3, data, ev: null, meta: {} };
}

const std = (p: Uint8Array): number => {
  const m = p.reduce((s, v) => s + v, 0) / p.length;
  return Math.sqrt(p.reduce((s, v) => s + (v - m) ** 2, 0) / p.length);
};

/**
 * cv2.createCLAHE(clipLimit=3.0, tileGridSize=(3, 2)).apply(p) from OpenCV 4.6.0, for the 37x29 plane
 * p = (60 + 3x + 2y + 4 ((x y) mod 11)) mod 256: a size that needs the reflected extension, as hex.
 */
const OPENCV_GOLDEN = '16191e23292c33373c3f404345444544423e3c3b3c3f454b4f5255575858585755565e666f1823303c4d627787949ea84750586066717d8894a2b04a58646f7984909daab6c75a6f81961b2c446283a24460798ea34c5d6e8296aa4e607892aa4f667c90a8bd65778fa8c1617fa0bf1e385f8b3b628fb45d7e9e4f6a88a4557191b25a81a4547494b46884a5c57295ba6691bce221477c386ba2598db96e985479a05a82aa608dbc709e5884ae6b92bd75a1cd84b56ba3d69125569a5ca062a6649e60945887b47dac71a666a05e995e91c48abf84ba7db575af72b3eab829673b8554a270ba84be8d5d98649f6baa76b783c89463a372af7cbd8cc999d9ab77c594de2a7a54ae8862bc9267b38961a57cbe9a71b99366b98f68b189d0ac84caa77fcca67bd4affe30896e55baa08669c1a18264b19575c0a88a6ac3a6876bbea383d1bb9e80d4ba9d7fe0cab1319688796a5dc8b7a38e7a66b9a796826dc6b7a3917f6ec6b6a59480d6c8b8a69282e8ded233a29f9c9a96948e847a7167c1b8b0a8a0968e857d756fd1cac2bab3aaa299928a83f4f0ed363b43474f565e63656769696969696868686867696d71737576787a7c7e7d7f80858d959c384556677a8ca0b0b7bcc36b757d868e98a2afbcc7d0727d8a959faab5c0ccd7e68698abbe39506b87a6c16b849caebc6c7f91a2b4c774879eb6c973899fb2c4d6889bb0c8dd86a3c2dc3b5980aa5d82acc77d9db66d8aa2bd7790afcb7ea3c07395b2cb86a2bed993b3d486afd6f03c64985686b977a6c98aae6e92b5789ac27ea9d18eb7759fc387abd191b9df9fca86bae7aa3d6fad75b279b67cb176a56f9cc793c188bb7eb778af75a8d5a2cf9aca92c68bc187c4f3ca3e79519668b182c494ca9f70a67ab080bc8ac997d6a878b486be91cb9cd6a8e4b988d1a2e73e8663b6956fc39f76bc9672b28bcca980c8a177c69f79bf99dab892d5b18bd5ae88dcbafc3e937861c1aa9074c9aa8e72bda083cfb69978d0b3967ac9af91dbc5a88bdbc1a488e5d2b73d9f90837465d3c2ad988574c9b5a38e78d5c5b29f8c7bd5c2b19e8adfd1c0ae9a88f0e5db3dacaaa6a4a29e988f867d74d3cbc2b9b0a69d9389837ce1d9d0c7c0b5aca3988f89faf8f63d41474d565b636a6e717375757472727170717175797c7f81818282818482838489929ba43d4b5c70859cb1c1ccd3dc787f8a969facb7c3d3dde9808b97a3adbbc4cfdce8f58da2b8cd41597a9cbcda7a98b0c6d87c8fa6bbcce0869db6d0e6859bb2cad7e795adc1dbf294b4d6f2456a98c56e9cc9e793b7d480a1bfd78bacccea99bfdf8aaccde29abbd6f0a8caee99c7efff487cb76aa5da92c8eaa6ce85b1d490bbe09ccaf3aed98fbce09ec9e7abd3f7bae8a0d9fcc74e8fd395d89cdd9dd594ca8bbfe5b5e1acdea3db9bd595cbeec3eabbe6b1e4aae5a6e705ed54a16ec08cdaaaebbdecc590ce9bd4a5e0b2efc2f7cf9adba8dfb2e7bff3cdfcdeabf5cbfe';

describe('clahe', () => {
  it('reproduces OpenCV createCLAHE(3.0, (3, 2)) code for code on a plane that needs extending', () => {
    const p = planeOf(37, 29, (x, y) => (60 + 3 * x + 2 * y + 4 * ((x * y) % 11)) % 256);
    const out = clahe(p, 37, 29, { clipLimit: 3, tilesX: 3, tilesY: 2 });
    expect(Buffer.from(out).toString('hex')).toBe(OPENCV_GOLDEN);
  });

  it('spreads the histogram of a low-contrast plane', () => {
    const p = planeOf(200, 160, (x, y) => 110 + 12 * Math.sin(x / 13) * Math.cos(y / 9) + (x % 7) - 3);
    const out = clahe(p, 200, 160);
    expect(std(out)).toBeGreaterThan(1.5 * std(p));
    expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(Math.max(...p) - Math.min(...p));
  });

  it('leaves a uniform plane uniform, within a few codes of its level', () => {
    for (const v of [30, 128, 220]) {
      const out = clahe(new Uint8Array(256 * 256).fill(v), 256, 256);
      expect(new Set(out).size).toBe(1);
      expect(Math.abs(out[0] - v)).toBeLessThanOrEqual(4);
    }
  });

  it('interpolates between tiles without seams: a smooth plane stays smooth across tile borders', () => {
    const w = 240;
    const h = 200;
    const p = planeOf(w, h, (x, y) => 40 + 0.5 * x + 0.3 * y + 30 * Math.sin(x / 40 + y / 30));
    const out = clahe(p, w, h);
    let borderJump = 0;
    let innerJump = 0;
    const tileW = w / 8;
    for (let y = 0; y < h; y++) {
      for (let x = 1; x < w; x++) {
        const d = Math.abs(out[y * w + x] - out[y * w + x - 1]);
        if (x % tileW === 0) borderJump = Math.max(borderJump, d);
        else innerJump = Math.max(innerJump, d);
      }
    }
    expect(innerJump).toBeLessThanOrEqual(6);
    expect(borderJump).toBeLessThanOrEqual(innerJump);
  });

  it('keeps the order of values where a single tile LUT applies unmixed (the corner quarter-tile)', () => {
    const w = 160;
    const h = 128;
    const p = planeOf(w, h, (x, y) => 80 + 40 * Math.sin(x / 3) + 30 * Math.cos(y / 2) + ((x * y) % 13));
    const out = clahe(p, w, h);
    // Tiles are 20x16: pixels with x < 10.5 and y < 8.5 take tile (0, 0)'s LUT unmixed.
    const pairs: [number, number][] = [];
    for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) pairs.push([p[y * w + x], out[y * w + x]]);
    pairs.sort((u, v) => u[0] - v[0]);
    const inversions = pairs.filter((q, i) => i > 0 && q[1] < pairs[i - 1][1]).length;
    expect(inversions).toBe(0);
    expect(new Set(pairs.map((q) => q[0])).size).toBeGreaterThan(20);
  });

  it('rejects bad sizes and grids', () => {
    expect(() => clahe(new Uint8Array(10), 4, 4)).toThrow(RangeError);
    expect(() => clahe(new Uint8Array(16), 4, 4, { tilesX: 0 })).toThrow(RangeError);
  });
});

describe('claheOnLuma', () => {
  it('keeps grey pixels grey and the R:G:B ratios of coloured ones', () => {
    const w = 64;
    const h = 64;
    const data = new Uint8Array(w * h * 3);
    for (let p = 0; p < w * h; p++) {
      const l = 60 + ((p * 7) % 50);
      data.set(p % 2 ? [l, l, l] : [l, Math.round(l * 0.7), Math.round(l * 0.4)], p * 3);
    }
    const out = claheOnLuma({ width: w, height: h, data });
    let worstGrey = 0;
    let worstRatio = 0;
    for (let p = 0; p < w * h; p++) {
      const [r, g, b] = out.data.subarray(p * 3, p * 3 + 3);
      if (p % 2) worstGrey = Math.max(worstGrey, Math.abs(r - g), Math.abs(g - b));
      else worstRatio = Math.max(worstRatio, Math.abs(g / r - data[p * 3 + 1] / data[p * 3]), Math.abs(b / r - data[p * 3 + 2] / data[p * 3]));
    }
    expect(worstGrey).toBe(0);
    expect(worstRatio).toBeLessThan(0.02); // rounding to whole codes only
  });

  it('on a grey image is CLAHE of the grey plane itself', () => {
    const p = planeOf(50, 40, (x, y) => 90 + x + ((x * y) % 9));
    const rgb = new Uint8Array(50 * 40 * 3);
    p.forEach((v, i) => rgb.set([v, v, v], i * 3));
    const out = claheOnLuma({ width: 50, height: 40, data: rgb });
    const expected = clahe(p, 50, 40);
    expect(Array.from({ length: p.length }, (_, i) => out.data[i * 3])).toEqual(Array.from(expected));
  });
});

describe('autoExposureGain', () => {
  it('scales the median Rec.709 luminance to 0.18, clamped to [1/64, 64]', () => {
    expect(autoExposureGain(linear(9, 9, () => [0.045, 0.045, 0.045]))).toBeCloseTo(4, 6);
    expect(autoExposureGain(linear(9, 9, () => [0.72, 0.72, 0.72]))).toBeCloseTo(0.25, 6);
    expect(autoExposureGain(linear(9, 9, () => [1e-4, 1e-4, 1e-4]))).toBe(64);
    expect(autoExposureGain(linear(9, 9, () => [0, 0, 0]))).toBe(64);
    expect(autoExposureGain(linear(9, 9, () => [100, 100, 100]))).toBe(1 / 64);
  });
});

describe('correctBaseline', () => {
  const scene = (): LinearImage =>
    linear(96, 64, (x, y) => {
      const l = 2 ** (3 * Math.sin(x / 11) * Math.cos(y / 8));
      return [l, l * 0.9, l * 0.6];
    });

  it('without CLAHE undoes a -2 stop exposure error of a noise-free frame almost exactly', () => {
    const pair = renderCorrectionPair(scene(), { stops: -2, shot: 0, read: 0, quality: 95, seed: 1 });
    const input = decodeJpeg(pair.inputJpeg);
    const before = psnr(linearToCodes(input), pair.truth);
    const fixed = correctBaseline(input, { clahe: false });
    expect(fixed.gain).toBeGreaterThan(3.6);
    expect(fixed.gain).toBeLessThan(4.4);
    expect(psnr(fixed.codes, pair.truth)).toBeGreaterThan(before + 10);
    expect(psnr(fixed.codes, pair.truth)).toBeGreaterThan(30);
  });

  it('with CLAHE changes the tones of the exposure-corrected frame and returns its linear twin', () => {
    const pair = renderCorrectionPair(scene(), { stops: 2.5, shot: 1e-3, read: 1e-3, quality: 90, seed: 2 });
    const input = decodeJpeg(pair.inputJpeg);
    const plain = correctBaseline(input, { clahe: false });
    const full = correctBaseline(input);
    expect(full.gain).toBe(plain.gain);
    expect(psnr(full.codes, plain.codes)).toBeLessThan(45);
    const lut = srgb8ToLinearLut();
    expect(Array.from(full.ldr.data)).toEqual(Array.from(full.codes.data, (c) => lut[c]));
    expect([full.ldr.width, full.ldr.height, full.ldr.channels]).toEqual([96, 64, 3]);
  });

  it('rejects grey input', () => {
    const grey: LinearImage = { width: 4, height: 4, channels: 1, data: new Float32Array(16), ev: null, meta: {} };
    expect(() => correctBaseline(grey)).toThrow(RangeError);
    const codes: Image8 = { width: 4, height: 4, data: new Uint8Array(16) };
    expect(() => claheOnLuma(codes)).toThrow(RangeError);
  });
});

/**
 * Frames in Adobe RGB in Debian's Chromium against the built renderer, with main's real services behind the test
 * host: the merge reports their space, the preview shows them converted from it (more saturated than the same codes
 * read as sRGB), and the frame view's thumbnail is converted too. Two brackets with identical samples are written,
 * one with an Adobe RGB (1998) profile embedded, one without.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ADOBE_RGB_PRIMARIES, adobeRgbProfile } from '../../../src-shared/codecs/icc';
import { encodeJpeg } from '../../../src-shared/codecs/jpeg';
import type { LinearImage } from '../../../src-shared/image/linear-image';
import { linearToSrgb, srgbToLinear } from '../../../src-shared/image/srgb';
import { conversionMatrix, SRGB_PRIMARIES } from '../../../src-shared/tonemap/output-space';
import { photograph, renderScene } from '../../../scripts/make-sample';
import { openApp, startAppHost } from '../app-page';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS } from '../paths';

const W = 240;
const H = 160;
const TIMES = [1 / 250, 1 / 60, 1 / 15];
let host: TestHost;
let root: string;
const dirs = { adobe: '', plain: '' };

test.beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'luxfuse-colour-e2e-'));
  const scene = renderScene(W, H);
  for (const kind of ['adobe', 'plain'] as const) {
    const dir = (dirs[kind] = join(root, kind));
    mkdirSync(dir);
    TIMES.forEach((time, i) => {
      const exif = { exposureTime: time, fNumber: 8, iso: 100, make: 'Luxfuse', model: 'Test', dateTimeOriginal: `2026:01:01 12:00:0${i}`, colorSpace: 'uncalibrated' as const };
      const pixels = photograph(scene, W, H, time, 7 + i);
      writeFileSync(join(dir, `IMG_${i + 1}.jpg`), encodeJpeg({ width: W, height: H, data: pixels }, { quality: 95, exif, ...(kind === 'adobe' ? { icc: adobeRgbProfile() } : {}) }));
    });
  }
});
guardOriginals(() => [dirs.adobe, dirs.plain]);
// After the originals' check (hooks run in the order they were registered).
test.afterAll(() => rmSync(root, { recursive: true, force: true }));

test.beforeEach(async () => {
  host = await startAppHost();
});
test.afterEach(async () => host?.close());

/**
 * The preview canvas's pixels as sRGB (linear), converted by Chromium from the canvas's own space (getImageData with
 * colorSpace 'srgb'). Not a screenshot: headless Chromium's screenshots carry a Display P3 canvas's codes unconverted
 * (measured: within 0.5 code of Adobe RGB -> P3 codes, 6 from the sRGB conversion), which a display does not.
 */
async function shot(page: Page): Promise<LinearImage> {
  const { width, height, codes } = await page.evaluate(() => {
    const canvas = document.querySelector('canvas[data-testid=preview]') as HTMLCanvasElement;
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height, { colorSpace: 'srgb' });
    return { width: canvas.width, height: canvas.height, codes: Array.from(data) };
  });
  return { width, height, channels: 4, data: Float32Array.from(codes, (c) => srgbToLinear(c / 255)), ev: null, meta: {} };
}

/** Adobe RGB (1998)'s tone curve: a pure gamma of 563/256 (2.2). */
const ADOBE_GAMMA = 563 / 256;

/**
 * How far the Adobe RGB bracket's preview is from the sRGB-tagged one's codes read as Adobe RGB and converted to sRGB
 * (the same samples, so the same merge), in sRGB codes, over pixels that stay inside sRGB; and how far it is from the
 * sRGB-tagged one unconverted (what the preview showed before it converted).
 */
function compare(plain: LinearImage, adobe: LinearImage): { converted: number; p99: number; unconverted: number; pixels: number } {
  const m = conversionMatrix(ADOBE_RGB_PRIMARIES, SRGB_PRIMARIES);
  const ch = plain.channels;
  const diffs: number[] = [];
  let unconverted = 0;
  // The same codes read as Adobe RGB: its tone curve (gamma 563/256, as adobeRgbProfile has it), not sRGB's.
  const asAdobe = (v: number): number => linearToSrgb(v) ** ADOBE_GAMMA;
  for (let i = 0; i < plain.data.length; i += ch) {
    const [r, g, b] = [asAdobe(plain.data[i]), asAdobe(plain.data[i + 1]), asAdobe(plain.data[i + 2])];
    const want = [0, 1, 2].map((k) => m[3 * k] * r + m[3 * k + 1] * g + m[3 * k + 2] * b);
    if (want.some((v) => v < 0.005 || v > 0.95)) continue;
    let worst = 0;
    let before = 0;
    for (let k = 0; k < 3; k++) {
      const shown = 255 * linearToSrgb(adobe.data[i + k]);
      worst = Math.max(worst, Math.abs(shown - 255 * linearToSrgb(want[k])));
      before = Math.max(before, Math.abs(shown - 255 * linearToSrgb(plain.data[i + k])));
    }
    diffs.push(worst);
    unconverted += before;
  }
  diffs.sort((a, b) => a - b);
  const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
  return { converted: mean, p99: diffs[Math.floor(0.99 * (diffs.length - 1))], unconverted: unconverted / diffs.length, pixels: diffs.length };
}

async function openBracket(page: Page, dir: string): Promise<void> {
  const errors = await openApp(page, host);
  host.dialogs.opens.push(TIMES.map((_, i) => join(dir, `IMG_${i + 1}.jpg`)));
  await page.getByTestId('open').click();
  await page.getByTestId('method').selectOption('mertens');
  await expect(page.getByTestId('merge-info')).toContainText('Exposure fusion');
  await expect(page.getByTestId('preview')).toHaveAttribute('data-tone-path', /cpu|gpu/);
  expect(errors).toEqual([]);
}

test('Adobe RGB frames: the merge info names their space and the preview shows them converted from it', async ({ page }) => {
  await openBracket(page, dirs.plain);
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await expect(page.getByTestId('colour-space')).toHaveCount(0);
  const plain = await shot(page);

  await page.close();
  await host.close();
  host = await startAppHost();
  const next = await page.context().newPage();
  await openBracket(next, dirs.adobe);
  // Named beside the merge's size; nothing to warn about, since nothing reads the frames as sRGB any more.
  await expect(next.getByTestId('colour-space')).toHaveText('· Adobe RGB (1998)');
  await expect(next.getByTestId('notice')).toHaveCount(0);
  const adobe = await shot(next);
  await next.screenshot({ path: join(ARTIFACTS, 'colour-space-adobe.png') });
  expect([adobe.width, adobe.height]).toEqual([plain.width, plain.height]);
  const d = compare(plain, adobe);
  console.log(`[colour] Adobe RGB preview against the sRGB one converted from Adobe RGB: mean ${d.converted.toFixed(2)}, 99th percentile ${d.p99.toFixed(2)} codes; unconverted ${d.unconverted.toFixed(2)} codes (${d.pixels} pixels)`);
  expect(d.pixels).toBeGreaterThan(0.5 * adobe.width * adobe.height);
  // The conversion goes through a Display P3 canvas, its soft gamut knee and Chromium's P3 -> sRGB: within a few codes.
  // The two merges are not quite one: the fusion blends linear light, which the Adobe frames' curve (gamma 2.2) and the
  // sRGB ones' make a little different where frames mix (measured: mean 1.21, 99th percentile 4.49 codes; 0.73 and
  // 1.42 while both were read with sRGB's curve).
  expect(d.converted).toBeLessThan(1.5);
  expect(d.p99).toBeLessThan(6);
  // Read as sRGB (as before) the preview would be the sRGB one: the check above could not pass by that.
  expect(d.unconverted).toBeGreaterThan(3 * d.converted + 2);
});

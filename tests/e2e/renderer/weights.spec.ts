/**
 * The weights overlay in Debian's Chromium against the built renderer, with main's real services
 * behind the test host, on the bundled sample bracket: a frame's "Weights" toggle in the Exposures
 * list draws that frame's weight map over the image with a legend, one frame at a time (W hides and
 * shows it again); the maps of two frames differ; another method and a frame left out of the merge
 * change the map shown, the frame left out has no toggle; a radiance merge says it has none. The
 * originals stay byte for byte as they were.
 */
import { basename, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openApp, startAppHost } from '../app-page';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, SAMPLES } from '../paths';

let host: TestHost;

test.beforeAll(async () => {
  host = await startAppHost();
});
test.afterAll(async () => host?.close());
guardOriginals(() => SAMPLES);

/** The overlay canvas's RGBA pixels. */
const overlayPixels = (page: Page): Promise<number[]> =>
  page.getByTestId('weights-overlay').evaluate((canvas: HTMLCanvasElement) => Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data));

/** Mean absolute difference of two RGBA pixel lists, 0..255. */
function meanDiff(a: number[], b: number[]): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d / a.length;
}

/** The overlay's pixels once it shows `frame` (index in the merge) with a mean weight other than `notShare` (a new merge has arrived). */
async function overlayOf(page: Page, frame: number, notShare?: string): Promise<number[]> {
  const overlay = page.getByTestId('weights-overlay');
  await expect(overlay).toBeVisible();
  await expect(overlay).toHaveAttribute('data-frame', String(frame));
  if (notShare !== undefined) await expect(overlay).not.toHaveAttribute('data-share', notShare);
  return overlayPixels(page);
}

test("a frame's weights over the image: toggled by its label, one at a time, W, refreshed by another method and by a frame left out", async ({ page }) => {
  // Six merges, two of them learned and two after opening the bracket again: slow on a loaded 2-core machine.
  test.setTimeout(540_000);
  const errors = await openApp(page, host);
  host.dialogs.opens.push(SAMPLES);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  // Exposure fusion first (its maps are the most distinct per frame), then learned below.
  await page.getByTestId('method').selectOption('mertens');
  await expect(page.getByTestId('merge-info')).toContainText('Exposure fusion');
  const [first, second, third] = SAMPLES.map((p) => basename(p));
  const toggle = (name: string) => page.getByRole('button', { name: `Weights of ${name}` });
  const overlay = page.getByTestId('weights-overlay');
  const legend = page.getByTestId('weights-legend');
  await expect(overlay).toHaveCount(0);
  await expect(toggle(first)).toHaveAttribute('aria-pressed', 'false');

  // The darkest frame's weights: on the preview's grid, over the image, with the legend.
  await toggle(first).click();
  await expect(toggle(first)).toHaveAttribute('aria-pressed', 'true');
  const darkest = await overlayOf(page, 0);
  const preview = page.getByTestId('preview');
  expect(await overlay.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual(await preview.evaluate((c: HTMLCanvasElement) => [c.width, c.height]));
  const [over, under] = [(await overlay.boundingBox())!, (await preview.boundingBox())!];
  for (const k of ['x', 'y', 'width', 'height'] as const) expect(over[k]).toBeCloseTo(under[k], 0);
  await expect(legend).toContainText(`Weights · ${first}`);
  await expect(legend).toContainText('weight 0');
  await page.screenshot({ path: join(ARTIFACTS, 'weights-darkest.png') });

  // The brightest frame's: the first toggle goes off (one at a time), the map differs.
  await toggle(third).click();
  await expect(toggle(third)).toHaveAttribute('aria-pressed', 'true');
  await expect(toggle(first)).toHaveAttribute('aria-pressed', 'false');
  const brightest = await overlayOf(page, 2);
  expect(meanDiff(darkest, brightest)).toBeGreaterThan(10);
  await expect(legend).toContainText(`Weights · ${third}`);
  await page.screenshot({ path: join(ARTIFACTS, 'weights-brightest.png') });

  // W hides it and shows the last frame's again.
  await page.getByTestId('viewer').focus();
  await page.keyboard.press('w');
  await expect(overlay).toHaveCount(0);
  await expect(toggle(third)).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('w');
  await expect(toggle(third)).toHaveAttribute('aria-pressed', 'true');
  await overlayOf(page, 2);

  // Another method: the overlay follows the new merge's weights.
  const mertensShare = (await overlay.getAttribute('data-share'))!;
  await page.getByTestId('method').selectOption('learned');
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  const learned = await overlayOf(page, 2, mertensShare);
  expect(meanDiff(brightest, learned)).toBeGreaterThan(2);
  await page.screenshot({ path: join(ARTIFACTS, 'weights-learned.png') });

  // The darkest frame left out: it has no toggle any more, the brightest frame's map changes (it now covers more).
  const learnedShare = Number(await overlay.getAttribute('data-share'));
  await page.getByRole('checkbox', { name: `Use ${first} in the merge` }).uncheck();
  await expect(page.getByTestId('left-out-frame')).toContainText(first);
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await expect(toggle(first)).toHaveCount(0);
  await expect(toggle(second)).toBeVisible();
  const without = await overlayOf(page, 1, learnedShare.toFixed(4));
  expect(meanDiff(learned, without)).toBeGreaterThan(2);
  expect(Number(await overlay.getAttribute('data-share'))).toBeGreaterThan(learnedShare);
  await expect(legend).toContainText(`Weights · ${third}`);
  await page.screenshot({ path: join(ARTIFACTS, 'weights-frame-left-out.png') });

  // Leaving a frame out is one undoable step, and the history before it survives the re-open.
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Undo frame left out/);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('left-out-frame')).toHaveCount(0);
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Undo method/);
  await expect(page.getByTestId('method')).toHaveValue('learned');
  await overlayOf(page, 2);
  await expect(overlay).toHaveAttribute('data-share', learnedShare.toFixed(4));
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('left-out-frame')).toContainText(first);
  await expect(toggle(first)).toHaveCount(0);

  // Taken back with its checkbox: three frames again, the map as before.
  await page.getByRole('checkbox', { name: `Use ${first} in the merge` }).check();
  await expect(page.getByTestId('left-out-frame')).toHaveCount(0);
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Undo frame taken back/);
  await expect(toggle(first)).toBeVisible();
  await overlayOf(page, 2);
  await expect(overlay).toHaveAttribute('data-share', learnedShare.toFixed(4));

  // A radiance merge has no weight maps: the legend says so instead of drawing one.
  await page.getByTestId('method').selectOption('radiance');
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await expect(page.getByTestId('weights-unavailable')).toContainText('radiance merge has no weight maps');
  await expect(overlay).toHaveCount(0);
  expect(errors).toEqual([]);
});

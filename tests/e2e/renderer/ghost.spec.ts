/**
 * The Ghosts panel in Debian's Chromium against the built renderer, with main's real services behind
 * the test host, on a bracket with moving objects generated here: deghosting on shows the uncertainty
 * overlay and the deghosted area, a brush stroke dragged on the preview changes it and one undo takes
 * the whole stroke back, the threshold and the reference change it, and the export leaves the
 * originals byte for byte as they were.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { encodePng } from '../../../src-shared/codecs/png';
import { bracketAroundMedian, renderDynamicBracket } from '../../../src-shared/ghost/dynamic-bracket';
import { radianceField } from '../../unit/shared/merge/synthetic-bracket';
import { openApp, exportThroughDialog } from '../app-page';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, RENDERER_OUT } from '../paths';

const W = 360;
const H = 240;
let host: TestHost;
let work: string;
let files: string[] = [];
/** Where nothing moves: a corner the generated objects keep away from (checked when generating). */
let corner: [number, number];

test.beforeAll(async () => {
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`renderer not built at ${RENDERER_OUT}: run 'npm run build' first`);
  host = await startTestHost(RENDERER_OUT);
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-ghost-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const radiance = radianceField(W, H, 8, 21);
  const bracket = renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, 3, 2), seed: 21, objects: 2, objectSize: [0.1, 0.16] });
  files = bracket.codes.map((codes, i) => {
    const path = join(work, `walk-${i + 1}.png`);
    writeFileSync(path, encodePng({ width: W, height: H, channels: 3, bits: 8, data: codes }));
    return path;
  });
  const still = (x0: number, y0: number) => {
    for (let y = y0; y < y0 + 50; y++) for (let x = x0; x < x0 + 50; x++) if (bracket.union[y * W + x]) return false;
    return true;
  };
  corner = still(10, 10) ? [35 / W, 35 / H] : still(W - 60, H - 60) ? [(W - 35) / W, (H - 35) / H] : [35 / W, (H - 35) / H];
});

guardOriginals(() => files);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** The deghosted fraction the overlay reports. */
const area = (page: Page): Promise<number> => page.getByTestId('ghost-overlay').getAttribute('data-area').then(Number);

/** Pixels of the overlay canvas that are drawn (not transparent). */
const drawn = (page: Page): Promise<number> =>
  page.getByTestId('ghost-overlay').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  });

/** A mouse drag across the preview, in image coordinates 0..1. */
async function drag(page: Page, from: [number, number], to: [number, number]): Promise<void> {
  const box = (await page.getByTestId('ghost-overlay').boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(from));
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(...at([from[0] + ((to[0] - from[0]) * i) / 8, from[1] + ((to[1] - from[1]) * i) / 8]));
  await page.mouse.up();
}

test('deghost a moving bracket: overlay and area, a brush stroke and its undo, threshold, reference, export', async ({ page }) => {
  const errors = await openApp(page, host);
  host.dialogs.opens.push(files);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await expect(page.getByTestId('ghost-overlay')).toHaveCount(0);

  await page.getByTestId('deghost').check();
  await expect(page.getByTestId('ghost-area')).toContainText(/Deghosted \d+\.\d% of the frame, reference walk-\d\.png/);
  await expect(page.getByTestId('ghost-detector')).toHaveText('Found by the judge network');
  await expect(page.getByTestId('ghost-overlay')).toBeVisible();
  // The overlay covers the preview exactly.
  const [overlay, preview] = await Promise.all([page.getByTestId('ghost-overlay').boundingBox(), page.getByTestId('preview').boundingBox()]);
  expect(overlay).toEqual(preview);
  await expect.poll(() => drawn(page)).toBeGreaterThan(100);
  const found = await area(page);
  expect(found).toBeGreaterThan(0.005);
  // The synthetic frame and deghosting exclude each other.
  await expect(page.getByTestId('synthesize')).toBeDisabled();
  await page.screenshot({ path: join(ARTIFACTS, 'ghost-overlay.png') });

  // The overlay can be hidden; with a brush in hand the mask's edge alone shows (a thin outline).
  const heat = await drawn(page);
  await page.getByTestId('ghost-show-uncertainty').uncheck();
  await expect.poll(() => drawn(page)).toBe(0);
  await page.getByTestId('ghost-brush-add').click();
  await expect.poll(() => drawn(page)).toBeGreaterThan(20);
  expect(await drawn(page)).toBeLessThan(heat);
  await page.getByTestId('ghost-show-uncertainty').check();

  // Paint deghosting onto a static corner: the area grows, and one undo takes the whole stroke back.
  await drag(page, [corner[0] - 0.04, corner[1]], [corner[0] + 0.04, corner[1]]);
  await expect.poll(() => area(page)).toBeGreaterThan(found + 0.002);
  await expect(page.getByText('1 brush stroke')).toBeVisible();
  await page.screenshot({ path: join(ARTIFACTS, 'ghost-stroke.png') });
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Undo deghost brush/);
  await page.getByTestId('undo').click();
  await expect.poll(() => area(page)).toBe(found);
  await expect(page.getByText('0 brush strokes')).toBeVisible();
  await page.getByTestId('redo').click();
  await expect.poll(() => area(page)).toBeGreaterThan(found + 0.002);
  await page.getByTestId('undo').click();
  await expect.poll(() => area(page)).toBe(found);
  await page.getByTestId('ghost-brush-off').click();

  // Dragging the threshold previews it on the overlay at once, without a merge; letting go merges.
  const merges = () => host.calls.filter((c) => c === 'project:merge').length;
  const [mergedBefore, heatBefore] = [merges(), await drawn(page)];
  await page.getByTestId('ghost-threshold').evaluate((el: HTMLInputElement) => {
    el.value = '3.5';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect(page.getByTestId('ghost-threshold-value')).toHaveText('3.5');
  await expect(page.getByTestId('ghost-overlay')).toHaveAttribute('data-previewing', '');
  await expect.poll(() => drawn(page)).toBeLessThan(heatBefore);
  expect(merges()).toBe(mergedBefore);
  // A higher threshold masks less; one step, undone like the others.
  await page.getByTestId('ghost-threshold').evaluate((el: HTMLInputElement) => el.dispatchEvent(new Event('change', { bubbles: true })));
  await expect(page.getByTestId('ghost-overlay')).not.toHaveAttribute('data-previewing');
  await expect.poll(() => area(page)).toBeLessThan(found);
  await page.keyboard.press('Control+z');
  await expect.poll(() => area(page)).toBe(found);
  await expect(page.getByTestId('ghost-threshold-value')).toHaveText('1.4');

  // Another reference frame.
  await page.getByTestId('ghost-reference').selectOption('0');
  await expect(page.getByTestId('ghost-area')).toContainText('reference walk-1.png');

  const stem = join(work, 'deghosted');
  await exportThroughDialog(page, host, stem);
  await expect(page.getByTestId('notice')).toContainText('Exported deghosted.exr and deghosted.jpg');
  expect(statSync(`${stem}.jpg`).size).toBeGreaterThan(1000);
  expect(readFileSync(`${stem}.exr`).subarray(0, 4)).toEqual(Buffer.from([0x76, 0x2f, 0x31, 0x01]));

  // Off again: no overlay, and the synthetic frame can be chosen.
  await page.getByTestId('deghost').uncheck();
  await expect(page.getByTestId('ghost-overlay')).toHaveCount(0);
  await expect(page.getByTestId('synthesize')).toBeEnabled();
  expect(errors).toEqual([]);
});

test('the deghosting settings and strokes are saved with the edits and come back', async ({ browser }) => {
  const first = await browser.newPage();
  await openApp(first, host);
  host.dialogs.opens.push(files);
  await first.getByTestId('open').click();
  await expect(first.getByTestId('merge-info')).toContainText('Learned fusion');
  await first.getByTestId('deghost').check();
  await first.getByTestId('ghost-reference').selectOption('2');
  await expect(first.getByTestId('ghost-area')).toContainText('reference walk-3.png');
  const detected = await area(first);
  await first.getByTestId('ghost-brush-remove').click();
  // Across the middle (where the objects are): the deghosted area shrinks.
  await drag(first, [0.1, 0.5], [0.9, 0.5]);
  await expect(first.getByText('1 brush stroke')).toBeVisible();
  await expect.poll(() => area(first)).toBeLessThan(detected);
  const painted = await area(first);
  // Wait for the save of the stroke itself (it follows the change after a short delay; the first test's saves count for nothing here).
  await expect
    .poll(async () => {
      const d = (await host.savedEdits(files))?.deghost;
      return d ? { reference: d.referencePath?.endsWith('walk-3.png'), strokes: d.strokes.length } : null;
    })
    .toEqual({ reference: true, strokes: 1 });
  await first.close();

  // Opened again in another order: the same reference file, the same stroke, the same mask.
  const second = await browser.newPage();
  await openApp(second, host);
  host.dialogs.opens.push([...files].reverse());
  await second.getByTestId('open').click();
  await expect(second.getByTestId('ghost-area')).toContainText('reference walk-3.png');
  await expect(second.getByTestId('deghost')).toBeChecked();
  await expect(second.getByText('1 brush stroke')).toBeVisible();
  expect(await area(second)).toBeCloseTo(painted, 4);
  await expect(second.getByTestId('undo')).toBeDisabled();
  await second.close();
});

test('a single photo has no ghost panel', async ({ page }) => {
  await openApp(page, host);
  host.dialogs.opens.push([files[1]]);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Recovered');
  await expect(page.getByTestId('deghost')).toHaveCount(0);
});

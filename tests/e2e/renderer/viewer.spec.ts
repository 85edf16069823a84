/**
 * The viewer in Debian's Chromium against the built renderer, with main's real services behind the
 * test host, on the bundled sample bracket: wheel zoom keeps the point under the cursor, dragging
 * pans, F fits and 1 is 100%, the before/after divider moves what each side shows, a frame can be
 * shown instead of the merge, clipping warnings mark the window's highlights, and the ghost brush
 * lands where it is drawn when zoomed and panned.
 */
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decodePng } from '../../../src-shared/codecs/png';
import { openApp, startAppHost } from '../app-page';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, SAMPLES } from '../paths';

let host: TestHost;

// A host per test: each starts without saved edits, so every test opens the samples the same way
// (the learned default, then Mertens chosen) instead of getting the previous test's edits back.
test.beforeEach(async () => {
  host = await startAppHost();
});
test.afterEach(async () => host?.close());
guardOriginals(() => SAMPLES);

/** The sample's size, and its window (white panes) in image fractions. */
const IMAGE = { width: 1200, height: 800 };
const PANE: [number, number] = [0.6, 0.2];
const WINDOW = { x0: 0.52, x1: 0.86, y0: 0.12, y1: 0.58 };

interface ViewState {
  scale: number;
  x: number;
  y: number;
  zoom: number;
  box: { x: number; y: number; width: number; height: number };
}

async function viewState(page: Page): Promise<ViewState> {
  const viewer = page.getByTestId('viewer');
  const [scale, x, y, zoom] = await Promise.all(['data-scale', 'data-x', 'data-y', 'data-zoom'].map((a) => viewer.getAttribute(a).then(Number)));
  return { scale, x, y, zoom, box: (await viewer.boundingBox())! };
}

/** Where an image point (fractions of the image) is on the page. */
function onPage(v: ViewState, [fx, fy]: [number, number]): [number, number] {
  return [v.box.x + v.x + fx * IMAGE.width * v.scale, v.box.y + v.y + fy * IMAGE.height * v.scale];
}

/** The image point (pixels) under a page point. */
function underPage(v: ViewState, [px, py]: [number, number]): [number, number] {
  return [(px - v.box.x - v.x) / v.scale, (py - v.box.y - v.y) / v.scale];
}

/** Mean linear RGB of what the page shows in a small square around a page point (a screenshot, so every layer counts). */
async function shown(page: Page, [x, y]: [number, number], r = 6): Promise<number> {
  const png = await page.screenshot({ clip: { x: x - r, y: y - r, width: 2 * r, height: 2 * r } });
  const { data } = decodePng(new Uint8Array(png));
  return data.reduce((a, b) => a + b, 0) / data.length;
}

async function openSamples(page: Page): Promise<string[]> {
  const errors = await openApp(page, host);
  host.dialogs.opens.push(SAMPLES);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  // The viewer's checks below were measured on exposure fusion's output (where the window clips,
  // how much detail it keeps): pin that method, the default being the learned one.
  await page.getByTestId('method').selectOption('mertens');
  await expect(page.getByTestId('merge-info')).toContainText('Exposure fusion');
  await expect(page.getByTestId('preview')).toHaveAttribute('data-tone-path', /cpu|gpu/);
  return errors;
}

test('zoom with the wheel around the cursor, drag to pan, F fits, 1 is 100%, + and - step', async ({ page }) => {
  const errors = await openSamples(page);
  const fitted = await viewState(page);
  // Fitted: the whole image inside the viewer, centred.
  const preview = (await page.getByTestId('preview').boundingBox())!;
  expect(preview.width).toBeLessThanOrEqual(fitted.box.width);
  expect(preview.height).toBeLessThanOrEqual(fitted.box.height);
  expect(preview.x - fitted.box.x).toBeCloseTo(fitted.box.x + fitted.box.width - (preview.x + preview.width), 0);
  await expect(page.getByTestId('view-fit')).toHaveAttribute('aria-pressed', 'true');

  // Three wheel notches in over the window: larger, and the image point under the cursor stays under it.
  // Whole pixels: the browser reports the wheel's position in whole CSS pixels.
  const cursor = onPage(fitted, PANE).map(Math.round) as [number, number];
  const before = underPage(fitted, cursor);
  await page.mouse.move(...cursor);
  for (let i = 0; i < 3; i++) await page.mouse.wheel(0, -100);
  await expect.poll(async () => (await viewState(page)).scale).toBeGreaterThan(fitted.scale * 1.9);
  const zoomed = await viewState(page);
  expect(zoomed.scale / fitted.scale).toBeCloseTo(1.25 ** 3, 2);
  const after = underPage(zoomed, cursor);
  expect(Math.abs(after[0] - before[0])).toBeLessThan(0.5);
  expect(Math.abs(after[1] - before[1])).toBeLessThan(0.5);
  await expect(page.getByTestId('view-fit')).toHaveAttribute('aria-pressed', 'false');
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-zoomed.png') });

  // A drag pans by exactly the drag.
  const start: [number, number] = [zoomed.box.x + zoomed.box.width / 2, zoomed.box.y + zoomed.box.height / 2];
  await page.mouse.move(...start);
  await page.mouse.down();
  await page.mouse.move(start[0] - 60, start[1] - 40, { steps: 5 });
  await page.mouse.up();
  const panned = await viewState(page);
  expect(panned.x - zoomed.x).toBeCloseTo(-60, 5);
  expect(panned.y - zoomed.y).toBeCloseTo(-40, 5);
  expect(panned.scale).toBe(zoomed.scale);

  // 1: one image pixel per screen pixel (the viewport's device pixel ratio is 1 here).
  await page.keyboard.press('1');
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-zoom', '1.0000');
  await expect(page.getByTestId('view-zoom')).toContainText('100%');
  expect((await page.getByTestId('preview').boundingBox())!.width).toBeCloseTo(IMAGE.width, 0);
  // + and - step through the levels; the button does the same.
  await page.keyboard.press('+');
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-zoom', '1.5000');
  // Beyond the preview's resolution, the pixels on screen come at full resolution from the engine, laid exactly over the preview.
  await expect(page.getByTestId('preview-region')).toBeVisible();
  expect(host.calls).toContain('project:preview-region');
  await expect(page.getByTestId('view-zoom')).not.toContainText('preview pixels');
  const at150 = await viewState(page);
  const [vx0, vy0] = underPage(at150, [at150.box.x, at150.box.y]).map((v) => Math.max(0, Math.floor(v)));
  const [vx1, vy1] = underPage(at150, [at150.box.x + at150.box.width, at150.box.y + at150.box.height]);
  // The region covers what the viewport shows (one fetched for a wider view is kept while it does; a new one follows the view).
  const rect = async () => (await page.getByTestId('region-layer').getAttribute('data-rect'))!.split(',').map(Number);
  await expect
    .poll(async () => {
      const [x, y, w, h] = await rect();
      return x <= vx0 && y <= vy0 && x + w >= Math.min(IMAGE.width, Math.ceil(vx1)) && y + h >= Math.min(IMAGE.height, Math.ceil(vy1));
    })
    .toBe(true);
  const [rx, ry, rw] = await rect();
  const regionBox = (await page.getByTestId('preview-region').boundingBox())!;
  expect(regionBox.x).toBeCloseTo(at150.box.x + at150.x + rx * at150.scale, 0);
  expect(regionBox.width).toBeCloseTo(rw * at150.scale, 0);
  // ...and the sample is smaller than the 1280-pixel preview, so its full-resolution pixels equal the preview's there.
  await expect.poll(() => page.getByTestId('preview-region').evaluate((c: HTMLCanvasElement) => c.width)).toBe(rw);
  const [fromRegion, fromPreview] = await Promise.all([
    page.getByTestId('preview-region').evaluate((c: HTMLCanvasElement, p) => Array.from(c.getContext('2d')!.getImageData(p.x, p.y, 1, 1).data), { x: 20, y: 10 }),
    page.getByTestId('preview').evaluate((c: HTMLCanvasElement, p) => Array.from(c.getContext('2d')!.getImageData(p.x, p.y, 1, 1).data), { x: rx + 20, y: ry + 10 }),
  ]);
  for (let i = 0; i < 3; i++) expect(Math.abs(fromRegion[i] - fromPreview[i])).toBeLessThanOrEqual(3);
  await page.keyboard.press('-');
  await page.getByTestId('view-zoom-out').click();
  await expect(page.getByTestId('viewer')).toHaveAttribute('data-zoom', (2 / 3).toFixed(4));

  // F fits again, exactly as before.
  await page.keyboard.press('f');
  await expect.poll(async () => (await viewState(page)).scale).toBeCloseTo(fitted.scale, 9);
  const refit = await viewState(page);
  expect([refit.x, refit.y]).toEqual([fitted.x, fitted.y]);
  // The viewer takes focus and pans with the arrow keys too.
  await page.getByTestId('view-100').click();
  await page.getByTestId('viewer').focus();
  const centred = await viewState(page);
  await page.keyboard.press('ArrowRight');
  expect((await viewState(page)).x).toBeCloseTo(centred.x - 40, 5);
  expect(errors).toEqual([]);
});

test('before/after: the divider splits the reference frame as shot from the merge, and dragging it moves the split', async ({ page }) => {
  const errors = await openSamples(page);
  await page.keyboard.press('\\');
  await expect(page.getByTestId('view-split')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('before')).toBeVisible();
  const divider = page.getByTestId('divider');
  await expect(divider).toHaveAttribute('aria-valuenow', '50');
  const v = await viewState(page);
  const pane = onPage(v, PANE);
  const box = (await divider.boundingBox())!;
  const lineX = box.x + box.width / 2;

  // Drag the divider right of the window: the window is on the before side, the middle frame's blown-out white.
  await page.mouse.move(lineX, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(onPage(v, [WINDOW.x1 + 0.05, 0.5])[0], box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  expect(Number(await divider.getAttribute('aria-valuenow'))).toBeGreaterThan(50);
  const asShot = await shown(page, pane);
  expect(asShot).toBeGreaterThan(0.95);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-before-after.png') });

  // Dragged left of the window: the same place now shows the merge, which keeps the window's detail from the darker frames.
  const now = (await divider.boundingBox())!;
  await page.mouse.move(now.x + now.width / 2, now.y + now.height / 2);
  await page.mouse.down();
  await page.mouse.move(onPage(v, [WINDOW.x0 - 0.05, 0.5])[0], now.y + now.height / 2, { steps: 6 });
  await page.mouse.up();
  const merged = await shown(page, pane);
  expect(merged).toBeLessThan(asShot - 0.04);
  // From the keyboard: End puts the whole view on the before side, Home on the after side.
  await divider.focus();
  await page.keyboard.press('End');
  await expect(divider).toHaveAttribute('aria-valuenow', '100');
  expect(await shown(page, pane)).toBeCloseTo(asShot, 2);
  await page.keyboard.press('Home');
  await expect(divider).toHaveAttribute('aria-valuenow', '0');
  expect(await shown(page, pane)).toBeCloseTo(merged, 2);
  await page.keyboard.press('\\');
  await expect(page.getByTestId('before')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a frame instead of the merge: the darkest frame shows darker, and [ ] step through the frames', async ({ page }) => {
  const errors = await openSamples(page);
  const v = await viewState(page);
  const wall = onPage(v, [0.2, 0.3]);
  const merge = await shown(page, wall);
  await page.getByTestId('view-frame').selectOption('0');
  await expect(page.getByTestId('frame-view')).toBeVisible();
  await expect(page.getByTestId('frame-tag')).toContainText('Frame 1 · sample-1.jpg');
  const darkest = await shown(page, wall);
  expect(darkest).toBeLessThan(merge * 0.7);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-frame.png') });
  await page.keyboard.press(']');
  await page.keyboard.press(']');
  await expect(page.getByTestId('frame-tag')).toContainText('Frame 3 · sample-3.jpg');
  await expect.poll(() => shown(page, wall)).toBeGreaterThan(merge);
  await page.keyboard.press(']');
  await expect(page.getByTestId('frame-view')).toHaveCount(0);
  await expect(page.getByTestId('view-frame')).toHaveValue('merge');
  expect(await shown(page, wall)).toBeCloseTo(merge, 3);
  expect(errors).toEqual([]);
});

/** Where the clipping layer is red: the count, the share of the window's pixels that are red, and the share of the rest. */
async function redInWindow(page: Page, testId: string): Promise<{ red: number; window: number; rest: number }> {
  return page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement, w) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    const counts = { window: 0, windowRed: 0, rest: 0, restRed: 0 };
    for (let y = 0; y < canvas.height; y++) {
      for (let x = 0; x < canvas.width; x++) {
        const i = (y * canvas.width + x) * 4;
        const red = data[i + 3] > 0 && data[i] === 255 && data[i + 2] < 100;
        const fx = x / canvas.width;
        const fy = y / canvas.height;
        const inside = fx >= w.x0 && fx <= w.x1 && fy >= w.y0 && fy <= w.y1;
        if (inside) {
          counts.window++;
          if (red) counts.windowRed++;
        } else {
          counts.rest++;
          if (red) counts.restRed++;
        }
      }
    }
    return { red: counts.windowRed + counts.restRed, window: counts.windowRed / counts.window, rest: counts.restRed / counts.rest };
  }, WINDOW);
}

test('clipping warnings: the window highlights in red, on the middle frame as shot and on a brightened merge', async ({ page }) => {
  const errors = await openSamples(page);
  await page.keyboard.press('c');
  await expect(page.getByTestId('view-clipping')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('clipping')).toBeVisible();
  // Even the merge keeps some of the window's panes at the top of the output, and nothing else.
  const merge = await redInWindow(page, 'clipping');
  expect(merge.window).toBeGreaterThan(0.2);
  expect(merge.rest).toBeLessThan(0.001);
  // The middle frame as shot: its window is blown out, and the red is there (and almost only there).
  await page.getByTestId('view-frame').selectOption('1');
  await expect(page.getByTestId('frame-view-clipping')).toBeVisible();
  const frame = await redInWindow(page, 'frame-view-clipping');
  expect(frame.window).toBeGreaterThan(0.5);
  expect(frame.rest).toBeLessThan(0.02);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-clipping-frame.png') });
  await page.getByTestId('view-frame').selectOption('merge');

  // The merge brightened a stop and a half: the window clips first.
  await page.getByTestId('exposure').evaluate((el: HTMLInputElement) => {
    el.value = '1.5';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect.poll(async () => (await redInWindow(page, 'clipping')).red).toBeGreaterThan(merge.red + 1000);
  const bright = await redInWindow(page, 'clipping');
  expect(bright.window).toBeGreaterThan(merge.window + 0.2);
  expect(bright.window).toBeGreaterThan(4 * bright.rest);
  expect(Number(await page.getByTestId('clipping').getAttribute('data-high'))).toBe(bright.red);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-clipping-merge.png') });
  await page.keyboard.press('c');
  await expect(page.getByTestId('clipping')).toHaveCount(0);
  expect(errors).toEqual([]);
});

/** Drawn (non-transparent) pixels of the ghost overlay within `r` overlay pixels of an image point, and elsewhere. */
async function overlayNear(page: Page, [fx, fy]: [number, number], r: number): Promise<{ near: number; far: number }> {
  return page.getByTestId('ghost-overlay').evaluate(
    (canvas: HTMLCanvasElement, a) => {
      const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
      const cx = a.fx * canvas.width;
      const cy = a.fy * canvas.height;
      let near = 0;
      let far = 0;
      for (let y = 0; y < canvas.height; y++) {
        for (let x = 0; x < canvas.width; x++) {
          if (data[(y * canvas.width + x) * 4 + 3] === 0) continue;
          if (Math.hypot(x - cx, y - cy) <= a.r) near++;
          else far++;
        }
      }
      return { near, far };
    },
    { fx, fy, r },
  );
}

test('the ghost brush lands where it is drawn when zoomed and panned; space+drag pans over the brush', async ({ page }) => {
  const errors = await openSamples(page);
  await page.getByTestId('deghost').check();
  await expect(page.getByTestId('ghost-overlay')).toBeVisible();
  await page.getByTestId('ghost-show-uncertainty').uncheck();
  await page.getByTestId('ghost-brush-add').click();
  const area = Number(await page.getByTestId('ghost-overlay').getAttribute('data-area'));

  // Zoom to 200% around a point on the wall, then pan a little: the target is off the fitted grid.
  const target: [number, number] = [0.22, 0.3];
  let v = await viewState(page);
  await page.mouse.move(...onPage(v, [0.3, 0.35]));
  for (let i = 0; i < 4; i++) await page.mouse.wheel(0, -100);
  await expect.poll(async () => (await viewState(page)).zoom).toBeGreaterThan(v.zoom * 2);

  // Space+drag pans even though the brush is in hand, and paints nothing.
  v = await viewState(page);
  const mid: [number, number] = [v.box.x + v.box.width / 2, v.box.y + v.box.height / 2];
  await page.keyboard.down(' ');
  await page.mouse.move(...mid);
  await page.mouse.down();
  await page.mouse.move(mid[0] + 50, mid[1] + 30, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up(' ');
  const panned = await viewState(page);
  expect(panned.x - v.x).toBeCloseTo(50, 5);
  expect(panned.y - v.y).toBeCloseTo(30, 5);
  await expect(page.getByText('0 brush strokes')).toBeVisible();

  // A short stroke through the target, in page coordinates from the view transform.
  const radius = 0.01;
  await page.getByTestId('ghost-brush-size').evaluate((el: HTMLInputElement) => {
    el.value = '1';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  const overlay = (await page.getByTestId('ghost-overlay').boundingBox())!;
  const ow = Number(await page.getByTestId('ghost-overlay').getAttribute('width'));
  const rPixels = radius * ow;
  const empty = await overlayNear(page, target, 3 * rPixels);
  const [tx, ty] = onPage(panned, target);
  expect(tx).toBeGreaterThan(panned.box.x);
  expect(tx).toBeLessThan(panned.box.x + panned.box.width);
  await page.mouse.move(tx - 10, ty);
  await page.mouse.down();
  await page.mouse.move(tx + 10, ty, { steps: 4 });
  await page.mouse.up();
  await expect(page.getByText('1 brush stroke')).toBeVisible();
  await expect.poll(async () => Number(await page.getByTestId('ghost-overlay').getAttribute('data-area'))).toBeGreaterThan(area);
  // The pointer off the overlay: no brush outline, only the mask's edge, which is now drawn around the target.
  await page.mouse.move(overlay.x - 5, overlay.y - 5);
  await page.mouse.move(panned.box.x + 2, panned.box.y + 2);
  await expect.poll(async () => (await overlayNear(page, target, 3 * rPixels)).near).toBeGreaterThan(empty.near + 10);
  await page.screenshot({ path: join(ARTIFACTS, 'viewer-brush-zoomed.png') });
  expect(errors).toEqual([]);
});

/**
 * The window's layout at the sizes photographers' laptops have (1024 x 700, 1280 x 720, 1366 x 768) and the test's own
 * (1360 x 880), with a bracket open and the toolbar's status at its longest (the software adapter's reason for the
 * CPU preview): nothing is wider than the window, so the toolbar's controls, Export… and the side panel are all on
 * screen without scrolling sideways. Screenshots of each size are saved.
 */
import { join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
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

/**
 * Whether the element lies wholly inside the window (CSS pixels, with half a pixel for rounding) and nothing covers
 * it: the point at its centre hits it (a control pushed under the side panel or cut by its bar's edge does not).
 */
async function onScreen(page: Page, element: Locator): Promise<boolean> {
  const box = await element.boundingBox();
  const size = page.viewportSize()!;
  if (box === null || box.x < -0.5 || box.y < -0.5 || box.x + box.width > size.width + 0.5 || box.y + box.height > size.height + 0.5) return false;
  return element.evaluate((e, [x, y]) => {
    const hit = document.elementFromPoint(x, y);
    return hit !== null && (hit === e || e.contains(hit) || hit.contains(e));
  }, [box.x + box.width / 2, box.y + box.height / 2]);
}

for (const size of [
  // A small laptop's window: the toolbars take two rows.
  { width: 1024, height: 700 },
  { width: 1280, height: 720 },
  { width: 1366, height: 768 },
  { width: 1360, height: 880 },
]) {
  test(`at ${size.width} x ${size.height}, a merged bracket fits the window: toolbar, Export…, library, viewer and side panel on screen`, async ({ page }) => {
    await page.setViewportSize(size);
    const errors = await openApp(page, host);
    host.dialogs.opens.push(SAMPLES);
    await page.getByTestId('open').click();
    await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');

    const overflow = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    expect(overflow.page).toBeLessThanOrEqual(overflow.window);
    for (const id of ['open', 'method', 'align', 'synthesize', 'undo', 'redo', 'export']) {
      expect(await onScreen(page, page.getByTestId(id)), `${id} on screen`).toBe(true);
    }
    // The side panel's first controls and the viewer's toolbar are where they can be reached.
    expect(await onScreen(page, page.getByRole('button', { name: 'Natural' })), 'the presets on screen').toBe(true);
    for (const id of ['view-fit', 'view-100', 'view-zoom-in', 'view-split', 'view-clipping', 'view-frame']) {
      expect(await onScreen(page, page.getByTestId(id)), `${id} (viewer toolbar) on screen`).toBe(true);
    }
    const preview = (await page.getByTestId('preview').boundingBox())!;
    expect(preview.x + preview.width).toBeLessThanOrEqual(size.width);
    await page.screenshot({ path: join(ARTIFACTS, `layout-${size.width}x${size.height}.png`) });
    expect(errors).toEqual([]);
  });
}

/**
 * Presets and recent files in Debian's Chromium: a built-in preset applied by its label changes the
 * preview and the controls, undo takes it back in one step, a user preset is saved, renamed, found
 * again after a reload and deleted; the files opened come back in the library's Recent list; a batch
 * export renders with a chosen preset.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import jpeg from 'jpeg-js';
import { openApp, startAppHost } from '../app-page';
import { previewMean } from '../flows/app-actions';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, SAMPLES } from '../paths';

let host: TestHost;
let out: string;

test.beforeAll(async () => {
  host = await startAppHost();
  out = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-presets-'));
});
test.afterAll(async () => {
  await host?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});
guardOriginals(() => SAMPLES);

const presetButton = (page: Page, name: string) => page.getByTestId('presets').getByRole('button', { name, exact: true });

/** How far the preview is from grey: the mean of max-min over RGB, 0..255. */
function previewChroma(page: Page): Promise<number> {
  return page.getByTestId('preview').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]);
    return sum / (data.length / 4);
  });
}

async function openSample(page: Page): Promise<void> {
  host.dialogs.opens.push(SAMPLES);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
}

test('a built-in preset changes the preview and the controls in one undoable step; a saved preset outlives a reload', async ({ page }) => {
  const errors = await openApp(page, host);
  // Nothing opened yet: no recent list.
  await expect(page.getByTestId('recent')).toBeHidden();
  await openSample(page);
  await expect.poll(() => previewMean(page)).toBeGreaterThan(0);
  const before = await previewMean(page);
  const beforeChroma = await previewChroma(page);

  await presetButton(page, 'Dramatic').click();
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await expect(page.getByTestId('method')).toHaveValue('radiance');
  await expect(page.getByTestId('operator')).toHaveValue('local-contrast');
  await expect(page.getByTestId('detail-value')).toHaveValue('0.80');
  await expect(page.getByTestId('contrast-value')).toHaveValue('0.35');
  await expect(page.getByTestId('blackPoint-value')).toHaveValue('-0.25');
  await expect(page.getByTestId('option-compression-value')).toHaveValue('0.90');
  await expect(presetButton(page, 'Dramatic')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => Math.abs((await previewMean(page)) - before) + Math.abs((await previewChroma(page)) - beforeChroma)).toBeGreaterThan(3);
  await page.screenshot({ path: join(ARTIFACTS, 'presets-dramatic.png') });

  // One undo takes the whole preset back: method, operator and every control.
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Undo preset Dramatic/);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await expect(page.getByTestId('method')).toHaveValue('learned');
  await expect(page.getByTestId('detail-value')).toHaveValue('0.00');
  await expect(page.getByTestId('contrast-value')).toHaveValue('0.00');
  await expect.poll(async () => Math.abs((await previewMean(page)) - before)).toBeLessThan(0.5);
  await expect(presetButton(page, 'Dramatic')).toHaveAttribute('aria-pressed', 'false');

  // Black and white is grey: saturation -1 in the engine.
  await presetButton(page, 'Black and white').click();
  await expect(page.getByTestId('saturation-value')).toHaveValue('-1.00');
  await expect.poll(() => previewChroma(page)).toBeLessThan(1);
  expect(beforeChroma).toBeGreaterThan(10);

  // A user preset: the current look (with a brighter exposure) under a name.
  await page.getByTestId('exposure-value').fill('0.5');
  await page.getByTestId('exposure-value').press('Enter');
  await page.getByTestId('preset-save-open').click();
  await page.getByTestId('preset-name').fill('Grey  evening ');
  await page.getByTestId('preset-name-submit').click();
  await expect(page.getByTestId('user-preset')).toHaveCount(1);
  await expect(presetButton(page, 'Grey evening')).toHaveAttribute('aria-pressed', 'true');
  // The same name again is refused unless replaced; a built-in name is refused.
  await page.getByTestId('preset-save-open').click();
  await page.getByTestId('preset-name').fill('grey evening');
  await page.getByTestId('preset-name-submit').click();
  await expect(page.getByTestId('preset-error')).toContainText('A preset named "Grey evening" exists already');
  await page.getByTestId('preset-replace').click();
  await expect(page.getByTestId('preset-error')).toBeHidden();
  await expect(page.getByTestId('user-preset')).toHaveCount(1);
  await page.getByTestId('preset-save-open').click();
  await page.getByTestId('preset-name').fill('Natural');
  await page.getByTestId('preset-name-submit').click();
  await expect(page.getByTestId('preset-error')).toContainText('built-in preset');
  await page.getByTestId('preset-name').press('Escape');
  // Renamed.
  await page.getByTestId('preset-rename').click();
  await page.getByTestId('preset-name').fill('Silver evening');
  await page.getByTestId('preset-name-submit').click();
  await expect(page.getByTestId('user-preset')).toHaveText(/Silver evening/);
  await page.screenshot({ path: join(ARTIFACTS, 'presets-user.png') });
  expect(JSON.parse(readFileSync(join(host.dataDir, 'presets.json'), 'utf8')).presets.map((p: { name: string }) => p.name)).toEqual(['Silver evening']);

  // The app again: the preset is listed, the sample is in Recent.
  await page.reload();
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('user-preset')).toHaveText(/Silver evening/);
  const recent = page.getByTestId('recent-item');
  await expect(recent).toHaveCount(1);
  await expect(recent.first()).toContainText('3 files in samples');
  await page.screenshot({ path: join(ARTIFACTS, 'presets-recent.png') });
  await recent.first().getByTestId('recent-open').click();
  await expect(page.getByTestId('merge-info')).toBeVisible();
  await expect(page.getByTestId('group')).toHaveCount(1);

  // Applying the user preset sets what was saved: the grey look with its exposure.
  await presetButton(page, 'Natural').click();
  await expect(page.getByTestId('merge-info')).toContainText('Exposure fusion');
  await presetButton(page, 'Silver evening').click();
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await expect(page.getByTestId('exposure-value')).toHaveValue('0.50');
  await expect(page.getByTestId('saturation-value')).toHaveValue('-1.00');

  // Deleted after a question.
  await page.getByTestId('preset-delete').click();
  await page.getByTestId('preset-delete-yes').click();
  await expect(page.getByTestId('user-preset')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a batch export renders every bracket with the preset chosen in the dialog', async ({ page }) => {
  const errors = await openApp(page, host);
  // The previous test's open is remembered: the Recent list opens it like a drop.
  await page.getByTestId('recent-open').first().click();
  await expect(page.getByTestId('merge-info')).toBeVisible();
  await presetButton(page, 'Natural').click();
  await expect(page.getByTestId('merge-info')).toContainText('Exposure fusion');

  await page.getByTestId('batch-export').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog.getByTestId('export-preset')).toHaveValue('');
  for (const f of ['jpeg', 'exr', 'tiff'] as const) await dialog.getByTestId(`format-${f}`).setChecked(f === 'jpeg');
  await dialog.getByTestId('export-template').fill('{name}_{method}');
  await expect(dialog.getByTestId('export-names')).toContainText('sample-1_mertens.jpg');
  await dialog.getByTestId('export-preset').selectOption('Black and white');
  // The preset's method names the files.
  await expect(dialog.getByTestId('export-names')).toContainText('sample-1_radiance.jpg');
  host.dialogs.chosenFolders.push(out);
  await dialog.getByTestId('export-choose-folder').click();
  await expect(dialog.getByTestId('export-folder')).toHaveValue(out);
  await page.screenshot({ path: join(ARTIFACTS, 'presets-batch.png') });
  await dialog.getByTestId('export-submit').click();
  await expect(dialog.getByTestId('batch-summary')).toContainText('1 written');
  expect(readdirSync(out)).toEqual(['sample-1_radiance.jpg']);
  // Grey, as the preset says, though the open image is in colour.
  const { data } = jpeg.decode(readFileSync(join(out, 'sample-1_radiance.jpg')));
  let chroma = 0;
  for (let i = 0; i < data.length; i += 4) chroma += Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]);
  expect(chroma / (data.length / 4)).toBeLessThan(2);
  expect(await previewChroma(page)).toBeGreaterThan(10);
  await dialog.getByTestId('export-close').click();
  expect(errors).toEqual([]);
});

/** The editing model in Debian's Chromium: every change is one undoable step (a slider drag is one), with buttons and shortcuts. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openApp } from '../app-page';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { RENDERER_OUT, SAMPLES } from '../paths';

let host: TestHost;

// A host per test: each starts with no saved edits, so what one test leaves behind cannot be restored into the next.
test.beforeEach(async () => {
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`renderer not built at ${RENDERER_OUT}: run 'npm run build' first`);
  host = await startTestHost(RENDERER_OUT);
});
test.afterEach(async () => host?.close());
guardOriginals(() => SAMPLES);

/** Drags the exposure slider through several values, as a hand would. */
async function dragExposure(page: Page, values: number[]): Promise<void> {
  for (const v of values) {
    await page.getByTestId('exposure').evaluate((el: HTMLInputElement, x) => {
      el.value = String(x);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
  }
}

test('undo and redo walk back through method, slider and operator changes', async ({ page }) => {
  const errors = await openApp(page, host);
  host.dialogs.opens.push(SAMPLES);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await expect(page.getByTestId('undo')).toBeDisabled();

  await page.getByTestId('method').selectOption('radiance');
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await dragExposure(page, [0.5, 1, 1.5, 2]);
  await expect(page.getByTestId('exposure-value')).toHaveValue('2.00');
  await page.getByTestId('operator').selectOption('drago');

  // One undo per change: the operator, then the whole drag, then the method.
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Undo tone operator/);
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('operator')).toHaveValue('local-contrast');
  await expect(page.getByTestId('exposure-value')).toHaveValue('2.00');
  await page.keyboard.press('Control+z');
  await expect(page.getByTestId('exposure-value')).toHaveValue('0.00');
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await page.getByTestId('undo').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await expect(page.getByTestId('method')).toHaveValue('learned');
  await expect(page.getByTestId('undo')).toBeDisabled();

  // Redo brings them back in order.
  await page.keyboard.press('Control+Shift+z');
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await page.getByTestId('redo').click();
  await expect(page.getByTestId('exposure-value')).toHaveValue('2.00');
  // A new change after an undo drops the redo branch.
  await page.getByTestId('undo').click();
  await dragExposure(page, [-1]);
  await expect(page.getByTestId('redo')).toBeDisabled();
  expect(errors).toEqual([]);
});

test('edits are saved as they are made and come back when the same files are opened again', async ({ browser }) => {
  const first = await browser.newPage();
  await openApp(first, host);
  host.dialogs.opens.push(SAMPLES);
  await first.getByTestId('open').click();
  await first.getByTestId('method').selectOption('radiance');
  await expect(first.getByTestId('merge-info')).toContainText('Radiance merge');
  await first.getByTestId('operator').selectOption('filmic');
  await dragExposure(first, [0.75, 1.5]);
  await expect(first.getByTestId('exposure-value')).toHaveValue('1.50');
  // Wait for the save of the last change itself (it follows the drag after a short delay), not merely for some save.
  await expect
    .poll(async () => {
      const saved = await host.savedEdits(SAMPLES);
      return saved && { method: saved.method, operator: saved.tone.operator, exposure: saved.tone.controls.exposure };
    })
    .toEqual({ method: 'radiance', operator: 'filmic', exposure: 1.5 });
  // The window goes away (a crash would do the same: nothing is saved on close).
  await first.close();

  const second = await browser.newPage();
  await openApp(second, host);
  host.dialogs.opens.push([...SAMPLES].reverse());
  await second.getByTestId('open').click();
  await expect(second.getByTestId('merge-info')).toContainText('Radiance merge');
  await expect(second.getByTestId('method')).toHaveValue('radiance');
  await expect(second.getByTestId('operator')).toHaveValue('filmic');
  await expect(second.getByTestId('exposure-value')).toHaveValue('1.50');
  // The restored state is where history starts: nothing to undo yet.
  await expect(second.getByTestId('undo')).toBeDisabled();
  await second.close();
});

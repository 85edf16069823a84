/**
 * The editing model: every change is one undoable step (a slider drag is one), with buttons and
 * shortcuts; edits are saved as they are made and come back when the same files open again.
 */
import { expect, type Page } from '@playwright/test';
import { dragRange } from './app-actions';
import type { FlowEnvironment } from './environment';

/** Undo and redo walk back through method, slider and operator changes; a new change drops the redo branch. */
export async function undoRedoFlow(page: Page, env: FlowEnvironment, bracket: readonly string[]): Promise<void> {
  await env.answerOpenImages(bracket);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await expect(page.getByTestId('undo')).toBeDisabled();

  await page.getByTestId('method').selectOption('radiance');
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await dragRange(page, 'exposure', [0.5, 1, 1.5, 2]);
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
  await env.screenshot(page, 'undo-redo');
  // A new change after an undo drops the redo branch.
  await page.getByTestId('undo').click();
  await dragRange(page, 'exposure', [-1]);
  await expect(page.getByTestId('redo')).toBeDisabled();
}

/**
 * Edits made in one window are saved as they are made, and a window opened afterwards on the same
 * files (in another order) starts from them with nothing to undo. Returns that second window.
 */
export async function editsRestoredFlow(first: Page, env: FlowEnvironment, bracket: readonly string[]): Promise<Page> {
  await env.answerOpenImages(bracket);
  await first.getByTestId('open').click();
  await first.getByTestId('method').selectOption('radiance');
  await expect(first.getByTestId('merge-info')).toContainText('Radiance merge');
  await first.getByTestId('operator').selectOption('filmic');
  await dragRange(first, 'exposure', [0.75, 1.5]);
  await expect(first.getByTestId('exposure-value')).toHaveValue('1.50');
  // Wait for the save of the last change itself (it follows the drag after a short delay), not merely for some save.
  await expect
    .poll(async () => {
      const saved = await env.savedEdits(bracket);
      return saved && { method: saved.method, operator: saved.tone.operator, exposure: saved.tone.controls.exposure };
    })
    .toEqual({ method: 'radiance', operator: 'filmic', exposure: 1.5 });

  // The window goes away (a crash would do the same: nothing is saved on close).
  const second = await env.reopen(first);
  await env.answerOpenImages([...bracket].reverse());
  await second.getByTestId('open').click();
  await expect(second.getByTestId('merge-info')).toContainText('Radiance merge');
  await expect(second.getByTestId('method')).toHaveValue('radiance');
  await expect(second.getByTestId('operator')).toHaveValue('filmic');
  await expect(second.getByTestId('exposure-value')).toHaveValue('1.50');
  // The restored state is where history starts: nothing to undo yet.
  await expect(second.getByTestId('undo')).toBeDisabled();
  return second;
}

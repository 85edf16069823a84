/**
 * Batch export from the library: two brackets imported from a folder, exported with a naming
 * template to a chosen folder with progress and a summary, each file checked; run again on the
 * ticked bracket, its files exist and "Skip those brackets" skips it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import { decodedSize } from './app-actions';
import { checkIpcCalls, type FlowEnvironment } from './environment';

const hasExrheader = existsSync('/usr/bin/exrheader');

/** The Export dialog (single or batch). */
export const exportDialog = (page: Page) => page.getByTestId('export-dialog');

/** Two 160x112 brackets, a-1..3 and b-1..3, five minutes apart, written into `dir`. */
export function writeTwoBrackets(dir: string): void {
  writeBracket(dir, { prefix: 'a', minute: 0 });
  writeBracket(dir, { prefix: 'b', minute: 5 });
}

/** Imports a folder into the library through "Import folder…" and waits for its brackets. */
export async function importFolder(page: Page, env: FlowEnvironment, folder: string, groups: number): Promise<void> {
  await env.answerOpenFolder([folder]);
  await page.getByTestId('import-folder').click();
  await expect(page.getByTestId('group')).toHaveCount(groups);
}

/** Picks the export folder with the dialog's "Choose…". */
export async function chooseExportFolder(page: Page, env: FlowEnvironment, folder: string): Promise<void> {
  await env.answerChooseFolder(folder);
  await exportDialog(page).getByTestId('export-choose-folder').click();
  await expect(exportDialog(page).getByTestId('export-folder')).toHaveValue(folder);
}

/** Ticks exactly these formats in the Export dialog. */
export async function setFormats(page: Page, formats: readonly string[]): Promise<void> {
  for (const f of ['jpeg', 'exr', 'tiff']) await exportDialog(page).getByTestId(`format-${f}`).setChecked(formats.includes(f));
}

/** `card`: a folder written by writeTwoBrackets; `out`: an empty folder the files go to. */
export async function batchExportFlow(page: Page, env: FlowEnvironment, card: string, out: string): Promise<void> {
  const dialog = exportDialog(page);
  await importFolder(page, env, card, 2);
  await expect(page.getByTestId('batch-export')).toHaveText('Export all 2…');
  await page.getByTestId('batch-export').click();
  await expect(dialog).toContainText('Export 2 brackets');
  await setFormats(page, ['jpeg', 'exr']);
  await dialog.getByTestId('export-template').fill('{n}-{name}-{date}');
  await expect(dialog.getByTestId('export-names')).toContainText('1-a-1-2026-01-01.jpg, 1-a-1-2026-01-01.exr');
  await expect(dialog.getByTestId('export-names')).toContainText('2-b-1-2026-01-01.jpg, 2-b-1-2026-01-01.exr');
  await chooseExportFolder(page, env, out);
  await dialog.getByTestId('export-submit').click();
  await expect(dialog.getByTestId('batch-overall')).toBeVisible();
  await expect(dialog.getByTestId('batch-group')).toHaveCount(2);
  await env.screenshot(page, 'batch-progress');
  await expect(dialog.getByTestId('batch-summary')).toContainText('2 written, 0 skipped, 0 failed');
  await expect(dialog.getByTestId('batch-overall')).toHaveAttribute('data-value', '1.000');
  await env.screenshot(page, 'batch-summary');
  expect(readdirSync(out).sort()).toEqual(['1-a-1-2026-01-01.exr', '1-a-1-2026-01-01.jpg', '2-b-1-2026-01-01.exr', '2-b-1-2026-01-01.jpg']);
  for (const name of ['1-a-1-2026-01-01.jpg', '2-b-1-2026-01-01.jpg']) expect(decodedSize(join(out, name))).toEqual([160, 112]);
  if (hasExrheader) expect(execFileSync('exrheader', [join(out, '2-b-1-2026-01-01.exr')], { encoding: 'utf8' })).toMatch(/compression .*zip/i);
  await dialog.getByTestId('export-close').click();
  await expect(dialog).toBeHidden();

  // Only the ticked bracket, again: its files exist, "Skip those brackets" skips it.
  await page.getByTestId('group').nth(1).getByTestId('batch-select').check();
  await expect(page.getByTestId('batch-export')).toHaveText('Export 1 selected…');
  await page.getByTestId('batch-export').click();
  await expect(dialog.getByTestId('export-names')).toHaveText('Bracket 2: 1-b-1-2026-01-01.jpg, 1-b-1-2026-01-01.exr');
  await dialog.getByTestId('export-template').fill('2-{name}-{date}');
  await dialog.getByTestId('export-submit').click();
  await expect(dialog.getByTestId('export-existing').locator('li')).toHaveCount(2);
  await dialog.getByTestId('export-skip-existing').click();
  await expect(dialog.getByTestId('batch-summary')).toContainText('0 written, 1 skipped, 0 failed');
  checkIpcCalls(env, 'the batch went through its channels', (calls) =>
    expect(calls).toEqual(expect.arrayContaining(['batch:start', 'batch:status', 'files:existing', 'dialog:choose-folder'])),
  );
}

/**
 * The app's main workflow: open a bracket through "Open…", see its frames and merge, move the
 * exposure, switch methods, change the tone operator and a control, export EXR and JPEG and check
 * the files written (the EXR read by the OpenEXR library itself).
 */
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { dragRange, exportThroughDialog, previewMean } from './app-actions';
import { checkIpcCalls, type FlowEnvironment } from './environment';

/** `bracket`: three frames; `stem`: where the export goes, without extension. */
export async function mergeToneExportFlow(page: Page, env: FlowEnvironment, bracket: readonly string[], stem: string): Promise<void> {
  expect(bracket.length).toBe(3);
  await env.answerOpenImages(bracket);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('frame')).toHaveCount(3);
  await expect(page.getByTestId('preview')).toBeVisible();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');

  // Exposure up by two stops brightens the preview; back to zero restores it.
  const before = await previewMean(page);
  await dragRange(page, 'exposure', [2]);
  await expect(page.getByTestId('exposure-value')).toHaveValue('2.00');
  await expect.poll(() => previewMean(page)).toBeGreaterThan(before + 20);
  await dragRange(page, 'exposure', [0]);
  await expect.poll(() => previewMean(page)).toBeCloseTo(before, 0);

  // The learned fusion (the CNN) is the default; exposure fusion (Mertens) is one choice away.
  await page.getByTestId('method').selectOption('mertens');
  await expect(page.getByTestId('merge-info')).toContainText('Exposure fusion');
  // A fusion's exposures read as the radiance merge's below (its merge keeps scene exposures: -15.97 for 1/1000 s at f/8).
  await expect(page.getByTestId('ev-stops')).toHaveText(['-3.0 EV', '+0.0 EV', '+3.1 EV']);

  // The radiance merge lists the exposures it used.
  await page.getByTestId('method').selectOption('radiance');
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await expect(page.getByTestId('ev-list').locator('li')).toHaveCount(3);
  // In stops from the middle frame, as the library labels them, not the scene exposure. The merge uses the times as
  // written: 1/1000, 1/125 and 1/15 s are -3.0, 0 and log2(125/15) = +3.06 stops (the library's nominal grid says +3).
  await expect(page.getByTestId('ev-stops')).toHaveText(['-3.0 EV', '+0.0 EV', '+3.1 EV']);
  await expect(page.getByTestId('ev-stops').first()).toHaveAttribute('title', 'Stops from the middle frame; exposure from the metadata');

  // A radiance merge offers the tone operators; changing one re-renders the preview and its histogram.
  await expect(page.getByTestId('operator')).toHaveValue('local-contrast');
  await expect(page.getByTestId('histogram').locator('path')).toHaveCount(3);
  const localContrast = await previewMean(page);
  await page.getByTestId('operator').selectOption('filmic');
  await expect.poll(async () => Math.abs((await previewMean(page)) - localContrast)).toBeGreaterThan(1);
  await page.getByTestId('shadows-value').fill('0.5');
  await page.getByTestId('shadows-value').press('Enter');
  await expect(page.getByTestId('shadows')).toHaveValue('0.5');

  await env.screenshot(page, 'after-merge');

  await exportThroughDialog(page, env, stem);
  const name = basename(stem);
  await expect(page.getByTestId('notice')).toContainText(`Exported ${name}.exr and ${name}.jpg`);
  expect(statSync(`${stem}.exr`).size).toBeGreaterThan(1000);
  expect(statSync(`${stem}.jpg`).size).toBeGreaterThan(1000);
  // The OpenEXR library itself must accept the file.
  const header = execFileSync('exrheader', [`${stem}.exr`], { encoding: 'utf8' });
  expect(header).toMatch(/compression .*zip/i);
  checkIpcCalls(env, 'open, load, merge and export went through their channels', (calls) =>
    expect(calls).toEqual(expect.arrayContaining(['dialog:open-images', 'project:load', 'project:merge', 'project:export'])),
  );
}

/** What every renderer spec does to a page: install the bridge shim, open the app, read the preview. */
import { expect, type Page } from '@playwright/test';
import { BRIDGE_GLOBAL, CHANNELS } from '../../src-preload/contract';
import { installBridgeShim } from './host/bridge-shim';
import type { TestHost } from './host/test-host';
import { SAMPLE_DIR } from './paths';
import { basename, dirname } from 'node:path';

/** Opens the app on the test host with the bridge shim; returns the page errors seen (expected to stay empty). */
export async function openApp(
  page: Page,
  host: TestHost,
  options: { gpuSetting?: string | null; expectEmpty?: boolean; /** Where dropped files and folders are taken to live (default the samples). */ dropFolder?: string } = {},
): Promise<string[]> {
  await page.addInitScript(installBridgeShim, { channels: CHANNELS, globalName: BRIDGE_GLOBAL, dropFolder: options.dropFolder ?? SAMPLE_DIR });
  if (options.gpuSetting) await page.addInitScript((v) => localStorage.setItem('luxfuse:gpu', v), options.gpuSetting);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  if (options.expectEmpty !== false) await expect(page.getByTestId('empty-state')).toBeVisible();
  return errors;
}

/** Mean of the preview canvas's RGB values, 0..255. */
export function previewMean(page: Page): Promise<number> {
  return page.getByTestId('preview').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i] + data[i + 1] + data[i + 2];
    return sum / ((data.length / 4) * 3);
  });
}

/**
 * Exports the open image through the Export dialog as the user would: the formats ticked, the file
 * name typed, the folder picked with "Choose…" (answered by the test host), Export; waits for the
 * dialog to close. `stem` is the path without extension.
 */
export async function exportThroughDialog(page: Page, host: TestHost, stem: string, formats: readonly ('jpeg' | 'exr' | 'tiff')[] = ['jpeg', 'exr']): Promise<void> {
  await page.getByTestId('export').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  for (const f of ['jpeg', 'exr', 'tiff'] as const) await dialog.getByTestId(`format-${f}`).setChecked(formats.includes(f));
  await dialog.getByTestId('export-template').fill(basename(stem));
  host.dialogs.chosenFolders.push(dirname(stem));
  await dialog.getByTestId('export-choose-folder').click();
  await expect(dialog.getByTestId('export-folder')).toHaveValue(dirname(stem));
  await dialog.getByTestId('export-submit').click();
  await expect(dialog).toBeHidden();
}

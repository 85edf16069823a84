/** Page actions and file checks the flows share: what a hand does to the window, and what the written files must be. */
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { decodeJpeg } from '../../../src-shared/codecs/jpeg';
import { decodeTiff } from '../../../src-shared/codecs/tiff';
import type { FlowEnvironment } from './environment';

/** OpenEXR's magic number, the first four bytes of every EXR file. */
export const EXR_MAGIC = Buffer.from([0x76, 0x2f, 0x31, 0x01]);

/** Mean of the preview canvas's RGB values, 0..255. */
export function previewMean(page: Page): Promise<number> {
  return page.getByTestId('preview').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let sum = 0;
    for (let i = 0; i < data.length; i += 4) sum += data[i] + data[i + 1] + data[i + 2];
    return sum / ((data.length / 4) * 3);
  });
}

/** Moves a range input to each value in turn, as a hand dragging it would (one input event per value). */
export async function dragRange(page: Page, testId: string, values: readonly number[]): Promise<void> {
  for (const v of values) {
    await page.getByTestId(testId).evaluate((el: HTMLInputElement, x) => {
      el.value = String(x);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, v);
  }
}

/**
 * Exports the open image through the Export dialog as the user would: the formats ticked, the file
 * name typed, the folder picked with "Choose…" (answered by the environment), Export; waits for the
 * dialog to close. `stem` is the path without extension.
 */
export async function exportThroughDialog(page: Page, env: FlowEnvironment, stem: string, formats: readonly ('jpeg' | 'exr' | 'tiff')[] = ['jpeg', 'exr']): Promise<void> {
  await page.getByTestId('export').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  for (const f of ['jpeg', 'exr', 'tiff'] as const) await dialog.getByTestId(`format-${f}`).setChecked(formats.includes(f));
  await dialog.getByTestId('export-template').fill(basename(stem));
  await env.answerChooseFolder(dirname(stem));
  await dialog.getByTestId('export-choose-folder').click();
  await expect(dialog.getByTestId('export-folder')).toHaveValue(dirname(stem));
  await dialog.getByTestId('export-submit').click();
  await expect(dialog).toBeHidden();
}

/** Decodes a written JPEG or TIFF, checks it is not black, and returns its size. */
export function decodedSize(path: string): [number, number] {
  const bytes = new Uint8Array(readFileSync(path));
  const img = path.endsWith('.tif') ? decodeTiff(bytes, path) : decodeJpeg(bytes, path);
  expect(img.data.some((v) => v > 0.05)).toBe(true);
  return [img.width, img.height];
}

/**
 * The Ghosts panel on a bracket with moving objects generated here: deghosting on shows the
 * uncertainty overlay and the deghosted area, a brush stroke dragged on the preview changes it and
 * one undo takes the whole stroke back, the threshold and the reference change it, the export is
 * written; the settings and strokes are saved with the edits and come back.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { encodePng } from '../../../src-shared/codecs/png';
import { bracketAroundMedian, renderDynamicBracket } from '../../../src-shared/ghost/dynamic-bracket';
import { radianceField } from '../../unit/shared/merge/synthetic-bracket';
import { EXR_MAGIC, exportThroughDialog } from './app-actions';
import { checkIpcCalls, type FlowEnvironment } from './environment';

const W = 360;
const H = 240;

export interface MovingBracket {
  /** walk-1.png … walk-3.png, darkest first. */
  files: string[];
  /** Where nothing moves, in image coordinates 0..1: a corner the generated objects keep away from (checked when generating). */
  corner: [number, number];
}

/** Writes three PNG frames of a scene with two moving objects into `dir`. */
export function writeMovingBracket(dir: string): MovingBracket {
  const radiance = radianceField(W, H, 8, 21);
  const bracket = renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, 3, 2), seed: 21, objects: 2, objectSize: [0.1, 0.16] });
  const files = bracket.codes.map((codes, i) => {
    const path = join(dir, `walk-${i + 1}.png`);
    writeFileSync(path, encodePng({ width: W, height: H, channels: 3, bits: 8, data: codes }));
    return path;
  });
  const still = (x0: number, y0: number) => {
    for (let y = y0; y < y0 + 50; y++) for (let x = x0; x < x0 + 50; x++) if (bracket.union[y * W + x]) return false;
    return true;
  };
  const corner: [number, number] = still(10, 10) ? [35 / W, 35 / H] : still(W - 60, H - 60) ? [(W - 35) / W, (H - 35) / H] : [35 / W, (H - 35) / H];
  return { files, corner };
}

/** The deghosted fraction the overlay reports. */
export const deghostedArea = (page: Page): Promise<number> => page.getByTestId('ghost-overlay').getAttribute('data-area').then(Number);

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

/** Overlay and area, a brush stroke and its undo, threshold, reference, export to `stem` (no extension), off again. */
export async function deghostFlow(page: Page, env: FlowEnvironment, { files, corner }: MovingBracket, stem: string): Promise<void> {
  await env.answerOpenImages(files);
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
  const found = await deghostedArea(page);
  expect(found).toBeGreaterThan(0.005);
  // The synthetic frame and deghosting exclude each other.
  await expect(page.getByTestId('synthesize')).toBeDisabled();
  await env.screenshot(page, 'ghost-overlay');

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
  await expect.poll(() => deghostedArea(page)).toBeGreaterThan(found + 0.002);
  await expect(page.getByText('1 brush stroke')).toBeVisible();
  await env.screenshot(page, 'ghost-stroke');
  await expect(page.getByTestId('undo')).toHaveAttribute('title', /Undo deghost brush/);
  await page.getByTestId('undo').click();
  await expect.poll(() => deghostedArea(page)).toBe(found);
  await expect(page.getByText('0 brush strokes')).toBeVisible();
  await page.getByTestId('redo').click();
  await expect.poll(() => deghostedArea(page)).toBeGreaterThan(found + 0.002);
  await page.getByTestId('undo').click();
  await expect.poll(() => deghostedArea(page)).toBe(found);
  await page.getByTestId('ghost-brush-off').click();

  // Dragging the threshold previews it on the overlay at once, without a merge; letting go merges.
  const merges = (calls: readonly string[]) => calls.filter((c) => c === 'project:merge').length;
  const [mergedBefore, heatBefore] = [merges(env.ipcCalls() ?? []), await drawn(page)];
  await page.getByTestId('ghost-threshold').evaluate((el: HTMLInputElement) => {
    el.value = '3.5';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect(page.getByTestId('ghost-threshold-value')).toHaveText('3.5');
  await expect(page.getByTestId('ghost-overlay')).toHaveAttribute('data-previewing', '');
  await expect.poll(() => drawn(page)).toBeLessThan(heatBefore);
  checkIpcCalls(env, 'the threshold preview starts no merge', (calls) => expect(merges(calls)).toBe(mergedBefore));
  // A higher threshold masks less; one step, undone like the others.
  await page.getByTestId('ghost-threshold').evaluate((el: HTMLInputElement) => el.dispatchEvent(new Event('change', { bubbles: true })));
  await expect(page.getByTestId('ghost-overlay')).not.toHaveAttribute('data-previewing');
  await expect.poll(() => deghostedArea(page)).toBeLessThan(found);
  await page.keyboard.press('Control+z');
  await expect.poll(() => deghostedArea(page)).toBe(found);
  await expect(page.getByTestId('ghost-threshold-value')).toHaveText('1.4');

  // Another reference frame.
  await page.getByTestId('ghost-reference').selectOption('0');
  await expect(page.getByTestId('ghost-area')).toContainText('reference walk-1.png');

  await exportThroughDialog(page, env, stem);
  const name = basename(stem);
  await expect(page.getByTestId('notice')).toContainText(`Exported ${name}.exr and ${name}.jpg`);
  expect(statSync(`${stem}.jpg`).size).toBeGreaterThan(1000);
  expect(readFileSync(`${stem}.exr`).subarray(0, 4)).toEqual(EXR_MAGIC);

  // Off again: no overlay, and the synthetic frame can be chosen.
  await page.getByTestId('deghost').uncheck();
  await expect(page.getByTestId('ghost-overlay')).toHaveCount(0);
  await expect(page.getByTestId('synthesize')).toBeEnabled();
}

/** The deghosting settings and strokes are saved with the edits and come back in a window opened afterwards; returns that window. */
export async function deghostRestoredFlow(first: Page, env: FlowEnvironment, { files }: MovingBracket): Promise<Page> {
  await env.answerOpenImages(files);
  await first.getByTestId('open').click();
  await expect(first.getByTestId('merge-info')).toContainText('Learned fusion');
  await first.getByTestId('deghost').check();
  await first.getByTestId('ghost-reference').selectOption('2');
  await expect(first.getByTestId('ghost-area')).toContainText('reference walk-3.png');
  const detected = await deghostedArea(first);
  await first.getByTestId('ghost-brush-remove').click();
  // Across the middle (where the objects are): the deghosted area shrinks.
  await drag(first, [0.1, 0.5], [0.9, 0.5]);
  await expect(first.getByText('1 brush stroke')).toBeVisible();
  await expect.poll(() => deghostedArea(first)).toBeLessThan(detected);
  const painted = await deghostedArea(first);
  // Wait for the save of the stroke itself (it follows the change after a short delay; earlier saves count for nothing here).
  await expect
    .poll(async () => {
      const d = (await env.savedEdits(files))?.deghost;
      return d ? { reference: d.referencePath?.endsWith('walk-3.png'), strokes: d.strokes.length } : null;
    })
    .toEqual({ reference: true, strokes: 1 });

  // Opened again in another order: the same reference file, the same stroke, the same mask.
  const second = await env.reopen(first);
  await env.answerOpenImages([...files].reverse());
  await second.getByTestId('open').click();
  await expect(second.getByTestId('ghost-area')).toContainText('reference walk-3.png');
  await expect(second.getByTestId('deghost')).toBeChecked();
  await expect(second.getByText('1 brush stroke')).toBeVisible();
  expect(await deghostedArea(second)).toBeCloseTo(painted, 4);
  await expect(second.getByTestId('undo')).toBeDisabled();
  return second;
}

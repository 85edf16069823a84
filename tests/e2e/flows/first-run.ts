/**
 * The first-run target: a new user hands a card's folder to the window and has an exported
 * JPEG and EXR within a minute, using only what the window shows (visible labels and text, no test
 * ids): the library lists the brackets, one opens and merges, the exposure moves, Export… writes
 * both files beside the originals. The time is measured, printed and held under a minute.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import type { FlowEnvironment } from './environment';

/** A card of two brackets five minutes apart, at a size a camera's JPEGs could be scaled to; returns its folder. */
export function writeFirstRunCard(parent: string): string {
  const card = join(parent, 'card');
  mkdirSync(card);
  writeBracket(card, { prefix: 'IMG_01', minute: 0, width: 900, height: 600 });
  writeBracket(card, { prefix: 'IMG_02', minute: 5, width: 900, height: 600 });
  return card;
}

export async function firstRunFlow(page: Page, env: FlowEnvironment, card: string): Promise<void> {
  const started = Date.now();
  await env.supplyFolder(page, card);

  // The library shows the two brackets; the user opens the first.
  await expect(page.getByText('Bracket 2 · 3 frames')).toBeVisible();
  await page.getByText('Bracket 1 · 3 frames').click();
  await expect(page.getByText(/Learned fusion · 900×600/)).toBeVisible();

  // Half a stop brighter, typed into the Exposure field: the slider follows and the change can be undone.
  const undo = page.getByRole('button', { name: 'Undo', exact: true });
  await expect(undo).toBeDisabled();
  await page.getByRole('spinbutton', { name: 'Exposure value' }).fill('0.5');
  await page.getByRole('spinbutton', { name: 'Exposure value' }).press('Enter');
  await expect(page.getByRole('slider', { name: 'Exposure', exact: true })).toHaveValue('0.5');
  await expect(undo).toBeEnabled();

  // Export…, both formats ticked, the suggested folder (the card's), Export.
  await page.getByRole('button', { name: /^Export…/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('JPEG', { exact: true }).check();
  await dialog.getByLabel('OpenEXR (HDR)').check();
  await env.screenshot(page, 'first-run-export');
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByText(/^Exported .*\.exr.*\.jpg|^Exported .*\.jpg.*\.exr/)).toBeVisible({ timeout: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`[first-run, ${env.name}] folder to exported JPEG + EXR: ${seconds.toFixed(1)} s`);
  await env.screenshot(page, 'first-run-done');

  const written = readdirSync(card).filter((n) => /-hdr\.(jpg|exr)$/.test(n)).sort();
  expect(written).toEqual(['IMG_01-1-hdr.exr', 'IMG_01-1-hdr.jpg']);
  for (const name of written) expect(statSync(join(card, name)).size).toBeGreaterThan(1000);
  expect(execFileSync('exrheader', [join(card, 'IMG_01-1-hdr.exr')], { encoding: 'utf8' })).toMatch(/dataWindow.*\(0 0\) - \(899 599\)/s);
  expect(seconds).toBeLessThan(60);
}

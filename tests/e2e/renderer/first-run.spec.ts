/**
 * The first-run target: a new user drops a card's folder on the window and has an exported
 * JPEG and EXR within a minute, using only what the window shows (visible labels and text, no test
 * ids), in Debian's Chromium against main's real services. The time is measured and printed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import { openApp } from '../app-page';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, RENDERER_OUT } from '../paths';

let host: TestHost;
let work: string;
let card: string;

test.beforeAll(async () => {
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`renderer not built at ${RENDERER_OUT}: run 'npm run build' first`);
  host = await startTestHost(RENDERER_OUT);
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-first-run-'));
  card = join(work, 'card');
  mkdirSync(card);
  // A shoot of two brackets, five minutes apart, at a size a camera's JPEGs could be scaled to.
  writeBracket(card, { prefix: 'IMG_01', minute: 0, width: 900, height: 600 });
  writeBracket(card, { prefix: 'IMG_02', minute: 5, width: 900, height: 600 });
  mkdirSync(ARTIFACTS, { recursive: true });
});
guardOriginals(() => [card]);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('drop a folder, open a bracket, export JPEG and EXR — in under a minute, by visible labels only', async ({ page }) => {
  const errors = await openApp(page, host, { dropFolder: work });
  const started = Date.now();

  // The folder is dropped on the window.
  const dataTransfer = await page.evaluateHandle(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(0)], 'card'));
    return dt;
  });
  await page.dispatchEvent('body', 'drop', { dataTransfer });

  // The library shows the two brackets; the user opens the first.
  await expect(page.getByText('Bracket 2 · 3 frames')).toBeVisible();
  await page.getByText('Bracket 1 · 3 frames').click();
  await expect(page.getByText(/Learned fusion · 900×600/)).toBeVisible();

  // Export…, both formats ticked, the suggested folder (the card's), Export.
  await page.getByRole('button', { name: /^Export…/ }).click();
  const dialog = page.getByRole('dialog', { name: 'Export' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('JPEG', { exact: true }).check();
  await dialog.getByLabel('OpenEXR (HDR)').check();
  await page.screenshot({ path: join(ARTIFACTS, 'first-run-export.png') });
  await dialog.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByText(/^Exported .*\.exr.*\.jpg|^Exported .*\.jpg.*\.exr/)).toBeVisible({ timeout: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`[first-run] drop to exported JPEG + EXR: ${seconds.toFixed(1)} s`);
  await page.screenshot({ path: join(ARTIFACTS, 'first-run-done.png') });

  const written = readdirSync(card).filter((n) => /-hdr\.(jpg|exr)$/.test(n)).sort();
  expect(written).toEqual(['IMG_01-1-hdr.exr', 'IMG_01-1-hdr.jpg']);
  for (const name of written) expect(statSync(join(card, name)).size).toBeGreaterThan(1000);
  expect(execFileSync('exrheader', [join(card, 'IMG_01-1-hdr.exr')], { encoding: 'utf8' })).toMatch(/dataWindow.*\(0 0\) - \(899 599\)/s);
  expect(seconds).toBeLessThan(60);
  expect(errors).toEqual([]);
});

/**
 * The Ghosts panel (flows/ghost.ts) in Debian's Chromium against the built renderer, with main's
 * real services behind the test host, on a bracket with moving objects generated here; the export
 * leaves the originals byte for byte as they were. tests/e2e/electron/ghost.spec.ts runs the same
 * flows in Electron.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp, startAppHost } from '../app-page';
import { deghostFlow, deghostRestoredFlow, writeMovingBracket, type MovingBracket } from '../flows/ghost';
import { hostEnvironment } from '../host/host-environment';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';

let host: TestHost;
let work: string;
let bracket: MovingBracket;

test.beforeAll(async () => {
  host = await startAppHost();
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-ghost-'));
  bracket = writeMovingBracket(work);
});

guardOriginals(() => bracket.files);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('deghost a moving bracket: overlay and area, a brush stroke and its undo, threshold, reference, export', async ({ page }) => {
  const errors = await openApp(page, host);
  await deghostFlow(page, hostEnvironment(host), bracket, join(work, 'deghosted'));
  expect(errors).toEqual([]);
});

test('the deghosting settings and strokes are saved with the edits and come back', async ({ browser }) => {
  const first = await browser.newPage();
  await openApp(first, host);
  const second = await deghostRestoredFlow(first, hostEnvironment(host), bracket);
  await second.close();
});

test('a single photo has no ghost panel', async ({ page }) => {
  await openApp(page, host);
  host.dialogs.opens.push([bracket.files[1]]);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Recovered');
  await expect(page.getByTestId('deghost')).toHaveCount(0);
});

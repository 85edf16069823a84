/**
 * The progressive merge in Debian's Chromium against the built renderer, with main's real services
 * behind the test host, on a bracket larger than the preview (2400x1600, generated here): the preview
 * merge shows first, a status says it is being refined, and the full-resolution merge replaces it
 * once the user pauses; an edit while that runs leaves the older refinement behind; an export right
 * after a preview writes the full-size image.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp, startAppHost } from '../app-page';
import { decodedSize, exportThroughDialog } from '../flows/app-actions';
import { hostEnvironment } from '../host/host-environment';
import type { TestHost } from '../host/test-host';
import { recordMerges } from '../model-merges';
import { guardOriginals } from '../originals';
import { ARTIFACTS } from '../paths';
import { writeBracket } from '../../unit/helpers/bracket-fixture';

const [W, H] = [2400, 1600];
let host: TestHost;
let work: string;
let bracket: string[];

test.beforeAll(async () => {
  host = await startAppHost();
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-progressive-'));
  bracket = writeBracket(work, { width: W, height: H, prefix: 'large' });
});
guardOriginals(() => bracket);
test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('the preview comes first, is refined to full resolution when the user pauses, and a newer edit wins', async ({ page }) => {
  // Two learned merges and two Mertens ones of a 3.8 MP bracket, and an export: slow on a loaded 2-core machine.
  test.setTimeout(540_000);
  const merges = recordMerges(page);
  const errors = await openApp(page, host);
  host.dialogs.opens.push(bracket);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('frame')).toHaveCount(3);

  // The preview: the image's full size, merged at the preview's, and the refinement on its way.
  const info = page.getByTestId('merge-info');
  const refine = page.getByTestId('refine-status');
  await expect(info).toHaveAttribute('data-stage', 'preview');
  await expect(info).toContainText(`Learned fusion · ${W}×${H}`);
  await expect(info).toContainText('(preview 1280×853)');
  await expect(refine).toHaveText('Refining to full resolution…');
  await expect(refine).toHaveAttribute('role', 'status');
  await page.screenshot({ path: join(ARTIFACTS, 'progressive-refining.png') });

  // The full-resolution merge replaces it, and the status says how long it took.
  await expect(info).toHaveAttribute('data-stage', 'full', { timeout: 170_000 });
  await expect(refine).toHaveText(/^Full resolution in \d+\.\d s$/);
  await expect(info).toContainText(`Learned fusion · ${W}×${H}`);
  await expect(info).not.toContainText('preview');
  const full = merges.at(-1)!.result;
  expect([full.stage, full.method, full.width, full.height, full.preview.width, full.preview.height]).toEqual(['full', 'learned', W, H, 1280, 853]);
  await page.screenshot({ path: join(ARTIFACTS, 'progressive-full.png') });

  // An edit while the refinement runs: its preview shows at once, the older refinement never lands.
  await page.getByTestId('method').selectOption('radiance');
  await expect(info).toContainText('Radiance merge');
  await expect(refine).toHaveAttribute('data-state', 'running', { timeout: 30_000 });
  const shown = merges.length;
  await page.getByTestId('method').selectOption('mertens');
  await expect(info).toContainText('Exposure fusion');
  await expect(info).toHaveAttribute('data-stage', 'full', { timeout: 170_000 });
  await expect(refine).toHaveText(/^Full resolution in /);
  // After the switch: the Mertens preview, then its refinement; no radiance merge came back after the edit.
  expect(merges.slice(shown).map((m) => `${m.result.method} ${m.result.stage}`)).toEqual(['mertens preview', 'mertens full']);

  // Right after a preview, an export writes the full-size image (main merges in full first).
  await page.getByTestId('method').selectOption('radiance');
  await expect(info).toHaveAttribute('data-stage', 'preview');
  const stem = join(work, 'out', 'progressive');
  mkdirSync(join(work, 'out'));
  await exportThroughDialog(page, hostEnvironment(host), stem, ['jpeg']);
  await expect(page.getByTestId('notice')).toContainText('Exported progressive.jpg', { timeout: 170_000 });
  expect(decodedSize(`${stem}.jpg`)).toEqual([W, H]);
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(errors).toEqual([]);
});

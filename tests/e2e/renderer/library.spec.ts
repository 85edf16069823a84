/**
 * Importing a folder into the library and regrouping it by hand (flows/regroup.ts), in Debian's
 * Chromium against main's real services; tests/e2e/electron/library.spec.ts runs it in Electron.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import { openApp, startAppHost } from '../app-page';
import { regroupFlow, writeShoot } from '../flows/regroup';
import { hostEnvironment } from '../host/host-environment';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { SAMPLE_DIR } from '../paths';

let host: TestHost;
let work: string;
let shoot: string;
let cutShoot: string;
let cutFrame: string;

test.beforeAll(async () => {
  host = await startAppHost();
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-library-'));
  shoot = writeShoot(work);
  // A bracket whose middle frame was copied only in part: its EXIF reads, its picture is cut short.
  cutShoot = join(work, 'cut');
  mkdirSync(cutShoot);
  cutFrame = writeBracket(cutShoot, { prefix: 'c', minute: 9 })[1];
  const whole = readFileSync(cutFrame);
  writeFileSync(cutFrame, whole.subarray(0, Math.floor(whole.length * 0.7)));
});

guardOriginals(() => [shoot, cutShoot, SAMPLE_DIR]);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('import a folder, correct the grouping by hand, open a bracket and merge it', async ({ page }) => {
  await openApp(page, host);
  await regroupFlow(page, hostEnvironment(host), shoot);
});

test('a bracket with a frame cut short keeps its other frames and says, in the accent colour, which one it left out; a hand edit clears it', async ({ page }) => {
  await openApp(page, host);
  await hostEnvironment(host).answerOpenFolder([cutShoot]);
  await page.getByTestId('import-folder').click();
  const group = page.getByTestId('group');
  await expect(group).toHaveCount(1);
  await expect(group.getByTestId('library-frame')).toHaveCount(2);
  const reason = group.getByTestId('group-reason');
  await expect(reason).toContainText('1 of its 3 frames cannot be merged and is left out (c-2.jpg)');
  await expect(reason).toHaveClass(/warn/);
  await expect(reason).toHaveAttribute('title', /c-2\.jpg: truncated or corrupt JPEG/);
  await expect(page.getByTestId('library-errors')).toContainText('c-2.jpg');
  await hostEnvironment(host).screenshot(page, 'library-frame-left-out');
  // Split by hand: the group is the user's now, and what import said of it no longer shows.
  await group.getByTestId('split-here').first().click();
  await expect(page.getByTestId('group').first().getByTestId('group-reason')).toHaveText('Split by hand');
  await expect(page.getByTestId('group').first().getByTestId('group-reason')).not.toHaveClass(/warn/);
});

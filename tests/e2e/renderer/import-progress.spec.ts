/**
 * A long import shows its progress and can be cancelled: the test host delays each file's header
 * read, so 48 files take a few seconds; the library panel counts them, "Cancel import" stops the
 * scan and adds nothing; the same folder imported again (without cancelling) gives its brackets.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import { openApp, startAppHost } from '../app-page';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS } from '../paths';

const BRACKETS = 16;
let host: TestHost;
let work: string;
let card: string;

test.beforeAll(async () => {
  // 16 files at a time, 600 ms each: 48 files take about 1.8 s to read.
  host = await startAppHost({ scanReadDelayMs: 600 });
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-import-'));
  card = join(work, 'card');
  mkdirSync(card, { recursive: true });
  for (let i = 0; i < BRACKETS; i++) writeBracket(card, { prefix: `b${String(i).padStart(2, '0')}`, minute: i * 3, width: 64, height: 48 });
});

guardOriginals(() => [card]);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a long import shows how far it is, Cancel stops it and adds nothing, a second import completes', async ({ page }) => {
  await openApp(page, host);
  host.dialogs.folders.push([card]);
  await page.getByTestId('import-folder').click();

  const scanning = page.getByTestId('scanning');
  await expect(scanning).toContainText(`of ${BRACKETS * 3} files`);
  const progress = page.getByTestId('scan-progress');
  await expect(progress).toHaveAttribute('max', String(BRACKETS * 3));
  await page.screenshot({ path: join(ARTIFACTS, 'import-progress.png') });

  await page.getByRole('button', { name: 'Cancel import' }).click();
  await expect(scanning).toHaveCount(0);
  await expect(page.getByText('Import cancelled: nothing was added')).toBeVisible();
  await expect(page.getByTestId('group')).toHaveCount(0);
  expect(host.calls).toContain('library:scan-cancel');

  host.dialogs.folders.push([card]);
  await page.getByTestId('import-folder').click();
  await expect(page.getByTestId('group')).toHaveCount(BRACKETS, { timeout: 60_000 });
  await expect(scanning).toHaveCount(0);
});

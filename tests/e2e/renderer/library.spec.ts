/**
 * Importing a folder into the library: brackets found from EXIF, shown with thumbnails and the
 * reason; the user splits, joins, moves and excludes frames, then opens a bracket and merges it.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import { openApp as openPage } from '../app-page';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, RENDERER_OUT, SAMPLE_DIR } from '../paths';

let host: TestHost;
let work: string;
let shoot: string;

test.beforeAll(async () => {
  host = await startTestHost(RENDERER_OUT);
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-library-'));
  shoot = join(work, 'card');
  mkdirSync(join(shoot, 'DCIM'), { recursive: true });
  // Two brackets a few minutes apart, and one file that is not an image Luxfuse reads.
  writeBracket(shoot, { prefix: 'a', minute: 0 });
  writeBracket(join(shoot, 'DCIM'), { prefix: 'b', minute: 5 });
  copyFileSync(join(SAMPLE_DIR, '..', '..', 'README.md'), join(shoot, 'notes.jpg'));
  mkdirSync(ARTIFACTS, { recursive: true });
});

guardOriginals(() => [shoot, SAMPLE_DIR]);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openApp(page: Page): Promise<void> {
  await openPage(page, host);
}

test('import a folder, correct the grouping by hand, open a bracket and merge it', async ({ page }) => {
  await openApp(page);
  host.dialogs.folders.push([shoot]);
  await page.getByTestId('import-folder').click();

  const groups = page.getByTestId('group');
  await expect(groups).toHaveCount(2);
  await expect(groups.nth(0).getByTestId('library-frame')).toHaveCount(3);
  await expect(groups.nth(0).getByTestId('group-reason')).toContainText('3 frames');
  // The unreadable file is listed with its name, the rest of the import went on.
  await expect(page.getByTestId('library-errors')).toContainText('notes.jpg');
  // Thumbnails arrive from main.
  await expect(groups.nth(0).locator('canvas[data-loaded="true"]')).toHaveCount(3);
  await page.screenshot({ path: join(ARTIFACTS, 'library.png') });

  // Split the first bracket after its first frame, then join it back.
  await groups.nth(0).getByTestId('split-here').first().click();
  await expect(groups).toHaveCount(3);
  await expect(groups.nth(0).getByTestId('library-frame')).toHaveCount(1);
  await groups.nth(1).getByTestId('join-up').click();
  await expect(groups).toHaveCount(2);
  await expect(groups.nth(0).getByTestId('library-frame')).toHaveCount(3);

  // Drag the last frame of the second bracket into the first.
  await groups.nth(1).getByTestId('library-frame').last().dragTo(groups.nth(0));
  await expect(groups.nth(0).getByTestId('library-frame')).toHaveCount(4);
  await expect(groups.nth(1).getByTestId('library-frame')).toHaveCount(2);
  await expect(groups.nth(0).getByTestId('group-reason')).toHaveText('Edited by hand');

  // Exclude the moved frame again, open the bracket: three frames are merged.
  await groups.nth(0).getByTestId('include-frame').last().uncheck();
  await groups.nth(0).getByTestId('open-group').click();
  await expect(page.getByTestId('frame')).toHaveCount(3);
  await expect(page.getByTestId('preview')).toBeVisible();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await page.screenshot({ path: join(ARTIFACTS, 'library-merged.png') });
});

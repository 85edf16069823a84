/**
 * The Export dialog and batch export in Debian's Chromium against the built renderer, with main's
 * real services behind the test host: JPEG + 16-bit TIFF + EXR with a naming template, a size limit
 * and a chosen folder, each file decoded; the overwrite question; errors shown in the dialog; the
 * settings remembered; then batches of generated brackets from the library with progress, a cancel
 * that leaves only whole files, and a failing group reported while the others are written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import { openApp, startAppHost } from '../app-page';
import { decodedSize, EXR_MAGIC } from '../flows/app-actions';
import { batchExportFlow, chooseExportFolder, exportDialog, importFolder, setFormats, writeTwoBrackets } from '../flows/batch-export';
import type { FlowEnvironment } from '../flows/environment';
import { hostEnvironment } from '../host/host-environment';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, SAMPLE_DIR, SAMPLES } from '../paths';

let host: TestHost;
let env: FlowEnvironment;
let work: string;
/** Two generated brackets, minutes apart. */
let card: string;
/** Three larger brackets, for the cancel. */
let slow: string;
const hasExrheader = existsSync('/usr/bin/exrheader');

test.beforeAll(async () => {
  host = await startAppHost();
  env = hostEnvironment(host);
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-export-'));
  card = join(work, 'card');
  slow = join(work, 'slow');
  mkdirSync(card);
  mkdirSync(slow);
  writeTwoBrackets(card);
  for (const [i, prefix] of ['p', 'q', 'r'].entries()) writeBracket(slow, { prefix, minute: i * 5, width: 720, height: 480 });
});

guardOriginals(() => [...SAMPLES, card, slow]);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openSample(page: Page): Promise<void> {
  host.dialogs.opens.push(SAMPLES);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
}

test('export JPEG, 16-bit TIFF and EXR with a naming template, a size limit and a chosen folder; overwrite asks; errors in place; settings kept', async ({ page }) => {
  const errors = await openApp(page, host);
  await openSample(page);
  const out = join(work, 'single');
  mkdirSync(out);

  // The dialog opens on the first frame's folder with the default name; Esc closes it.
  await page.getByTestId('export').click();
  await expect(exportDialog(page)).toBeVisible();
  await expect(exportDialog(page).getByTestId('export-folder')).toHaveValue(SAMPLE_DIR);
  await expect(exportDialog(page).getByTestId('export-names')).toHaveText('sample-1-hdr.jpg, sample-1-hdr.exr');
  await page.keyboard.press('Escape');
  await expect(exportDialog(page)).toBeHidden();

  // Keyboard: the dialog takes the focus, and Tab moves through its controls.
  await page.getByTestId('export').click();
  await expect(exportDialog(page).getByTestId('format-jpeg')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(exportDialog(page).getByTestId('format-exr')).toBeFocused();

  await setFormats(page, ['jpeg', 'exr', 'tiff']);
  // A bad template says why in place and export waits.
  await exportDialog(page).getByTestId('export-template').fill('{name}/{who}');
  await expect(exportDialog(page).getByTestId('export-problem')).toContainText('not a folder');
  await expect(exportDialog(page).getByTestId('export-submit')).toBeDisabled();
  await exportDialog(page).getByTestId('export-template').fill('{name}_{method}_{date}');
  await expect(exportDialog(page).getByTestId('export-names')).toHaveText('sample-1_learned_2026-06-21.jpg, sample-1_learned_2026-06-21.exr, sample-1_learned_2026-06-21.tif');
  await exportDialog(page).getByTestId('export-quality').fill('80');
  await exportDialog(page).getByTestId('export-quality').press('Tab');
  await exportDialog(page).getByTestId('export-limit').check();
  await exportDialog(page).getByTestId('export-max-side').fill('300');
  await exportDialog(page).getByTestId('export-max-side').press('Tab');
  await exportDialog(page).getByTestId('export-exr-type').selectOption('float');
  await exportDialog(page).getByTestId('export-exr-compression').selectOption('piz');

  // A folder that is not there: the export fails in the dialog, saying so.
  await chooseExportFolder(page, env, join(work, 'gone'));
  await exportDialog(page).getByTestId('export-submit').click();
  await expect(exportDialog(page).getByTestId('export-error')).toContainText(/gone/);
  await expect(exportDialog(page)).toBeVisible();

  await chooseExportFolder(page, env, out);
  expect(host.dialogs.chooseStartedIn.at(-1)).toBe(join(work, 'gone'));
  await page.screenshot({ path: join(ARTIFACTS, 'export-dialog.png') });
  await exportDialog(page).getByTestId('export-submit').click();
  await expect(exportDialog(page)).toBeHidden();
  const stem = join(out, 'sample-1_learned_2026-06-21');
  await expect(page.getByTestId('notice')).toContainText('Exported sample-1_learned_2026-06-21.exr, sample-1_learned_2026-06-21.jpg and sample-1_learned_2026-06-21.tif');

  // The display images are 300 px on their long side; the EXR keeps the merge's 1200x800, in float and PIZ.
  expect(decodedSize(`${stem}.jpg`)).toEqual([300, 200]);
  expect(decodedSize(`${stem}.tif`)).toEqual([300, 200]);
  expect(execFileSync('tiffinfo', [`${stem}.tif`], { encoding: 'utf8' })).toMatch(/Bits\/Sample: 16/);
  expect(readFileSync(`${stem}.exr`).subarray(0, 4)).toEqual(EXR_MAGIC);
  if (hasExrheader) {
    const header = execFileSync('exrheader', [`${stem}.exr`], { encoding: 'utf8' });
    expect(header).toMatch(/compression .*piz/i);
    expect(header).toMatch(/32-bit floating-point/);
    expect(header).toMatch(/dataWindow .*\(0 0\) - \(1199 799\)/);
  }

  // Again: the dialog lists the three files that exist; "Don't export" leaves them, Replace rewrites them.
  const before = statSync(`${stem}.jpg`).mtimeMs;
  await page.getByTestId('export').click();
  await expect(exportDialog(page).getByTestId('export-names')).toContainText('sample-1_learned_2026-06-21.tif');
  await exportDialog(page).getByTestId('export-submit').click();
  await expect(exportDialog(page).getByTestId('export-existing').locator('li')).toHaveText([
    'sample-1_learned_2026-06-21.jpg',
    'sample-1_learned_2026-06-21.exr',
    'sample-1_learned_2026-06-21.tif',
  ]);
  await page.screenshot({ path: join(ARTIFACTS, 'export-overwrite.png') });
  await exportDialog(page).getByTestId('export-keep').click();
  await expect(exportDialog(page).getByTestId('export-confirm')).toHaveCount(0);
  expect(statSync(`${stem}.jpg`).mtimeMs).toBe(before);
  await exportDialog(page).getByTestId('export-submit').click();
  await exportDialog(page).getByTestId('export-replace').click();
  await expect(exportDialog(page)).toBeHidden();
  expect(statSync(`${stem}.jpg`).mtimeMs).toBeGreaterThan(before);
  expect(readdirSync(out).sort()).toEqual(['sample-1_learned_2026-06-21.exr', 'sample-1_learned_2026-06-21.jpg', 'sample-1_learned_2026-06-21.tif']);

  // The settings are remembered in another window of the app.
  const again = await page.context().newPage();
  await openApp(again, host);
  await openSample(again);
  await again.getByTestId('export').click();
  await expect(exportDialog(again).getByTestId('export-template')).toHaveValue('{name}_{method}_{date}');
  await expect(exportDialog(again).getByTestId('format-tiff')).toBeChecked();
  await expect(exportDialog(again).getByTestId('export-max-side')).toHaveValue('300');
  await expect(exportDialog(again).getByTestId('export-folder')).toHaveValue(out);
  await again.close();
  expect(errors).toEqual([]);
});

test('batch export of two library brackets with progress and a summary; run again, the written ones are skipped', async ({ page }) => {
  const errors = await openApp(page, host);
  const out = join(work, 'batch');
  mkdirSync(out);
  await batchExportFlow(page, env, card, out);
  expect(errors).toEqual([]);
});

test('cancel stops before the next bracket: the summary says cancelled and only whole files are there', async ({ page }) => {
  const errors = await openApp(page, host);
  await importFolder(page, env, slow, 3);
  const out = join(work, 'cancelled');
  mkdirSync(out);
  await page.getByTestId('batch-export').click();
  await setFormats(page, ['jpeg', 'tiff']);
  await exportDialog(page).getByTestId('export-template').fill('{name}');
  await chooseExportFolder(page, env, out);
  await exportDialog(page).getByTestId('export-submit').click();
  const groups = exportDialog(page).getByTestId('batch-group');
  await expect(groups).toHaveCount(3);
  // Cancel while the first bracket is being exported: it finishes, the next ones are not started.
  await exportDialog(page).getByTestId('batch-cancel').click();
  await expect(exportDialog(page).getByTestId('batch-summary')).toContainText('cancelled');
  await page.screenshot({ path: join(ARTIFACTS, 'batch-cancelled.png') });
  const states = await groups.evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
  expect(states[0]).toBe('written');
  expect(states.at(-1)).toBe('cancelled');
  expect(states.filter((s) => s === 'written').length).toBeLessThan(3);
  // Whole files only: every file there decodes, no temporary is left, the cancelled brackets have none.
  const written = readdirSync(out).sort();
  const expected = ['p-1', 'q-1', 'r-1'].filter((_, i) => states[i] === 'written').flatMap((s) => [`${s}.jpg`, `${s}.tif`]);
  expect(written).toEqual(expected.sort());
  for (const f of written) expect(decodedSize(join(out, f))).toEqual([720, 480]);
  expect(errors).toEqual([]);
});

test('a bracket whose frame was truncated after import fails in the summary, with the file named; the others are written', async ({ page }) => {
  const broken = join(work, 'broken');
  mkdirSync(broken);
  writeBracket(broken, { prefix: 'x', minute: 0 });
  writeBracket(broken, { prefix: 'y', minute: 5 });
  const errors = await openApp(page, host);
  await importFolder(page, env, broken, 2);
  truncateSync(join(broken, 'x-2.jpg'), 300);
  const out = join(work, 'partly');
  mkdirSync(out);
  await page.getByTestId('batch-export').click();
  await setFormats(page, ['jpeg']);
  await exportDialog(page).getByTestId('export-template').fill('{name}-hdr');
  await chooseExportFolder(page, env, out);
  await exportDialog(page).getByTestId('export-submit').click();
  await expect(exportDialog(page).getByTestId('batch-summary')).toContainText('1 written, 0 skipped, 1 failed');
  const failed = exportDialog(page).locator('[data-testid="batch-group"][data-state="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('x-1-hdr');
  await expect(failed.getByTestId('batch-group-message')).toContainText('x-2.jpg');
  await page.screenshot({ path: join(ARTIFACTS, 'batch-failed.png') });
  expect(readdirSync(out)).toEqual(['y-1-hdr.jpg']);
  expect(decodedSize(join(out, 'y-1-hdr.jpg'))).toEqual([160, 112]);
  expect(errors).toEqual([]);
});

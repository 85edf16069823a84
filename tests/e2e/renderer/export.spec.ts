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
import { decodeJpeg } from '../../../src-shared/codecs/jpeg';
import { decodeTiff } from '../../../src-shared/codecs/tiff';
import { writeBracket } from '../../unit/helpers/bracket-fixture';
import { openApp } from '../app-page';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, RENDERER_OUT, SAMPLE_DIR, SAMPLES } from '../paths';

let host: TestHost;
let work: string;
/** Two generated brackets, minutes apart. */
let card: string;
/** Three larger brackets, for the cancel. */
let slow: string;
const hasExrheader = existsSync('/usr/bin/exrheader');

test.beforeAll(async () => {
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`renderer not built at ${RENDERER_OUT}: run 'npm run build' first`);
  host = await startTestHost(RENDERER_OUT);
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-export-'));
  card = join(work, 'card');
  slow = join(work, 'slow');
  mkdirSync(card);
  mkdirSync(slow);
  writeBracket(card, { prefix: 'a', minute: 0 });
  writeBracket(card, { prefix: 'b', minute: 5 });
  for (const [i, prefix] of ['p', 'q', 'r'].entries()) writeBracket(slow, { prefix, minute: i * 5, width: 720, height: 480 });
  mkdirSync(ARTIFACTS, { recursive: true });
});

guardOriginals(() => [...SAMPLES, card, slow]);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

const dialog = (page: Page) => page.getByTestId('export-dialog');

function decodedSize(path: string): [number, number] {
  const bytes = new Uint8Array(readFileSync(path));
  const img = path.endsWith('.tif') ? decodeTiff(bytes, path) : decodeJpeg(bytes, path);
  expect(img.data.some((v) => v > 0.05)).toBe(true);
  return [img.width, img.height];
}

async function openSample(page: Page): Promise<void> {
  host.dialogs.opens.push(SAMPLES);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
}

async function importFolder(page: Page, folder: string, groups: number): Promise<void> {
  host.dialogs.folders.push([folder]);
  await page.getByTestId('import-folder').click();
  await expect(page.getByTestId('group')).toHaveCount(groups);
}

async function chooseFolder(page: Page, folder: string): Promise<void> {
  host.dialogs.chosenFolders.push(folder);
  await dialog(page).getByTestId('export-choose-folder').click();
  await expect(dialog(page).getByTestId('export-folder')).toHaveValue(folder);
}

async function setFormats(page: Page, formats: string[]): Promise<void> {
  for (const f of ['jpeg', 'exr', 'tiff']) await dialog(page).getByTestId(`format-${f}`).setChecked(formats.includes(f));
}

test('export JPEG, 16-bit TIFF and EXR with a naming template, a size limit and a chosen folder; overwrite asks; errors in place; settings kept', async ({ page }) => {
  const errors = await openApp(page, host);
  await openSample(page);
  const out = join(work, 'single');
  mkdirSync(out);

  // The dialog opens on the first frame's folder with the default name; Esc closes it.
  await page.getByTestId('export').click();
  await expect(dialog(page)).toBeVisible();
  await expect(dialog(page).getByTestId('export-folder')).toHaveValue(SAMPLE_DIR);
  await expect(dialog(page).getByTestId('export-names')).toHaveText('sample-1-hdr.jpg, sample-1-hdr.exr');
  await page.keyboard.press('Escape');
  await expect(dialog(page)).toBeHidden();

  // Keyboard: the dialog takes the focus, and Tab moves through its controls.
  await page.getByTestId('export').click();
  await expect(dialog(page).getByTestId('format-jpeg')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(dialog(page).getByTestId('format-exr')).toBeFocused();

  await setFormats(page, ['jpeg', 'exr', 'tiff']);
  // A bad template says why in place and export waits.
  await dialog(page).getByTestId('export-template').fill('{name}/{who}');
  await expect(dialog(page).getByTestId('export-problem')).toContainText('not a folder');
  await expect(dialog(page).getByTestId('export-submit')).toBeDisabled();
  await dialog(page).getByTestId('export-template').fill('{name}_{method}_{date}');
  await expect(dialog(page).getByTestId('export-names')).toHaveText('sample-1_learned_2026-06-21.jpg, sample-1_learned_2026-06-21.exr, sample-1_learned_2026-06-21.tif');
  await dialog(page).getByTestId('export-quality').fill('80');
  await dialog(page).getByTestId('export-quality').press('Tab');
  await dialog(page).getByTestId('export-limit').check();
  await dialog(page).getByTestId('export-max-side').fill('300');
  await dialog(page).getByTestId('export-max-side').press('Tab');
  await dialog(page).getByTestId('export-exr-type').selectOption('float');
  await dialog(page).getByTestId('export-exr-compression').selectOption('piz');

  // A folder that is not there: the export fails in the dialog, saying so.
  await chooseFolder(page, join(work, 'gone'));
  await dialog(page).getByTestId('export-submit').click();
  await expect(dialog(page).getByTestId('export-error')).toContainText(/gone/);
  await expect(dialog(page)).toBeVisible();

  await chooseFolder(page, out);
  expect(host.dialogs.chooseStartedIn.at(-1)).toBe(join(work, 'gone'));
  await page.screenshot({ path: join(ARTIFACTS, 'export-dialog.png') });
  await dialog(page).getByTestId('export-submit').click();
  await expect(dialog(page)).toBeHidden();
  const stem = join(out, 'sample-1_learned_2026-06-21');
  await expect(page.getByTestId('notice')).toContainText('Exported sample-1_learned_2026-06-21.exr, sample-1_learned_2026-06-21.jpg and sample-1_learned_2026-06-21.tif');

  // The display images are 300 px on their long side; the EXR keeps the merge's 1200x800, in float and PIZ.
  expect(decodedSize(`${stem}.jpg`)).toEqual([300, 200]);
  expect(decodedSize(`${stem}.tif`)).toEqual([300, 200]);
  expect(execFileSync('tiffinfo', [`${stem}.tif`], { encoding: 'utf8' })).toMatch(/Bits\/Sample: 16/);
  expect(readFileSync(`${stem}.exr`).subarray(0, 4)).toEqual(Buffer.from([0x76, 0x2f, 0x31, 0x01]));
  if (hasExrheader) {
    const header = execFileSync('exrheader', [`${stem}.exr`], { encoding: 'utf8' });
    expect(header).toMatch(/compression .*piz/i);
    expect(header).toMatch(/32-bit floating-point/);
    expect(header).toMatch(/dataWindow .*\(0 0\) - \(1199 799\)/);
  }

  // Again: the dialog lists the three files that exist; "Don't export" leaves them, Replace rewrites them.
  const before = statSync(`${stem}.jpg`).mtimeMs;
  await page.getByTestId('export').click();
  await expect(dialog(page).getByTestId('export-names')).toContainText('sample-1_learned_2026-06-21.tif');
  await dialog(page).getByTestId('export-submit').click();
  await expect(dialog(page).getByTestId('export-existing').locator('li')).toHaveText([
    'sample-1_learned_2026-06-21.jpg',
    'sample-1_learned_2026-06-21.exr',
    'sample-1_learned_2026-06-21.tif',
  ]);
  await page.screenshot({ path: join(ARTIFACTS, 'export-overwrite.png') });
  await dialog(page).getByTestId('export-keep').click();
  await expect(dialog(page).getByTestId('export-confirm')).toHaveCount(0);
  expect(statSync(`${stem}.jpg`).mtimeMs).toBe(before);
  await dialog(page).getByTestId('export-submit').click();
  await dialog(page).getByTestId('export-replace').click();
  await expect(dialog(page)).toBeHidden();
  expect(statSync(`${stem}.jpg`).mtimeMs).toBeGreaterThan(before);
  expect(readdirSync(out).sort()).toEqual(['sample-1_learned_2026-06-21.exr', 'sample-1_learned_2026-06-21.jpg', 'sample-1_learned_2026-06-21.tif']);

  // The settings are remembered in another window of the app.
  const again = await page.context().newPage();
  await openApp(again, host);
  await openSample(again);
  await again.getByTestId('export').click();
  await expect(dialog(again).getByTestId('export-template')).toHaveValue('{name}_{method}_{date}');
  await expect(dialog(again).getByTestId('format-tiff')).toBeChecked();
  await expect(dialog(again).getByTestId('export-max-side')).toHaveValue('300');
  await expect(dialog(again).getByTestId('export-folder')).toHaveValue(out);
  await again.close();
  expect(errors).toEqual([]);
});

test('batch export of two library brackets with progress and a summary; run again, the written ones are skipped', async ({ page }) => {
  const errors = await openApp(page, host);
  await importFolder(page, card, 2);
  const out = join(work, 'batch');
  mkdirSync(out);
  await expect(page.getByTestId('batch-export')).toHaveText('Export all 2…');
  await page.getByTestId('batch-export').click();
  await expect(dialog(page)).toContainText('Export 2 brackets');
  await setFormats(page, ['jpeg', 'exr']);
  await dialog(page).getByTestId('export-template').fill('{n}-{name}-{date}');
  await expect(dialog(page).getByTestId('export-names')).toContainText('1-a-1-2026-01-01.jpg, 1-a-1-2026-01-01.exr');
  await expect(dialog(page).getByTestId('export-names')).toContainText('2-b-1-2026-01-01.jpg, 2-b-1-2026-01-01.exr');
  await chooseFolder(page, out);
  await dialog(page).getByTestId('export-submit').click();
  await expect(dialog(page).getByTestId('batch-overall')).toBeVisible();
  await expect(dialog(page).getByTestId('batch-group')).toHaveCount(2);
  await page.screenshot({ path: join(ARTIFACTS, 'batch-progress.png') });
  await expect(dialog(page).getByTestId('batch-summary')).toContainText('2 written, 0 skipped, 0 failed');
  await expect(dialog(page).getByTestId('batch-overall')).toHaveAttribute('data-value', '1.000');
  await page.screenshot({ path: join(ARTIFACTS, 'batch-summary.png') });
  expect(readdirSync(out).sort()).toEqual(['1-a-1-2026-01-01.exr', '1-a-1-2026-01-01.jpg', '2-b-1-2026-01-01.exr', '2-b-1-2026-01-01.jpg']);
  for (const name of ['1-a-1-2026-01-01.jpg', '2-b-1-2026-01-01.jpg']) expect(decodedSize(join(out, name))).toEqual([160, 112]);
  if (hasExrheader) expect(execFileSync('exrheader', [join(out, '2-b-1-2026-01-01.exr')], { encoding: 'utf8' })).toMatch(/compression .*zip/i);
  await dialog(page).getByTestId('export-close').click();
  await expect(dialog(page)).toBeHidden();

  // Only the ticked bracket, again: its files exist, "Skip those brackets" skips it.
  await page.getByTestId('group').nth(1).getByTestId('batch-select').check();
  await expect(page.getByTestId('batch-export')).toHaveText('Export 1 selected…');
  await page.getByTestId('batch-export').click();
  await expect(dialog(page).getByTestId('export-names')).toHaveText('Bracket 2: 1-b-1-2026-01-01.jpg, 1-b-1-2026-01-01.exr');
  await dialog(page).getByTestId('export-template').fill('2-{name}-{date}');
  await dialog(page).getByTestId('export-submit').click();
  await expect(dialog(page).getByTestId('export-existing').locator('li')).toHaveCount(2);
  await dialog(page).getByTestId('export-skip-existing').click();
  await expect(dialog(page).getByTestId('batch-summary')).toContainText('0 written, 1 skipped, 0 failed');
  expect(host.calls).toEqual(expect.arrayContaining(['batch:start', 'batch:status', 'files:existing', 'dialog:choose-folder']));
  expect(errors).toEqual([]);
});

test('cancel stops before the next bracket: the summary says cancelled and only whole files are there', async ({ page }) => {
  const errors = await openApp(page, host);
  await importFolder(page, slow, 3);
  const out = join(work, 'cancelled');
  mkdirSync(out);
  await page.getByTestId('batch-export').click();
  await setFormats(page, ['jpeg', 'tiff']);
  await dialog(page).getByTestId('export-template').fill('{name}');
  await chooseFolder(page, out);
  await dialog(page).getByTestId('export-submit').click();
  const groups = dialog(page).getByTestId('batch-group');
  await expect(groups).toHaveCount(3);
  // Cancel while the first bracket is being exported: it finishes, the next ones are not started.
  await dialog(page).getByTestId('batch-cancel').click();
  await expect(dialog(page).getByTestId('batch-summary')).toContainText('cancelled');
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
  await importFolder(page, broken, 2);
  truncateSync(join(broken, 'x-2.jpg'), 300);
  const out = join(work, 'partly');
  mkdirSync(out);
  await page.getByTestId('batch-export').click();
  await setFormats(page, ['jpeg']);
  await dialog(page).getByTestId('export-template').fill('{name}-hdr');
  await chooseFolder(page, out);
  await dialog(page).getByTestId('export-submit').click();
  await expect(dialog(page).getByTestId('batch-summary')).toContainText('1 written, 0 skipped, 1 failed');
  const failed = dialog(page).locator('[data-testid="batch-group"][data-state="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText('x-1-hdr');
  await expect(failed.getByTestId('batch-group-message')).toContainText('x-2.jpg');
  await page.screenshot({ path: join(ARTIFACTS, 'batch-failed.png') });
  expect(readdirSync(out)).toEqual(['y-1-hdr.jpg']);
  expect(decodedSize(join(out, 'y-1-hdr.jpg'))).toEqual([160, 112]);
  expect(errors).toEqual([]);
});

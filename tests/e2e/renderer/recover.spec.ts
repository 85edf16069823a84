/**
 * One photo instead of a bracket, in Debian's Chromium against the built renderer with main's real
 * services behind the test host: it opens as a one-frame project, is recovered by the correction
 * networks, shows its HDR estimate tone mapped, and exports EXR + JPEG like a merge.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { decodeImage } from '../../../src-shared/codecs/decode';
import { openApp, startAppHost } from '../app-page';
import { exportThroughDialog, previewMean } from '../flows/app-actions';
import { hostEnvironment } from '../host/host-environment';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, SAMPLES } from '../paths';

/** The sample bracket's darkest frame: a photo two stops under. */
const DARK = SAMPLES[0];

let host: TestHost;
let work: string;

test.beforeAll(async () => {
  host = await startAppHost();
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-recover-'));
});

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

guardOriginals(() => SAMPLES);

/** Mean 8-bit code of the photo itself, for comparison with the preview. */
function photoMean(): number {
  const img = decodeImage(new Uint8Array(readFileSync(DARK)), DARK);
  let sum = 0;
  for (const v of img.data) sum += 255 * (v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);
  return sum / img.data.length;
}

test('open one photo, recover it, view the HDR estimate, export EXR and JPEG', async ({ page }) => {
  const original = readFileSync(DARK);
  const errors = await openApp(page, host);
  host.dialogs.opens.push([DARK]);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('frame')).toHaveCount(1);
  await expect(page.getByTestId('merge-info')).toContainText('Recovered (learned)');
  await expect(page.getByTestId('method')).toHaveValue('recover');
  await expect(page.getByTestId('align')).toBeDisabled();
  await expect(page.getByTestId('correction')).toContainText('brightened by');

  // The recovered frame is much brighter than the photo as shot.
  const shot = photoMean();
  await expect.poll(() => previewMean(page)).toBeGreaterThan(shot + 25);
  await page.screenshot({ path: join(ARTIFACTS, 'recovered.png') });

  // The classical recovery is one choice away; the HDR estimate offers the tone operators.
  await page.getByTestId('method').selectOption('recover-classical');
  await expect(page.getByTestId('merge-info')).toContainText('Recovered (classical)');
  await page.getByTestId('method').selectOption('recover-hdr');
  await expect(page.getByTestId('merge-info')).toContainText('HDR estimate (learned)');
  await expect(page.getByTestId('operator')).toHaveValue('local-contrast');
  await page.screenshot({ path: join(ARTIFACTS, 'recovered-hdr.png') });

  const stem = join(work, 'recovered');
  await exportThroughDialog(page, hostEnvironment(host), stem);
  await expect(page.getByTestId('notice')).toContainText('Exported recovered.exr and recovered.jpg');
  expect(statSync(`${stem}.jpg`).size).toBeGreaterThan(1000);
  const header = execFileSync('exrheader', [`${stem}.exr`], { encoding: 'utf8' });
  expect(header).toMatch(/compression .*zip/i);
  expect(readFileSync(DARK).equals(original)).toBe(true);
  expect(errors).toEqual([]);
});

test('a single photo in the library opens alone from its Open button', async ({ page }) => {
  await openApp(page, host);
  host.dialogs.opens.push([DARK]);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('frame')).toHaveCount(1);
  await expect(page.getByTestId('single')).toHaveCount(1);
  await page.getByTestId('single').getByTestId('open-single').click();
  // The first test left this photo on its HDR view: the saved edits bring that back.
  await expect(page.getByTestId('merge-info')).toContainText('HDR estimate (learned)');
});

test('a photo the OS hands over (file association, command line) opens by itself', async ({ page }) => {
  host.launch.add([DARK]);
  await openApp(page, host, { expectEmpty: false });
  await expect(page.getByTestId('frame')).toHaveCount(1);
  await expect(page.getByTestId('merge-info')).toContainText(/Recovered|HDR estimate/);
  expect(host.calls).toContain('app:launch-files');
});

test('a bracket that lacks its darkest frame gets a synthesised one, listed with its exposure, and undo removes it', async ({ page }) => {
  const [, middle, bright] = SAMPLES;
  const originals = [middle, bright].map((p) => readFileSync(p));
  const errors = await openApp(page, host);
  host.dialogs.opens.push([middle, bright]);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('frame')).toHaveCount(2);
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');
  await page.getByTestId('method').selectOption('radiance');
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await expect(page.getByTestId('ev-list').locator('li')).toHaveCount(2);

  await page.getByTestId('synthesize').selectOption('dark');
  await expect(page.getByTestId('ev-list').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('ev-list').locator('li').nth(2)).toContainText(/synthetic -2 EV from .*\.jpg: -/);
  await page.screenshot({ path: join(ARTIFACTS, 'synthesised-dark.png') });

  const stem = join(work, 'synthesised');
  await exportThroughDialog(page, hostEnvironment(host), stem);
  await expect(page.getByTestId('notice')).toContainText('Exported synthesised.exr and synthesised.jpg');

  await page.getByTestId('undo').click();
  await expect(page.getByTestId('synthesize')).toHaveValue('off');
  await expect(page.getByTestId('ev-list').locator('li')).toHaveCount(2);
  [middle, bright].forEach((p, i) => expect(readFileSync(p).equals(originals[i])).toBe(true));
  expect(errors).toEqual([]);
});

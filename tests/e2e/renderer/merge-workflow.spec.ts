/**
 * The app's main workflow in Debian's Chromium against the built renderer, with main's real
 * services behind the test host: open a bracket, see frames and merge, move exposure, export.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../../src-main/app-protocol';
import { openApp as openPage, previewMean, exportThroughDialog } from '../app-page';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { ARTIFACTS, RENDERER_OUT, SAMPLES } from '../paths';

let host: TestHost;
let work: string;

test.beforeAll(async () => {
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`renderer not built at ${RENDERER_OUT}: run 'npm run build' first`);
  host = await startTestHost(RENDERER_OUT);
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-'));
  mkdirSync(ARTIFACTS, { recursive: true });
});

guardOriginals(() => SAMPLES);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function openApp(page: Page): Promise<void> {
  const errors = await openPage(page, host);
  expect(errors).toEqual([]);
}

async function setRange(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).evaluate((el: HTMLInputElement, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

test('the page is cross-origin isolated and has no Node or Electron in reach', async ({ page }) => {
  await openApp(page);
  const facts = await page.evaluate(() => ({
    isolated: window.crossOriginIsolated,
    sab: typeof SharedArrayBuffer,
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
  }));
  expect(facts).toEqual({ isolated: true, sab: 'function', require: 'undefined', process: 'undefined' });
  const response = await page.request.get(host.url);
  expect(response.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  // The built page carries the same policy as a meta (all but frame-ancestors, which a meta cannot set).
  expect(await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')).toBe(META_CONTENT_SECURITY_POLICY);
  // The CSP blocks inline scripts: an injected one must not run.
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
  });
  expect(ran).toBe(false);
});

test('open a bracket, merge, move exposure, export EXR and JPEG', async ({ page }) => {
  expect(SAMPLES.length).toBe(3);
  await openApp(page);
  host.dialogs.opens.push(SAMPLES);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('frame')).toHaveCount(3);
  await expect(page.getByTestId('preview')).toBeVisible();
  await expect(page.getByTestId('merge-info')).toContainText('Learned fusion');

  // Exposure up by two stops brightens the preview; back to zero restores it.
  const before = await previewMean(page);
  await setRange(page, 'exposure', 2);
  await expect(page.getByTestId('exposure-value')).toHaveValue('2.00');
  await expect.poll(() => previewMean(page)).toBeGreaterThan(before + 20);
  await setRange(page, 'exposure', 0);
  await expect.poll(() => previewMean(page)).toBeCloseTo(before, 0);

  // The learned fusion (the CNN) is the default; exposure fusion (Mertens) is one choice away.
  await page.getByTestId('method').selectOption('mertens');
  await expect(page.getByTestId('merge-info')).toContainText('Exposure fusion');

  // The radiance merge lists the exposures it used.
  await page.getByTestId('method').selectOption('radiance');
  await expect(page.getByTestId('merge-info')).toContainText('Radiance merge');
  await expect(page.getByTestId('ev-list').locator('li')).toHaveCount(3);

  // A radiance merge offers the tone operators; changing one re-renders the preview and its histogram.
  await expect(page.getByTestId('operator')).toHaveValue('local-contrast');
  await expect(page.getByTestId('histogram').locator('path')).toHaveCount(3);
  const localContrast = await previewMean(page);
  await page.getByTestId('operator').selectOption('filmic');
  await expect.poll(async () => Math.abs((await previewMean(page)) - localContrast)).toBeGreaterThan(1);
  await page.getByTestId('shadows-value').fill('0.5');
  await page.getByTestId('shadows-value').press('Enter');
  await expect(page.getByTestId('shadows')).toHaveValue('0.5');

  await page.screenshot({ path: join(ARTIFACTS, 'after-merge.png') });

  const stem = join(work, 'exported');
  await exportThroughDialog(page, host, stem);
  await expect(page.getByTestId('notice')).toContainText('Exported exported.exr and exported.jpg');
  expect(statSync(`${stem}.exr`).size).toBeGreaterThan(1000);
  expect(statSync(`${stem}.jpg`).size).toBeGreaterThan(1000);
  // The OpenEXR library itself must accept the file.
  const header = execFileSync('exrheader', [`${stem}.exr`], { encoding: 'utf8' });
  expect(header).toMatch(/compression .*zip/i);
  expect(host.calls).toEqual(expect.arrayContaining(['dialog:open-images', 'project:load', 'project:merge', 'project:export']));
});

test('a corrupt file among the frames gives an error naming it, and nothing is loaded', async ({ page }) => {
  const bad = join(work, 'broken.jpg');
  writeFileSync(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
  await openApp(page);
  host.dialogs.opens.push([SAMPLES[0], bad]);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('error')).toContainText('broken.jpg');
  await expect(page.getByTestId('frame')).toHaveCount(0);
});

test('dropping the frames on the window loads and merges them', async ({ page }) => {
  await openApp(page);
  const names = SAMPLES.map((p) => p.split('/').pop()!);
  const dataTransfer = await page.evaluateHandle((files: string[]) => {
    const dt = new DataTransfer();
    for (const name of files) dt.items.add(new File([new Uint8Array(4)], name, { type: 'image/jpeg' }));
    return dt;
  }, names);
  await page.dispatchEvent('body', 'drop', { dataTransfer });
  await expect(page.getByTestId('frame')).toHaveCount(3);
  await expect(page.getByTestId('preview')).toBeVisible();
});

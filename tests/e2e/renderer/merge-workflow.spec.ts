/**
 * The app's main workflow in Debian's Chromium against the built renderer, with main's real
 * services behind the test host: open a bracket, see frames and merge, move exposure, export
 * (flows/merge-tone-export.ts, which tests/e2e/electron/merge-workflow.spec.ts runs in Electron).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../../src-main/app-protocol';
import { openApp as openPage, startAppHost } from '../app-page';
import { mergeToneExportFlow } from '../flows/merge-tone-export';
import { hostEnvironment } from '../host/host-environment';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { SAMPLES } from '../paths';

let host: TestHost;
let work: string;

test.beforeAll(async () => {
  host = await startAppHost();
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-'));
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
  await openApp(page);
  await mergeToneExportFlow(page, hostEnvironment(host), SAMPLES, join(work, 'exported'));
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

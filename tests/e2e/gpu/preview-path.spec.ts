/**
 * The app's preview picks its tone path: WebGPU when the browser has a device it accepts, the CPU
 * (with the reason on the canvas) when it only has a software adapter, unless told to take that.
 * Runs against the built renderer and the test host, like tests/e2e/renderer.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { openApp } from '../app-page';
import { previewMean } from '../flows/app-actions';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { RENDERER_OUT, SAMPLES } from '../paths';

let host: TestHost;

test.beforeAll(async () => {
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`renderer not built at ${RENDERER_OUT}: run 'npm run build' first`);
  host = await startTestHost(RENDERER_OUT);
});

test.afterAll(async () => {
  await host?.close();
});
guardOriginals(() => SAMPLES);

async function openAndMerge(page: Page, gpuSetting: string | null): Promise<void> {
  // This spec is about the tone preview's path: the learned network (the default method) stays in
  // main, or 'software' would also run it on SwiftShader at 1024 px (minutes; learned-webgpu.spec covers that).
  await page.addInitScript(() => localStorage.setItem('luxfuse:model', 'main'));
  const errors = await openApp(page, host, { gpuSetting, expectEmpty: false });
  host.dialogs.opens.push(SAMPLES);
  await page.getByTestId('open').click();
  await expect(page.getByTestId('frame')).toHaveCount(3);
  await expect(page.getByTestId('preview')).toBeVisible();
  expect(errors).toEqual([]);
}

test('with only a software adapter the preview stays on the CPU and says why', async ({ page }) => {
  await openAndMerge(page, null);
  const preview = page.getByTestId('preview');
  await expect(preview).toHaveAttribute('data-tone-path', 'cpu');
  await expect(preview).toHaveAttribute('data-tone-fallback', /software adapter|no WebGPU|no GPU adapter/);
});

test('allowed a software adapter, the preview renders on the GPU and follows the controls', async ({ page }) => {
  await openAndMerge(page, 'software');
  const preview = page.getByTestId('preview');
  const probe = await page.evaluate(async () => !!(await (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter()));
  if (!probe) {
    if (process.env.CI) throw new Error('WebGPU is not available in Chromium, and CI requires it');
    console.warn('[preview-path] WebGPU is not available in Chromium: the GPU preview test is skipped');
    test.skip(true, 'WebGPU unavailable');
  }
  await expect(preview).toHaveAttribute('data-tone-path', 'gpu');
  await expect(preview).not.toHaveAttribute('data-tone-fallback');
  const before = await previewMean(page);
  expect(before).toBeGreaterThan(5);
  await page.getByTestId('exposure').evaluate((el: HTMLInputElement) => {
    el.value = '2';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await expect.poll(() => previewMean(page)).toBeGreaterThan(before + 20);
  await expect(preview).toHaveAttribute('data-tone-path', 'gpu');
  // The histogram comes from the GPU pass too.
  await expect(page.getByTestId('histogram').locator('path')).toHaveCount(3);
});

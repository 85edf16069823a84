/** Opening a WebGPU harness page in a spec: page errors fail it, and no WebGPU skips (locally) or fails (CI). */
import { expect, test, type Page } from '@playwright/test';

interface Probe {
  available: boolean;
  reason: string;
  adapter: string;
}

/**
 * Opens the harness at url, waits for window[globalName], and probes WebGPU through its probe().
 * `tag` names the spec in the log and `what` the tests that are skipped without WebGPU.
 */
export async function openWebGpuHarness(page: Page, url: string, globalName: string, tag: string, what: string): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') console.log(`[harness] ${m.text()}`);
  });
  await page.goto(url);
  await page.waitForFunction((name) => name in window, globalName);
  expect(errors).toEqual([]);
  const probe = await page.evaluate((name) => (window as unknown as Record<string, { probe(): Promise<Probe> }>)[name].probe(), globalName);
  if (!probe.available) {
    if (process.env.CI) throw new Error(`WebGPU is not available in Chromium (${probe.reason}), and CI requires it`);
    console.warn(`[${tag}] WebGPU is not available in Chromium (${probe.reason}): ${what} are skipped`);
    test.skip(true, `WebGPU unavailable: ${probe.reason}`);
  }
  console.log(`[${tag}] adapter: ${probe.adapter}`);
}

/** What every renderer spec does to a page: install the bridge shim and open the app on the test host. */
import { expect, type Page } from '@playwright/test';
import { BRIDGE_GLOBAL, CHANNELS } from '../../src-preload/contract';
import { installBridgeShim } from './host/bridge-shim';
import type { TestHost } from './host/test-host';
import { SAMPLE_DIR } from './paths';

/** Opens the app on the test host with the bridge shim; returns the page errors seen (expected to stay empty). */
export async function openApp(
  page: Page,
  host: TestHost,
  options: { gpuSetting?: string | null; expectEmpty?: boolean; /** Where dropped files and folders are taken to live (default the samples). */ dropFolder?: string } = {},
): Promise<string[]> {
  await page.addInitScript(installBridgeShim, { channels: CHANNELS, globalName: BRIDGE_GLOBAL, dropFolder: options.dropFolder ?? SAMPLE_DIR });
  if (options.gpuSetting) await page.addInitScript((v) => localStorage.setItem('luxfuse:gpu', v), options.gpuSetting);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(host.url);
  if (options.expectEmpty !== false) await expect(page.getByTestId('empty-state')).toBeVisible();
  return errors;
}

/** What every renderer spec does to a page: install the bridge shim and open the app on the test host. */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { BRIDGE_GLOBAL, CHANNELS } from '../../src-preload/contract';
import { installBridgeShim } from './host/bridge-shim';
import { startTestHost, type TestHost, type TestHostOptions } from './host/test-host';
import { ARTIFACTS, RENDERER_OUT, SAMPLE_DIR } from './paths';

/**
 * What every renderer spec's beforeAll does: checks the renderer is built (a clear error, not a blank page, when it is
 * not), makes the artifacts folder for its screenshots, and starts the test host on the built renderer.
 */
export async function startAppHost(options: TestHostOptions = {}): Promise<TestHost> {
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`renderer not built at ${RENDERER_OUT}: run 'npm run build' first`);
  mkdirSync(ARTIFACTS, { recursive: true });
  return startTestHost(RENDERER_OUT, options);
}

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

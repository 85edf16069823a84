/**
 * The learned merge without WebGPU for its network: with navigator.gpu removed, and with only a
 * software adapter (this machine's, refused by default), the indicator says the model runs on the
 * CPU and why, main runs the network (WASM in its engine thread), and the merge works; main was
 * asked to ready its network at app start, before any file was opened (models:warm).
 */
import { expect, test } from '@playwright/test';
import { openApp, startAppHost } from '../app-page';
import type { TestHost } from '../host/test-host';
import { chooseMethod, openSamples, recordMerges } from '../model-merges';
import { decodeWire } from '../host/wire';
import { guardOriginals } from '../originals';
import { SAMPLES } from '../paths';

let host: TestHost;

test.beforeAll(async () => {
  host = await startAppHost();
});
test.afterAll(async () => host?.close());
guardOriginals(() => SAMPLES);

test('without WebGPU the learned merge runs in main and the indicator says why', async ({ page }) => {
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
  const merges = recordMerges(page);
  // Answered once the engine has readied the model, or given up: either way without an error.
  const warmed = page.waitForResponse((r) => r.url().endsWith('/__ipc/models%3Awarm'));
  const errors = await openApp(page, host, { expectEmpty: false });
  await openSamples(page, host);
  expect(host.calls.slice(0, host.calls.indexOf('project:load'))).toContain('models:warm');
  expect(decodeWire(await (await warmed).text())).toEqual({ ok: true, result: null });
  await chooseMethod(page, 'learned');
  await expect(page.getByTestId('model-status')).toHaveText('Model: CPU (WASM) — this browser has no WebGPU (navigator.gpu is missing)');
  await expect(page.getByTestId('tone-status')).toHaveText(/^Preview: CPU — .*no WebGPU/);
  const last = merges.at(-1)!;
  expect(last.result.method).toBe('learned');
  expect(last.result.network).toBe('main');
  expect(last.withWeights).toBe(false);
  await expect(page.getByTestId('preview')).toBeVisible();
  await expect(page.getByTestId('error')).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('with only a software adapter the model stays off the GPU by default, and says so', async ({ page }) => {
  const merges = recordMerges(page);
  const errors = await openApp(page, host, { expectEmpty: false });
  await openSamples(page, host);
  await chooseMethod(page, 'learned');
  await expect(page.getByTestId('model-status')).toHaveText(/^Model: CPU \(WASM\) — (only a software adapter|no GPU adapter|this browser has no WebGPU)/);
  expect(merges.at(-1)!.result.network).toBe('main');
  expect(errors).toEqual([]);
});

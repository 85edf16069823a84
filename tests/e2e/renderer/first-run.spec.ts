/**
 * The first-run target (flows/first-run.ts) in Debian's Chromium against main's real
 * services: the card's folder is dropped on the window. The same flow runs in the Electron app in
 * tests/e2e/electron/first-run.spec.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp, startAppHost } from '../app-page';
import { firstRunFlow, writeFirstRunCard } from '../flows/first-run';
import { hostEnvironment } from '../host/host-environment';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';

let host: TestHost;
let work: string;
let card: string;

test.beforeAll(async () => {
  host = await startAppHost();
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-first-run-'));
  card = writeFirstRunCard(work);
});
guardOriginals(() => [card]);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('drop a folder, open a bracket, change the exposure, export JPEG and EXR — in under a minute, by visible labels only', async ({ page }) => {
  const errors = await openApp(page, host, { dropFolder: work });
  await firstRunFlow(page, hostEnvironment(host), card);
  expect(errors).toEqual([]);
});

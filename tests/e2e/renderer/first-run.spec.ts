/**
 * The first-run target (flows/first-run.ts) in Debian's Chromium against main's real
 * services: the card's folder is dropped on the window. The same flow runs in the Electron app in
 * tests/e2e/electron/first-run.spec.ts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openApp } from '../app-page';
import { firstRunFlow, writeFirstRunCard } from '../flows/first-run';
import { hostEnvironment } from '../host/host-environment';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { RENDERER_OUT } from '../paths';

let host: TestHost;
let work: string;
let card: string;

test.beforeAll(async () => {
  if (!existsSync(join(RENDERER_OUT, 'index.html'))) throw new Error(`renderer not built at ${RENDERER_OUT}: run 'npm run build' first`);
  host = await startTestHost(RENDERER_OUT);
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

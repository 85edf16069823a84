/**
 * Importing a folder into the library and regrouping it by hand (flows/regroup.ts), in Debian's
 * Chromium against main's real services; tests/e2e/electron/library.spec.ts runs it in Electron.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { openApp } from '../app-page';
import { regroupFlow, writeShoot } from '../flows/regroup';
import { hostEnvironment } from '../host/host-environment';
import { startTestHost, type TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { RENDERER_OUT, SAMPLE_DIR } from '../paths';

let host: TestHost;
let work: string;
let shoot: string;

test.beforeAll(async () => {
  host = await startTestHost(RENDERER_OUT);
  work = mkdtempSync(join(tmpdir(), 'luxfuse-e2e-library-'));
  shoot = writeShoot(work);
});

guardOriginals(() => [shoot, SAMPLE_DIR]);

test.afterAll(async () => {
  await host?.close();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('import a folder, correct the grouping by hand, open a bracket and merge it', async ({ page }) => {
  await openApp(page, host);
  await regroupFlow(page, hostEnvironment(host), shoot);
});

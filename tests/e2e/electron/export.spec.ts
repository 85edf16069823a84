/** Batch export (flows/batch-export.ts) in the Electron app: two library brackets to a folder chosen in the native dialog, then the written one skipped. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { batchExportFlow, writeTwoBrackets } from '../flows/batch-export';
import { guardOriginals } from '../originals';
import { ElectronApp, skipWithoutElectron } from './electron-app';

test.describe('batch export in Electron', () => {
  skipWithoutElectron();
  let work: string;
  let card: string;
  let app: ElectronApp | undefined;

  test.beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'luxfuse-electron-export-'));
    card = join(work, 'card');
    mkdirSync(card);
    writeTwoBrackets(card);
  });
  guardOriginals(() => [card]);
  test.afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  test.afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('batch export of two library brackets with progress and a summary; run again, the written ones are skipped', async () => {
    app = await ElectronApp.launch();
    const out = join(work, 'batch');
    mkdirSync(out);
    await batchExportFlow(app.page, app, card, out);
    expect(app.errors).toEqual([]);
  });
});

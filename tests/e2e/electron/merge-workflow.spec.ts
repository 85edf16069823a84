/** The main workflow (flows/merge-tone-export.ts) in the Electron app: open, merge, tone, export EXR and JPEG. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { mergeToneExportFlow } from '../flows/merge-tone-export';
import { guardOriginals } from '../originals';
import { SAMPLES } from '../paths';
import { ElectronApp, skipWithoutElectron } from './electron-app';

test.describe('merge workflow in Electron', () => {
  skipWithoutElectron();
  let work: string;
  let app: ElectronApp | undefined;

  test.beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'luxfuse-electron-merge-'));
  });
  guardOriginals(() => SAMPLES);
  test.afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  test.afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('open a bracket, merge, move exposure, change the tone operator, export EXR and JPEG', async () => {
    app = await ElectronApp.launch();
    await mergeToneExportFlow(app.page, app, SAMPLES, join(work, 'exported'));
    expect(app.errors).toEqual([]);
  });
});

/** Importing a folder into the library and regrouping it by hand (flows/regroup.ts) in the Electron app, the folder chosen in the native dialog. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { regroupFlow, writeShoot } from '../flows/regroup';
import { guardOriginals } from '../originals';
import { ElectronApp, skipWithoutElectron } from './electron-app';

test.describe('library in Electron', () => {
  skipWithoutElectron();
  let work: string;
  let shoot: string;
  let app: ElectronApp | undefined;

  test.beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'luxfuse-electron-library-'));
    shoot = writeShoot(work);
  });
  guardOriginals(() => [shoot]);
  test.afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  test.afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('import a folder, correct the grouping by hand, open a bracket and merge it', async () => {
    app = await ElectronApp.launch();
    await regroupFlow(app.page, app, shoot);
    expect(app.errors).toEqual([]);
  });
});

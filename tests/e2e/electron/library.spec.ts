/** Importing a folder into the library and regrouping it by hand (flows/regroup.ts) in the Electron app, the folder chosen in the native dialog. */
import { expect, test } from '@playwright/test';
import { regroupFlow, writeShoot } from '../flows/regroup';
import { electronSuite } from './electron-app';

test.describe('library in Electron', () => {
  const suite = electronSuite('library', (work) => ({ shoot: writeShoot(work) }), ({ shoot }) => [shoot]);

  test('import a folder, correct the grouping by hand, open a bracket and merge it', async () => {
    const app = await suite.launch();
    await regroupFlow(app.page, app, suite.inputs().shoot);
    expect(app.errors).toEqual([]);
  });
});

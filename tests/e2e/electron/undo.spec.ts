/** The editing model (flows/undo-redo.ts) in the Electron app: undo and redo, and edits saved in its user data coming back after a relaunch. */
import { expect, test } from '@playwright/test';
import { editsRestoredFlow, undoRedoFlow } from '../flows/undo-redo';
import { guardOriginals } from '../originals';
import { SAMPLES } from '../paths';
import { ElectronApp, skipWithoutElectron } from './electron-app';

test.describe('undo and saved edits in Electron', () => {
  skipWithoutElectron();
  let app: ElectronApp | undefined;
  guardOriginals(() => SAMPLES);
  // Each test launches on a user-data folder of its own: no saved edits from another.
  test.afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  test('undo and redo walk back through method, slider and operator changes', async () => {
    app = await ElectronApp.launch();
    await undoRedoFlow(app.page, app, SAMPLES);
    expect(app.errors).toEqual([]);
  });

  test('edits are saved as they are made and come back when the app opens the same files again', async () => {
    app = await ElectronApp.launch();
    await editsRestoredFlow(app.page, app, SAMPLES);
    expect(app.errors).toEqual([]);
  });
});

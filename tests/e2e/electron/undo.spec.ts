/** The editing model (flows/undo-redo.ts) in the Electron app: undo and redo, and edits saved in its user data coming back after a relaunch. */
import { expect, test } from '@playwright/test';
import { editsRestoredFlow, undoRedoFlow } from '../flows/undo-redo';
import { SAMPLES } from '../paths';
import { electronSuite } from './electron-app';

test.describe('undo and saved edits in Electron', () => {
  // Each test launches on a user-data folder of its own: no saved edits from another.
  const suite = electronSuite('undo', () => ({}), () => SAMPLES);

  test('undo and redo walk back through method, slider and operator changes', async () => {
    const app = await suite.launch();
    await undoRedoFlow(app.page, app, SAMPLES);
    expect(app.errors).toEqual([]);
  });

  test('edits are saved as they are made and come back when the app opens the same files again', async () => {
    const app = await suite.launch();
    await editsRestoredFlow(app.page, app, SAMPLES);
    expect(app.errors).toEqual([]);
  });
});

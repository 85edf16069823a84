/** The Ghosts panel (flows/ghost.ts) in the Electron app, on a moving bracket generated here: overlay, a painted stroke and its undo, threshold, reference, export; the strokes saved and restored. */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { deghostFlow, deghostRestoredFlow, writeMovingBracket } from '../flows/ghost';
import { electronSuite } from './electron-app';

test.describe('deghosting in Electron', () => {
  const suite = electronSuite('ghost', (work) => ({ bracket: writeMovingBracket(work) }), ({ bracket }) => bracket.files);

  test('deghost a moving bracket: overlay and area, a brush stroke and its undo, threshold, reference, export', async () => {
    const app = await suite.launch();
    const { bracket, work } = suite.inputs();
    await deghostFlow(app.page, app, bracket, join(work, 'deghosted'));
    expect(app.errors).toEqual([]);
  });

  test('the deghosting settings and strokes are saved with the edits and come back after a relaunch', async () => {
    const app = await suite.launch();
    await deghostRestoredFlow(app.page, app, suite.inputs().bracket);
    expect(app.errors).toEqual([]);
  });
});

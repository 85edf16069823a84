/** The Ghosts panel (flows/ghost.ts) in the Electron app, on a moving bracket generated here: overlay, a painted stroke and its undo, threshold, reference, export; the strokes saved and restored. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { deghostFlow, deghostRestoredFlow, writeMovingBracket, type MovingBracket } from '../flows/ghost';
import { guardOriginals } from '../originals';
import { ElectronApp, skipWithoutElectron } from './electron-app';

test.describe('deghosting in Electron', () => {
  skipWithoutElectron();
  let work: string;
  let bracket: MovingBracket;
  let app: ElectronApp | undefined;

  test.beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'luxfuse-electron-ghost-'));
    bracket = writeMovingBracket(work);
  });
  guardOriginals(() => bracket.files);
  test.afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  test.afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('deghost a moving bracket: overlay and area, a brush stroke and its undo, threshold, reference, export', async () => {
    app = await ElectronApp.launch();
    await deghostFlow(app.page, app, bracket, join(work, 'deghosted'));
    expect(app.errors).toEqual([]);
  });

  test('the deghosting settings and strokes are saved with the edits and come back after a relaunch', async () => {
    app = await ElectronApp.launch();
    await deghostRestoredFlow(app.page, app, bracket);
    expect(app.errors).toEqual([]);
  });
});

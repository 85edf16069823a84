/** The first-run flow (flows/first-run.ts) in the Electron app: the card's folder comes through File > Import folder's native dialog. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { firstRunFlow, writeFirstRunCard } from '../flows/first-run';
import { guardOriginals } from '../originals';
import { ElectronApp, skipWithoutElectron } from './electron-app';

test.describe('first run in Electron', () => {
  skipWithoutElectron();
  let work: string;
  let card: string;
  let app: ElectronApp | undefined;

  test.beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'luxfuse-electron-first-run-'));
    card = writeFirstRunCard(work);
  });
  guardOriginals(() => [card]);
  test.afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  test.afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('import a folder, open a bracket, change the exposure, export JPEG and EXR — in under a minute, by visible labels only', async () => {
    app = await ElectronApp.launch();
    await firstRunFlow(app.page, app, card);
    expect(app.errors).toEqual([]);
  });
});

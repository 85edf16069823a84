/** The first-run flow (flows/first-run.ts) in the Electron app: the card's folder comes through File > Import folder's native dialog. */
import { expect, test } from '@playwright/test';
import { firstRunFlow, writeFirstRunCard } from '../flows/first-run';
import { electronSuite } from './electron-app';

test.describe('first run in Electron', () => {
  const suite = electronSuite('first-run', (work) => ({ card: writeFirstRunCard(work) }), ({ card }) => [card]);

  test('import a folder, open a bracket, change the exposure, export JPEG and EXR — in under a minute, by visible labels only', async () => {
    const app = await suite.launch();
    await firstRunFlow(app.page, app, suite.inputs().card);
    expect(app.errors).toEqual([]);
  });
});

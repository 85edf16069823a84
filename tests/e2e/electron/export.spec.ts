/** Batch export (flows/batch-export.ts) in the Electron app: two library brackets to a folder chosen in the native dialog, then the written one skipped. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { batchExportFlow, writeTwoBrackets } from '../flows/batch-export';
import { electronSuite } from './electron-app';

test.describe('batch export in Electron', () => {
  const suite = electronSuite(
    'export',
    (work) => {
      const card = join(work, 'card');
      mkdirSync(card);
      writeTwoBrackets(card);
      return { card };
    },
    ({ card }) => [card],
  );

  test('batch export of two library brackets with progress and a summary; run again, the written ones are skipped', async () => {
    const app = await suite.launch();
    const { card, work } = suite.inputs();
    const out = join(work, 'batch');
    mkdirSync(out);
    await batchExportFlow(app.page, app, card, out);
    expect(app.errors).toEqual([]);
  });
});

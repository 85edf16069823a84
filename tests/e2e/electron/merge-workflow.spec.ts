/** The main workflow (flows/merge-tone-export.ts) in the Electron app: open, merge, tone, export EXR and JPEG. */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { mergeToneExportFlow } from '../flows/merge-tone-export';
import { SAMPLES } from '../paths';
import { electronSuite } from './electron-app';

test.describe('merge workflow in Electron', () => {
  const suite = electronSuite('merge', () => ({}), () => SAMPLES);

  test('open a bracket, merge, move exposure, change the tone operator, export EXR and JPEG', async () => {
    const app = await suite.launch();
    await mergeToneExportFlow(app.page, app, SAMPLES, join(suite.inputs().work, 'exported'));
    expect(app.errors).toEqual([]);
  });
});

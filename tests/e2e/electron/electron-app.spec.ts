/**
 * The real Electron window. Runs where Electron's binary is installed; where it is not (it is
 * downloaded from outside the npm registry on first use), every test here is reported as
 * skipped with the reason, never silently passed. The user flows run here too, from the same
 * definitions as in Chromium (tests/e2e/flows), in the other specs of this folder.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { LuxfuseBridge } from '../../../src-preload/contract';
import { guardOriginals } from '../originals';
import { SAMPLE_DIR } from '../paths';
import { ElectronApp, skipWithoutElectron } from './electron-app';

test.describe('Electron window', () => {
  skipWithoutElectron();
  guardOriginals(() => [SAMPLE_DIR]);

  test('opens sandboxed, serves app://, merges the sample through real IPC', async () => {
    const app = await ElectronApp.launch();
    const { page } = app;
    await expect(page).toHaveURL(/^app:\/\/luxfuse\//);
    const facts = await page.evaluate(() => ({
      isolated: window.crossOriginIsolated,
      require: typeof (window as unknown as { require?: unknown }).require,
      bridge: Object.keys((window as unknown as { luxfuse: object }).luxfuse).sort(),
    }));
    expect(facts.isolated).toBe(true);
    expect(facts.require).toBe('undefined');
    expect(facts.bridge).toContain('project:merge');
    const samples = ['sample-1.jpg', 'sample-2.jpg', 'sample-3.jpg'].map((f) => join(SAMPLE_DIR, f));
    const loaded = await page.evaluate((paths) => (window as unknown as { luxfuse: LuxfuseBridge }).luxfuse['project:load'](paths), samples);
    expect(loaded.frames).toHaveLength(3);
    await app.close();
  });
});

/**
 * The editing model (flows/undo-redo.ts) in Debian's Chromium: every change is one undoable step (a
 * slider drag is one), with buttons and shortcuts; saved edits come back. The same flows run in
 * Electron in tests/e2e/electron/undo.spec.ts.
 */
import { expect, test } from '@playwright/test';
import { openApp, startAppHost } from '../app-page';
import { editsRestoredFlow, undoRedoFlow } from '../flows/undo-redo';
import { hostEnvironment } from '../host/host-environment';
import type { TestHost } from '../host/test-host';
import { guardOriginals } from '../originals';
import { SAMPLES } from '../paths';

let host: TestHost;

// A host per test: each starts with no saved edits, so what one test leaves behind cannot be restored into the next.
test.beforeEach(async () => {
  host = await startAppHost();
});
test.afterEach(async () => host?.close());
guardOriginals(() => SAMPLES);

test('undo and redo walk back through method, slider and operator changes', async ({ page }) => {
  const errors = await openApp(page, host);
  await undoRedoFlow(page, hostEnvironment(host), SAMPLES);
  expect(errors).toEqual([]);
});

test('edits are saved as they are made and come back when the same files are opened again', async ({ browser }) => {
  const first = await browser.newPage();
  await openApp(first, host);
  const second = await editsRestoredFlow(first, hostEnvironment(host), SAMPLES);
  await second.close();
});

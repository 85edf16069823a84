/**
 * What a user flow needs from the place it runs in: the test host in Debian's Chromium
 * (host/host-environment.ts) or the Electron app (electron/electron-app.ts). The flows under
 * tests/e2e/flows take a Page and one of these, so both run the same steps and assertions.
 */
import { test, type Page } from '@playwright/test';
import type { SavedEdits } from '../../../src-preload/contract';

export interface FlowEnvironment {
  /** 'chromium' or 'electron': names the screenshots and the log lines, so both runs keep theirs. */
  readonly name: string;
  /** Queues the answer of the next "Open…" dialog (the native one in Electron). */
  answerOpenImages(paths: readonly string[]): Promise<void>;
  /** Queues the answer of the next "Import folder…" dialog. */
  answerOpenFolder(paths: readonly string[]): Promise<void>;
  /** Queues the answer of the export destination's next "Choose…". */
  answerChooseFolder(folder: string): Promise<void>;
  /**
   * Hands a folder to the window the way a user can here: dropped on it on the test host; in
   * Electron through File > Import folder's dialog, since a drop needs a File from the desktop
   * (a page-made File has no path for webUtils.getPathForFile).
   */
  supplyFolder(page: Page, folder: string): Promise<void>;
  /** The edits saved for these source files, as the next open would find them (null when none). */
  savedEdits(paths: readonly string[]): Promise<SavedEdits | null>;
  /**
   * Closes the window (nothing is saved on close, as in a crash) and opens the app again on the
   * same saved state; returns the new window, showing its empty state.
   */
  reopen(page: Page): Promise<Page>;
  /** The contract channels the page has called, in order; null where the test cannot see the IPC (Electron's). */
  ipcCalls(): readonly string[] | null;
  /** Saves a screenshot of the page under artifacts/e2e, kept apart per environment. */
  screenshot(page: Page, name: string): Promise<void>;
}

/**
 * Runs a check on the channels called, where the environment can see them; where it cannot, the
 * test is annotated with what went unchecked, so the report says so.
 */
export function checkIpcCalls(env: FlowEnvironment, what: string, check: (calls: readonly string[]) => void): void {
  const calls = env.ipcCalls();
  if (calls) check(calls);
  else test.info().annotations.push({ type: 'unchecked', description: `${what}: the IPC of ${env.name} is not visible to the test` });
}

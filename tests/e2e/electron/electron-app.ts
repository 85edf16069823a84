/**
 * The Electron app under Playwright for the specs here: where Electron's binary is (it is
 * downloaded from outside the npm registry on first use, so it may be missing), and a launch of
 * out/main/index.js with a user-data folder of its own (no saved edits, presets or recent files
 * from elsewhere) whose native Open dialogs the test answers. An ElectronApp is the flows'
 * environment (flows/environment.ts) for that window.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import type { SavedEdits } from '../../../src-preload/contract';
import { checkSavedEdits } from '../../../src-main/ipc/validate-args';
import { EditStore } from '../../../src-main/services/edit-store';
import type { FlowEnvironment } from '../flows/environment';
import { guardOriginals } from '../originals';
import { ARTIFACTS, ROOT } from '../paths';

function electronBinary(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('electron/package.json'));
    const pathFile = join(pkgDir, 'path.txt');
    if (!existsSync(pathFile)) return null;
    const binary = join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
    return existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** Electron's executable, or null where it is not installed. */
export const ELECTRON_BINARY = electronBinary();
export const SKIP_REASON = "Electron's binary is not installed on this machine (node_modules/electron/dist is empty); Electron e2e SKIPPED";
if (!ELECTRON_BINARY) console.warn(`[luxfuse e2e] ${SKIP_REASON}`);

/** Call inside a describe: its tests are reported skipped, with the reason, where there is no binary. */
export function skipWithoutElectron(): void {
  test.skip(!ELECTRON_BINARY, SKIP_REASON);
}

/**
 * The set-up every Electron spec shares, registered in the calling describe: skipped (with the reason)
 * without the binary; a work folder where `prepare` writes the test's inputs; the originals `originals`
 * names guarded against writes; the app of each test closed after it; the folder removed at the end.
 * `inputs()` is what prepare returned (from the first test on); `launch()` starts the app for one test.
 */
export function electronSuite<T>(name: string, prepare: (work: string) => T, originals: (inputs: T) => readonly string[]): {
  inputs: () => T & { work: string };
  launch: () => Promise<ElectronApp>;
} {
  skipWithoutElectron();
  let inputs: (T & { work: string }) | undefined;
  let app: ElectronApp | undefined;
  // Before guardOriginals' own beforeAll, which hashes what this writes.
  test.beforeAll(() => {
    const work = mkdtempSync(join(tmpdir(), `luxfuse-electron-${name}-`));
    inputs = { ...prepare(work), work };
  });
  guardOriginals(() => originals(inputs!));
  test.afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  test.afterAll(() => {
    if (inputs) rmSync(inputs.work, { recursive: true, force: true });
  });
  return {
    inputs: () => inputs!,
    launch: async () => (app = await ElectronApp.launch()),
  };
}

/** What the native Open dialogs answer, by the kind of dialog src-main/index.ts asks for. */
type DialogKind = 'images' | 'folders' | 'destination';

/**
 * Runs in main: dialog.showOpenDialog answers from queues the test fills (dialogAnswers), an empty
 * queue answering "cancelled". The kind is read from the options main passes, as the user would read the dialog.
 */
function installDialogAnswers({ dialog }: typeof import('electron')): void {
  const answers: Record<DialogKind, string[][]> = { images: [], folders: [], destination: [] };
  Object.assign(globalThis, { luxfuseDialogAnswers: answers });
  const kindOf = (options: Electron.OpenDialogOptions): DialogKind =>
    !options.properties?.includes('openDirectory') ? 'images' : options.properties.includes('createDirectory') ? 'destination' : 'folders';
  dialog.showOpenDialog = (async (...args: unknown[]) => {
    const next = answers[kindOf(args.at(-1) as Electron.OpenDialogOptions)].shift();
    return next ? { canceled: false, filePaths: next } : { canceled: true, filePaths: [] };
  }) as typeof dialog.showOpenDialog;
}

export class ElectronApp implements FlowEnvironment {
  readonly name = 'electron';
  /** Uncaught errors of the current window (expected to stay empty). */
  errors: string[] = [];

  private constructor(
    private app: ElectronApplication,
    /** The current window. */
    public page: Page,
    private readonly userData: string,
  ) {}

  /** Launches the app on a fresh user-data folder and waits for its empty window. */
  static async launch(): Promise<ElectronApp> {
    const userData = await mkdtemp(join(tmpdir(), 'luxfuse-electron-'));
    const started = await ElectronApp.start(userData).catch(async (error: unknown) => {
      await rm(userData, { recursive: true, force: true });
      throw error;
    });
    const app = new ElectronApp(...started, userData);
    app.watchErrors();
    return app;
  }

  private static async start(userData: string): Promise<[ElectronApplication, Page]> {
    const app = await electron.launch({ executablePath: ELECTRON_BINARY!, args: [join(ROOT, 'out/main/index.js'), `--user-data-dir=${userData}`] });
    try {
      // Saved edits are read back from here: the app must really be using it.
      expect(await app.evaluate(({ app }) => app.getPath('userData'))).toBe(userData);
      await app.evaluate(installDialogAnswers);
      const page = await app.firstWindow();
      await expect(page).toHaveURL(/^app:\/\/luxfuse\//);
      await expect(page.getByTestId('empty-state')).toBeVisible();
      return [app, page];
    } catch (error) {
      await app.close().catch(() => undefined);
      throw error;
    }
  }

  private watchErrors(): void {
    this.errors = [];
    this.page.on('pageerror', (e) => this.errors.push(e.message));
  }

  private answer(kind: DialogKind, paths: readonly string[]): Promise<void> {
    return this.app.evaluate((_electron, [k, p]) => {
      (globalThis as unknown as { luxfuseDialogAnswers: Record<DialogKind, string[][]> }).luxfuseDialogAnswers[k].push(p);
    }, [kind, [...paths]] as [DialogKind, string[]]);
  }

  answerOpenImages(paths: readonly string[]): Promise<void> {
    return this.answer('images', paths);
  }

  answerOpenFolder(paths: readonly string[]): Promise<void> {
    return this.answer('folders', paths);
  }

  answerChooseFolder(folder: string): Promise<void> {
    return this.answer('destination', [folder]);
  }

  async supplyFolder(page: Page, folder: string): Promise<void> {
    await this.answerOpenFolder([folder]);
    await page.getByRole('button', { name: 'Import folder…' }).click();
  }

  savedEdits(paths: readonly string[]): Promise<SavedEdits | null> {
    return new EditStore(join(this.userData, 'edits')).load(paths, (e) => checkSavedEdits('electron-e2e', e));
  }

  /** Quits the app (closing its only window quits it on Linux and Windows) and launches it again on the same user data. */
  async reopen(): Promise<Page> {
    await this.app.close();
    [this.app, this.page] = await ElectronApp.start(this.userData);
    this.watchErrors();
    return this.page;
  }

  ipcCalls(): null {
    return null;
  }

  async screenshot(page: Page, name: string): Promise<void> {
    mkdirSync(join(ARTIFACTS, 'electron'), { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'electron', `${name}.png`) });
  }

  /** Quits the app and removes its user-data folder. */
  async close(): Promise<void> {
    await this.app.close();
    await rm(this.userData, { recursive: true, force: true });
  }
}

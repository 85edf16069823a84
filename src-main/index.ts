/** Electron main: the app:// protocol, one locked-down window, IPC to the services. */
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_ORIGIN, APP_SCHEME, isAppUrl, mimeType, resolveRendererPath, securityHeaders } from './app-protocol';
import { createHandlers, type Dialogs } from './ipc/handlers';
import { EditStore } from './services/edit-store';
import { imagePathsFromArgv, LaunchFiles } from './services/launch-files';
import { LibraryService } from './services/library-service';
import { appMenuTemplate } from './menu';
import { PresetStore } from './services/preset-store';
import { RecentStore } from './services/recent-store';
import { MENU_COMMAND_EVENT, type MenuCommand, type RecentItem } from '../src-preload/contract';
import { useNativeZlib } from './services/native-zlib';
import { registerIpc } from './ipc/register-ipc';
import { Worker } from 'node:worker_threads';
import { WorkerProjectService } from './services/project-client';
import { secureWebPreferences } from './web-preferences';
import { IMAGE_EXTENSIONS } from '../src-shared/bracket/file-kind';

const RENDERER_ROOT = join(import.meta.dirname, '../renderer');
const PRELOAD = join(import.meta.dirname, '../preload/index.cjs');
/** The engine thread, built as its own entry beside index.js (electron.vite.config.ts). */
const PROJECT_WORKER = join(import.meta.dirname, 'project-worker.js');
/** Its helpers on the other cores (encoding display images), another entry beside it. */
const COMPUTE_WORKER = join(import.meta.dirname, 'compute-worker.js');

// Must run before 'ready': app:// behaves like https (secure context, fetch, CORS, service of WASM).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);

function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const path = resolveRendererPath(RENDERER_ROOT, new URL(request.url).pathname);
    if (!path || !isAppUrl(request.url)) return new Response('Not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(path).toString()).catch(() => null);
    if (!response || !response.ok) return new Response('Not found', { status: 404 });
    return new Response(response.body, { status: 200, headers: securityHeaders(mimeType(path)) });
  });
}

function electronDialogs(getWindow: () => BrowserWindow | null): Dialogs {
  return {
    async openImages() {
      const win = getWindow();
      const options: Electron.OpenDialogOptions = {
        title: 'Open a bracket',
        properties: ['openFile', 'multiSelections'],
        filters: [{ name: 'Images', extensions: [...IMAGE_EXTENSIONS] }],
      };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
    async openFolder() {
      const win = getWindow();
      const options: Electron.OpenDialogOptions = { title: 'Import a folder', properties: ['openDirectory', 'multiSelections'] };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths;
    },
    async chooseFolder(startIn) {
      const win = getWindow();
      const options: Electron.OpenDialogOptions = {
        title: 'Export to folder',
        properties: ['openDirectory', 'createDirectory'],
        ...(startIn ? { defaultPath: startIn } : {}),
      };
      const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
  };
}

function createWindow(): BrowserWindow {
  // sandbox, contextIsolation and Auxclick are set by secureWebPreferences (asserted whole by
  // tests/unit/main/web-preferences.test.ts); electronegativity cannot follow the call, hence:
  const win = new BrowserWindow({ // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
    width: 1360,
    height: 880,
    minWidth: 900,
    minHeight: 600,
    title: 'Luxfuse',
    backgroundColor: '#16181c',
    show: false,
    webPreferences: secureWebPreferences(PRELOAD),
  });
  win.once('ready-to-show', () => win.show());
  // No new windows, and nothing handed to the OS to open: the renderer has no links to follow.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

app.enableSandbox();

// Files handed over by the OS (file associations, the command line), kept until the window asks.
const launch = new LaunchFiles();
launch.add(imagePathsFromArgv(process.argv.slice(1), process.cwd()));
// macOS delivers double-clicked files as events, possibly before 'ready'.
app.on('open-file', (event, path) => {
  event.preventDefault();
  launch.add([path]);
});
// One instance: a second launch (opening more files) hands its files to the running one and quits.
const primary = app.requestSingleInstanceLock();
if (!primary) app.quit();

void app.whenReady().then(() => {
  if (!primary) return;
  useNativeZlib();
  // The app needs no camera, microphone, notifications or geolocation.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  serveRenderer();
  let mainWindow: BrowserWindow | null = null;
  // Packaged builds carry the models in resources/ (electron-builder extraResources); the engine thread inherits env.
  if (app.isPackaged && !process.env.LUXFUSE_MODELS) process.env.LUXFUSE_MODELS = join(process.resourcesPath, 'resources', 'models');
  const project = new WorkerProjectService(() => new Worker(PROJECT_WORKER, { workerData: { computeWorker: { path: COMPUTE_WORKER } } }));
  app.on('will-quit', () => void project.close());
  const edits = new EditStore(join(app.getPath('userData'), 'edits'));
  const presets = new PresetStore(join(app.getPath('userData'), 'presets.json'));
  const recent = new RecentStore(join(app.getPath('userData'), 'recent.json'));
  const send = (command: MenuCommand) => mainWindow?.webContents.send(MENU_COMMAND_EVENT, command);
  // The menu lists the recent files: rebuilt whenever the list changes.
  const setMenu = (items: readonly RecentItem[]) =>
    Menu.setApplicationMenu(
      Menu.buildFromTemplate(
        appMenuTemplate({
          platform: process.platform,
          appName: app.name,
          recent: items,
          dev: !app.isPackaged,
          actions: { send, clearRecent: () => void recent.clear().then(() => send({ action: 'recent-changed' })) },
        }),
      ),
    );
  recent.onchange = setMenu;
  setMenu([]);
  void recent.list().then(setMenu, () => undefined);
  registerIpc(ipcMain, createHandlers({ project, library: new LibraryService(), dialogs: electronDialogs(() => mainWindow), edits, launch, presets, recent }));
  app.on('second-instance', (_event, argv, cwd) => {
    launch.add(imagePathsFromArgv(argv.slice(1), cwd));
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

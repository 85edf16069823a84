/**
 * IPC handlers: thin adapters from channels to services. The same table serves Electron's
 * ipcMain (register-ipc.ts) and the e2e test host, so both run the real services.
 */
import { existsSync } from 'node:fs';
import { readModelBytes } from '../services/model-files';
import type { Channel, ChannelArgs, ChannelResult } from '../../src-preload/contract';
import type { EditStore } from '../services/edit-store';
import type { LaunchFiles } from '../services/launch-files';
import type { LibraryService } from '../services/library-service';
import type { PresetStore } from '../services/preset-store';
import type { RecentStore } from '../services/recent-store';
import { checkSavedEdits } from './validate-args';
import type { ProjectApi } from '../services/project-client';

/** The OS dialogs: Electron's in the app, scripted ones in the test host. */
export interface Dialogs {
  openImages(): Promise<string[]>;
  openFolder(): Promise<string[]>;
  /** A destination folder, starting in `startIn` when given; null when cancelled. */
  chooseFolder(startIn: string | null): Promise<string | null>;
}

export type Handlers = { [K in Channel]: (...args: ChannelArgs<K>) => Promise<ChannelResult<K>> };

export interface HandlerDeps {
  project: ProjectApi;
  library: LibraryService;
  dialogs: Dialogs;
  edits: EditStore;
  launch: LaunchFiles;
  presets: PresetStore;
  recent: RecentStore;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { project, library, dialogs, edits, launch, presets, recent } = deps;
  return {
    'dialog:open-images': () => dialogs.openImages(),
    'dialog:open-folder': () => dialogs.openFolder(),
    'dialog:choose-folder': (startIn) => dialogs.chooseFolder(startIn),
    'files:existing': async (paths) => paths.filter((p) => existsSync(p)),
    'library:scan': async (paths) => {
      const scan = await library.scan(paths);
      // Whatever was opened (a drop, a dialog, the menu, the OS) is remembered if it held images;
      // a list that cannot be written must not stop the import.
      if (scan.groups.length > 0 || scan.singles.length > 0) await recent.add(paths).catch(() => undefined);
      return scan;
    },
    'library:thumbnail': (path) => library.thumbnail(path),
    'library:scan-status': async () => library.scanStatus(),
    'library:scan-cancel': async () => {
      library.cancelScans();
      return null;
    },
    'project:load': (paths) => project.load(paths),
    'project:merge': (request) => project.merge(request),
    'project:fusion-input': (request) => project.fusionInput(request),
    'models:read': (model) => readModelBytes(model),
    'models:warm': (model) => project.warmModel(model),
    'project:export': (request) => project.export(request),
    'batch:start': (request) => project.batchStart(request),
    'batch:status': () => project.batchStatus(),
    'batch:cancel': () => project.batchCancel(),
    'project:frame-preview': (request) => project.framePreview(request),
    'project:preview-region': (request) => project.previewRegion(request),
    'project:weight-map': (request) => project.weightMap(request),
    // What is read back is checked like what the renderer sends: the file may have been edited.
    'edits:load': (paths) => edits.load(paths, (e) => checkSavedEdits('edits:load', e)),
    'edits:save': async (paths, saved) => {
      await edits.save(paths, saved);
      return null;
    },
    'app:launch-files': async () => launch.take(),
    'presets:list': () => presets.list(),
    'presets:save': (preset, replace) => presets.save(preset, replace),
    'presets:rename': (from, to) => presets.rename(from, to),
    'presets:delete': (name) => presets.remove(name),
    'recent:list': () => recent.list(),
    'recent:remove': (id) => recent.remove(id),
    'recent:clear': () => recent.clear(),
  };
}

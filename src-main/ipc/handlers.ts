/**
 * IPC handlers: thin adapters from channels to services. The same table serves Electron's
 * ipcMain (register-ipc.ts) and the e2e test host, so both run the real services.
 */
import type { Channel, ChannelArgs, ChannelResult } from '../../src-preload/contract';
import type { ProjectService } from '../services/project-service';

/** The OS dialogs: Electron's in the app, scripted ones in the test host. */
export interface Dialogs {
  openImages(): Promise<string[]>;
  saveExport(suggestedName: string): Promise<string | null>;
}

export type Handlers = { [K in Channel]: (...args: ChannelArgs<K>) => Promise<ChannelResult<K>> };

export function createHandlers(deps: { project: ProjectService; dialogs: Dialogs }): Handlers {
  const { project, dialogs } = deps;
  return {
    'dialog:open-images': () => dialogs.openImages(),
    'dialog:save-export': (name) => dialogs.saveExport(name),
    'project:load': (paths) => project.load(paths),
    'project:merge': (request) => project.merge(request),
    'project:export': (request) => project.export(request),
  };
}

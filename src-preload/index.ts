/**
 * The bridge: one async action per contract channel on window.luxfuse, and nothing else —
 * ipcRenderer itself never reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_GLOBAL, CHANNELS, ERROR_PREFIX, MENU_COMMAND_EVENT, type Channel, type LuxfuseBridge, type MenuCommand } from './contract';

/** Electron wraps handler errors as "Error invoking remote method 'x': Error: luxfuse: ..."; keep our part. */
function cleanError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(ERROR_PREFIX);
  return new Error(at >= 0 ? message.slice(at + ERROR_PREFIX.length) : message);
}

function action(channel: Channel) {
  return (...args: unknown[]) => ipcRenderer.invoke(channel, ...args).catch((error: unknown) => Promise.reject(cleanError(error)));
}

const bridge = Object.fromEntries(CHANNELS.map((channel) => [channel, action(channel)])) as unknown as Omit<LuxfuseBridge, 'pathForFile' | 'onMenuCommand'>;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, {
  ...bridge,
  pathForFile: (file: File) => webUtils.getPathForFile(file),
  // The page gets the command only, never the IpcRendererEvent (it carries the sender).
  onMenuCommand: (listener: (command: MenuCommand) => void) => {
    const relay = (_event: Electron.IpcRendererEvent, command: MenuCommand) => listener(command);
    ipcRenderer.on(MENU_COMMAND_EVENT, relay);
    return () => void ipcRenderer.removeListener(MENU_COMMAND_EVENT, relay);
  },
} satisfies LuxfuseBridge);

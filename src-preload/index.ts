/**
 * The bridge: one async action per contract channel on window.luxfuse, and nothing else —
 * ipcRenderer itself never reaches the page.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { BRIDGE_GLOBAL, CHANNELS, ERROR_PREFIX, type Channel, type LuxfuseBridge } from './contract';

/** Electron wraps handler errors as "Error invoking remote method 'x': Error: luxfuse: ..."; keep our part. */
function cleanError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  const at = message.indexOf(ERROR_PREFIX);
  return new Error(at >= 0 ? message.slice(at + ERROR_PREFIX.length) : message);
}

function action(channel: Channel) {
  return (...args: unknown[]) => ipcRenderer.invoke(channel, ...args).catch((error: unknown) => Promise.reject(cleanError(error)));
}

const bridge = Object.fromEntries(CHANNELS.map((channel) => [channel, action(channel)])) as unknown as Omit<LuxfuseBridge, 'pathForFile'>;

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, {
  ...bridge,
  pathForFile: (file: File) => webUtils.getPathForFile(file),
} satisfies LuxfuseBridge);

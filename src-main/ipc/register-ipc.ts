/**
 * Binds the handler table to ipcMain: every call is checked for its sender frame (the app's own
 * top-level page, GHSA-mq8j-3h7h-p8g7) and its arguments before a handler runs.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNELS, ERROR_PREFIX, type Channel } from '../../src-preload/contract';
import { isAppUrl } from '../app-protocol';
import type { Handlers } from './handlers';
import { validators } from './validate-args';

export class UntrustedSenderError extends Error {
  constructor(channel: string, url: string | undefined) {
    super(`${channel}: refused a call from ${url ?? 'an unknown frame'}`);
    this.name = 'UntrustedSenderError';
  }
}

/** The sender must be the app:// top-level frame. */
export function assertTrustedSender(channel: string, event: Pick<IpcMainInvokeEvent, 'senderFrame'>): void {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null || !isAppUrl(frame.url)) {
    throw new UntrustedSenderError(channel, frame?.url);
  }
}

/** Runs one call: sender check, argument validation, handler; errors carry a user-facing message. */
export async function dispatch<K extends Channel>(
  handlers: Handlers,
  channel: K,
  event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
  args: unknown[],
): Promise<unknown> {
  assertTrustedSender(channel, event);
  const valid = validators[channel](args);
  try {
    return await (handlers[channel] as (...a: unknown[]) => Promise<unknown>)(...valid);
  } catch (error) {
    // Electron keeps only the message across IPC; the prefix marks it as meant for the user.
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(ERROR_PREFIX + message);
  }
}

export function registerIpc(ipcMain: Pick<IpcMain, 'handle'>, handlers: Handlers): void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => dispatch(handlers, channel, event, args));
  }
}

/**
 * The native application menu as a plain template (Electron's MenuItemConstructorOptions), built by
 * a pure function so it is tested in Node: File > Open, Import Folder, Open Recent, Export send the
 * window the same actions as its buttons (MenuCommand); Edit, View and Window are Electron's roles.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { MenuCommand, RecentItem } from '../src-preload/contract';

export interface MenuActions {
  /** Sends a command to the window (webContents.send on MENU_COMMAND_EVENT). */
  send(command: MenuCommand): void;
  clearRecent(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  recent: readonly RecentItem[];
  /** Development builds get the developer tools. */
  dev: boolean;
  actions: MenuActions;
}

/** `&` marks a mnemonic in menu labels on Windows and Linux; a file called "R&D" must show as it is. */
export const menuText = (text: string) => text.replace(/&/g, '&&');

function recentItem(item: RecentItem, send: MenuActions['send']): MenuItemConstructorOptions {
  const present = item.paths.filter((p) => !item.missing.includes(p));
  const gone = present.length === 0;
  const label = menuText(item.label) + (gone ? ' (missing)' : item.missing.length > 0 ? ` (${item.missing.length} missing)` : '');
  return {
    label,
    // Hovering shows nothing in most menus, but VoiceOver and Windows read the tooltip.
    toolTip: item.paths.join('\n'),
    enabled: !gone,
    click: () => send({ action: 'open-recent', paths: present }),
  };
}

export function openRecentMenu(recent: readonly RecentItem[], actions: MenuActions): MenuItemConstructorOptions[] {
  const items = recent.map((item) => recentItem(item, actions.send));
  return [
    ...(items.length > 0 ? items : [{ label: 'No recent files', enabled: false }]),
    { type: 'separator' },
    { label: 'Clear Recent', enabled: recent.length > 0, click: () => actions.clearRecent() },
  ];
}

export function appMenuTemplate(options: MenuOptions): MenuItemConstructorOptions[] {
  const { platform, appName, recent, dev, actions } = options;
  const mac = platform === 'darwin';
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.send({ action: 'open-files' }) },
      { label: 'Import Folder…', accelerator: 'CmdOrCtrl+Shift+O', click: () => actions.send({ action: 'open-folder' }) },
      { label: 'Open Recent', submenu: openRecentMenu(recent, actions) },
      { type: 'separator' },
      { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.send({ action: 'export' }) },
      { type: 'separator' },
      mac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    // Roles, as in Electron's default menu: text fields keep their own undo and clipboard; the
    // window's own Ctrl+Z (the edit history) sees the key first.
    submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      ...(dev ? ([{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as MenuItemConstructorOptions[]) : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const app: MenuItemConstructorOptions[] = mac
    ? [{ label: appName, submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] }]
    : [];
  return [...app, file, edit, view, { role: 'windowMenu' }];
}

/** The native menu's template (the Electron binary is not needed): its labels, shortcuts, and the window actions its items send. */
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate, menuText, type MenuActions } from '../../../src-main/menu';
import type { MenuCommand, RecentItem } from '../../../src-preload/contract';

function actions(): MenuActions & { sent: MenuCommand[] } {
  const sent: MenuCommand[] = [];
  return { sent, send: (c) => sent.push(c), clearRecent: vi.fn() };
}

const recent: RecentItem[] = [
  { id: '1'.repeat(16), paths: ['/photos/R&D shoot'], label: 'R&D shoot', openedAt: '2025-01-02T00:00:00Z', missing: [] },
  { id: '2'.repeat(16), paths: ['/p/a/1.jpg', '/p/a/2.jpg', '/p/a/3.jpg'], label: '3 files in a', openedAt: '2025-01-01T00:00:00Z', missing: ['/p/a/2.jpg'] },
  { id: '3'.repeat(16), paths: ['/gone'], label: 'gone', openedAt: '2024-12-01T00:00:00Z', missing: ['/gone'] },
];

const sub = (item: MenuItemConstructorOptions | undefined) => (item?.submenu ?? []) as MenuItemConstructorOptions[];
const find = (items: MenuItemConstructorOptions[], label: string) => items.find((i) => i.label === label);
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as unknown as () => void)();

describe('application menu template', () => {
  it('has File, Edit, View and Window on Windows and Linux, with the app menu first on macOS', () => {
    const linux = appMenuTemplate({ platform: 'linux', appName: 'Luxfuse', recent: [], dev: false, actions: actions() });
    expect(linux.map((m) => m.label ?? m.role)).toEqual(['&File', '&Edit', '&View', 'windowMenu']);
    const mac = appMenuTemplate({ platform: 'darwin', appName: 'Luxfuse', recent: [], dev: false, actions: actions() });
    expect(mac.map((m) => m.label ?? m.role)).toEqual(['Luxfuse', '&File', '&Edit', '&View', 'windowMenu']);
    // Quit lives in the app menu on macOS, in File elsewhere.
    expect(sub(mac[0]).some((i) => i.role === 'quit')).toBe(true);
    expect(sub(mac[1]).some((i) => i.role === 'quit')).toBe(false);
    expect(sub(linux[0]).at(-1)?.role).toBe('quit');
  });

  it('lists File items with their shortcuts, each sending the window the action of its button', () => {
    const a = actions();
    const file = sub(appMenuTemplate({ platform: 'win32', appName: 'Luxfuse', recent, dev: false, actions: a })[0]);
    expect(file.filter((i) => i.label).map((i) => [i.label, i.accelerator ?? null])).toEqual([
      ['Open…', 'CmdOrCtrl+O'],
      ['Import Folder…', 'CmdOrCtrl+Shift+O'],
      ['Open Recent', null],
      ['Export…', 'CmdOrCtrl+E'],
    ]);
    click(find(file, 'Open…'));
    click(find(file, 'Import Folder…'));
    click(find(file, 'Export…'));
    expect(a.sent).toEqual([{ action: 'open-files' }, { action: 'open-folder' }, { action: 'export' }]);
  });

  it('lists recent entries newest first, opens what is still there, greys out what has gone, and clears', () => {
    const a = actions();
    const file = sub(appMenuTemplate({ platform: 'linux', appName: 'Luxfuse', recent, dev: false, actions: a })[0]);
    const items = sub(find(file, 'Open Recent'));
    expect(items.map((i) => i.label ?? i.type)).toEqual(['R&&D shoot', '3 files in a (1 missing)', 'gone (missing)', 'separator', 'Clear Recent']);
    expect(items.map((i) => i.enabled)).toEqual([true, true, false, undefined, true]);
    click(items[0]);
    click(items[1]);
    expect(a.sent).toEqual([
      { action: 'open-recent', paths: ['/photos/R&D shoot'] },
      { action: 'open-recent', paths: ['/p/a/1.jpg', '/p/a/3.jpg'] },
    ]);
    click(find(items, 'Clear Recent'));
    expect(a.clearRecent).toHaveBeenCalledOnce();
  });

  it('says there is nothing recent instead of an empty submenu', () => {
    const file = sub(appMenuTemplate({ platform: 'linux', appName: 'Luxfuse', recent: [], dev: false, actions: actions() })[0]);
    const items = sub(find(file, 'Open Recent'));
    expect(items[0]).toEqual({ label: 'No recent files', enabled: false });
    expect(find(items, 'Clear Recent')?.enabled).toBe(false);
  });

  it('keeps the edit roles (text fields) and gives developer tools to development builds only', () => {
    const [, edit, view] = appMenuTemplate({ platform: 'linux', appName: 'Luxfuse', recent: [], dev: false, actions: actions() });
    expect(sub(edit).map((i) => i.role ?? i.type)).toEqual(['undo', 'redo', 'separator', 'cut', 'copy', 'paste', 'selectAll']);
    expect(sub(view).some((i) => i.role === 'toggleDevTools')).toBe(false);
    const dev = appMenuTemplate({ platform: 'linux', appName: 'Luxfuse', recent: [], dev: true, actions: actions() });
    expect(sub(dev[2]).some((i) => i.role === 'toggleDevTools')).toBe(true);
  });

  it('escapes & so a name shows as it is', () => {
    expect(menuText('Tom & Jerry && co')).toBe('Tom && Jerry &&&& co');
  });
});

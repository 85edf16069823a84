import { describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../../../src-preload/contract';
import type { Handlers } from '../../../../src-main/ipc/handlers';
import { dispatch, registerIpc } from '../../../../src-main/ipc/register-ipc';

function fakeHandlers(): Handlers {
  return {
    'dialog:open-images': vi.fn(async () => ['/a.jpg']),
    'dialog:open-folder': vi.fn(async () => []),
    'dialog:choose-folder': vi.fn(async () => null),
    'files:existing': vi.fn(async () => []),
    'library:scan': vi.fn(async () => ({ groups: [], singles: [], errors: [] })),
    'library:thumbnail': vi.fn(async () => ({ width: 1, height: 1, data: new Uint8ClampedArray(4) })),
    'library:scan-status': vi.fn(async () => null),
    'library:scan-cancel': vi.fn(async () => null),
    'project:load': vi.fn(async () => ({ projectId: 'p', frames: [] })),
    'project:merge': vi.fn(async () => {
      throw new Error('a.jpg is 10x10 but b.jpg is 20x20');
    }),
    'project:fusion-input': vi.fn(async () => ({ data: new Float32Array(32), exposures: 2, width: 4, height: 4, paddedWidth: 4, paddedHeight: 4, key: '2x4x4:00000000' })),
    'models:read': vi.fn(async () => new Uint8Array(1)),
    'models:warm': vi.fn(async () => null),
    'project:export': vi.fn(async () => ({ written: [] })),
    'project:frame-preview': vi.fn(async () => ({ width: 1, height: 1, data: new Uint8ClampedArray(4) })),
    'project:preview-region': vi.fn(async () => ({ width: 1, height: 1, data: new Float32Array(3) })),
    'project:weight-map': vi.fn(async () => ({ available: true as const, index: 0, width: 1, height: 1, data: new Uint8Array(1), share: 0 })),
    'batch:start': vi.fn(async () => ({ id: 1 })),
    'batch:status': vi.fn(async () => null),
    'batch:cancel': vi.fn(async () => null),
    'edits:load': vi.fn(async () => null),
    'edits:save': vi.fn(async () => null),
    'app:launch-files': vi.fn(async () => []),
    'presets:list': vi.fn(async () => ({ presets: [] })),
    'presets:save': vi.fn(async () => ({ presets: [] })),
    'presets:rename': vi.fn(async () => ({ presets: [] })),
    'presets:delete': vi.fn(async () => ({ presets: [] })),
    'recent:list': vi.fn(async () => []),
    'recent:remove': vi.fn(async () => []),
    'recent:clear': vi.fn(async () => []),
  };
}

const appFrame = { senderFrame: { url: 'app://luxfuse/index.html', parent: null } } as never;

describe('IPC registration', () => {
  it('registers every channel of the contract, and only those', () => {
    const handle = vi.fn();
    registerIpc({ handle } as never, fakeHandlers());
    expect(handle.mock.calls.map((c) => c[0]).sort()).toEqual([...CHANNELS].sort());
  });

  it('runs a handler for the app frame with validated arguments', async () => {
    const handlers = fakeHandlers();
    await expect(dispatch(handlers, 'project:load', appFrame, [['/photos/a.jpg', '/photos/b.jpg']])).resolves.toEqual({ projectId: 'p', frames: [] });
    expect(handlers['project:load']).toHaveBeenCalledWith(['/photos/a.jpg', '/photos/b.jpg']);
  });

  it('refuses calls from other origins, sub-frames and missing frames', async () => {
    const handlers = fakeHandlers();
    for (const event of [
      { senderFrame: { url: 'https://evil.example/', parent: null } },
      { senderFrame: { url: 'app://luxfuse/index.html', parent: {} } },
      { senderFrame: null },
    ]) {
      await expect(dispatch(handlers, 'dialog:open-images', event as never, [])).rejects.toThrow(/refused/);
    }
    expect(handlers['dialog:open-images']).not.toHaveBeenCalled();
  });

  it('refuses bad arguments before the handler runs', async () => {
    const handlers = fakeHandlers();
    await expect(dispatch(handlers, 'project:load', appFrame, [['relative.jpg']])).rejects.toThrow(/absolute path/);
    await expect(dispatch(handlers, 'project:load', appFrame, ['/a.jpg'])).rejects.toThrow(/list/);
    await expect(dispatch(handlers, 'project:merge', appFrame, [{ projectId: 'p', method: 'magic' }])).rejects.toThrow(/method/);
    await expect(dispatch(handlers, 'dialog:choose-folder', appFrame, ['../../x'])).rejects.toThrow(/absolute path/);
    expect(handlers['project:load']).not.toHaveBeenCalled();
  });

  it('passes the service error message through, marked for the user', async () => {
    await expect(dispatch(fakeHandlers(), 'project:merge', appFrame, [{ projectId: 'p', method: 'mertens' }])).rejects.toThrow(
      'luxfuse: a.jpg is 10x10 but b.jpg is 20x20',
    );
  });
});

/** Opening files through library:scan remembers them as recent (when they held images), and a recent list that cannot be written does not stop the import. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlers, type HandlerDeps } from '../../../../src-main/ipc/handlers';
import { RecentStore } from '../../../../src-main/services/recent-store';
import type { LibraryScan } from '../../../../src-preload/contract';

const dir = mkdtempSync(join(tmpdir(), 'luxfuse-handlers-recent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function handlersWith(recent: RecentStore, scan: LibraryScan) {
  const deps = { library: { scan: async () => scan }, recent } as unknown as HandlerDeps;
  return createHandlers(deps);
}

const found: LibraryScan = { groups: [], singles: [{ path: '/p/a.jpg', name: 'a.jpg', ev: null }], errors: [] };
const nothing: LibraryScan = { groups: [], singles: [], errors: [{ file: '/p/notes.txt', message: 'not an image' }] };

describe('library:scan and the recent list', () => {
  it('adds what held images, not what held none', async () => {
    const recent = new RecentStore(join(dir, 'a', 'recent.json'), () => true);
    await handlersWith(recent, found)['library:scan'](['/p']);
    await handlersWith(recent, nothing)['library:scan'](['/q']);
    expect((await recent.list()).map((i) => i.paths)).toEqual([['/p']]);
  });

  it('still returns the scan when the list cannot be written', async () => {
    // A file where the data folder should be: every write fails.
    const recent = new RecentStore(join('/dev/null', 'recent.json'), () => true);
    await expect(handlersWith(recent, found)['library:scan'](['/p'])).resolves.toBe(found);
  });
});

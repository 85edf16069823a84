/** Files that vanish between the library scan and opening, or after a bracket is open: reported by name, never a crash. */
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ProjectService } from '../../../../src-main/services/project-service';

const SAMPLES = resolve(import.meta.dirname, '../../../../resources/samples');
const dir = mkdtempSync(join(tmpdir(), 'luxfuse-vanished-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const copies = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .map((f) => {
    copyFileSync(join(SAMPLES, f), join(dir, f));
    return join(dir, f);
  });

describe('vanished source files', () => {
  it('opening a bracket whose frame was deleted names that file', async () => {
    const service = new ProjectService();
    const gone = join(dir, 'gone.jpg');
    await expect(service.load([copies[0], gone, copies[2]])).rejects.toThrow(`cannot read ${gone}: no such file`);
  });

  it('an open bracket keeps merging and exporting after its files are deleted (the frames are in memory)', async () => {
    const service = new ProjectService();
    const { projectId } = await service.load(copies);
    for (const f of copies) rmSync(f);
    const merged = await service.merge({ projectId, method: 'mertens', align: 'off', previewMaxSide: 64 });
    expect(merged.width).toBeGreaterThan(0);
    const out = join(dir, 'after.jpg');
    expect((await service.export({ projectId, tone: { operator: 'none' }, jpegPath: out })).written).toEqual([out]);
  }, 60_000);
});

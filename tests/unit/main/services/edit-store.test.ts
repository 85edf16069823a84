/** Saved edits (the app's sidecar): per set of sources, restored whatever the order, damaged files ignored, checked on the way in and out. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SavedEdits } from '../../../../src-preload/contract';
import { checkSavedEdits, validators } from '../../../../src-main/ipc/validate-args';
import { EditStore } from '../../../../src-main/services/edit-store';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-edits-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const edits: SavedEdits = {
  tone: { operator: 'filmic', controls: { exposure: 1.5, contrast: 0.2 }, options: {}, output: 'display-p3' },
  method: 'radiance',
  align: 'off',
};
const check = (e: unknown): SavedEdits => checkSavedEdits('edits:load', e);

describe('EditStore', () => {
  it('gives back what was saved for the same files in any order, nothing for other files', async () => {
    const store = new EditStore(join(dir, 'a'));
    await store.save(['/photos/b.jpg', '/photos/a.jpg'], edits);
    const back = await store.load(['/photos/a.jpg', '/photos/b.jpg'], check);
    expect(back?.method).toBe('radiance');
    expect(back?.align).toBe('off');
    expect(back?.tone.operator).toBe('filmic');
    expect(back?.tone.output).toBe('display-p3');
    expect(back?.tone.controls.exposure).toBe(1.5);
    expect(await store.load(['/photos/a.jpg'], check)).toBeNull();
    // Written atomically: one file, no temporaries left.
    expect(readdirSync(join(dir, 'a'))).toHaveLength(1);
  });

  it('ignores a damaged or foreign sidecar instead of failing to open the project', async () => {
    const store = new EditStore(join(dir, 'b'));
    await store.save(['/x.jpg'], edits);
    const file = store.fileFor(['/x.jpg']);
    writeFileSync(file, '{"version": 1, "edits": {"tone": ');
    expect(await store.load(['/x.jpg'], check)).toBeNull();
    writeFileSync(file, JSON.stringify({ version: 1, edits: { ...edits, method: 'magic' } }));
    expect(await store.load(['/x.jpg'], check)).toBeNull();
    writeFileSync(file, JSON.stringify({ version: 99, edits }));
    expect(await store.load(['/x.jpg'], check)).toBeNull();
  });

  it('checks edits from the renderer: out-of-range controls and unknown fields do not pass', () => {
    expect(() => validators['edits:save']([['/a.jpg'], { ...edits, tone: { ...edits.tone, controls: { exposure: 50 } } }])).toThrow(/exposure/);
    expect(() => validators['edits:save']([['rel.jpg'], edits])).toThrow(/absolute/);
    const [, clean] = validators['edits:save']([['/a.jpg'], { ...edits, extra: 'x', tone: { ...edits.tone, evil: 1 } }]);
    expect(clean).toEqual(edits);
  });
});

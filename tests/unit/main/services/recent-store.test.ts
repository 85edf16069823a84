/** Recent files and folders: newest first, one entry per set of paths, at most ten, vanished paths reported as missing. */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECENT_PATHS, RECENT_LIMIT, recentId, recentLabel, RecentStore } from '../../../../src-main/services/recent-store';
import type { RecentItem } from '../../../../src-preload/contract';

let root: string;
let n = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'luxfuse-recent-test-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const folder = (): string => join(root, String(n++));
/** A clock that ticks one minute per call. */
function clock(): () => Date {
  let t = Date.UTC(2025, 0, 1);
  return () => new Date((t += 60_000));
}
const everything = () => true;

describe('RecentStore', () => {
  it('lists the newest first and moves a set opened again to the top, in any order of its paths', async () => {
    const file = join(folder(), 'recent.json');
    const store = new RecentStore(file, everything, clock());
    await store.add(['/photos/trip']);
    await store.add(['/photos/a/1.jpg', '/photos/a/2.jpg']);
    await store.add(['/photos/home']);
    const items = await store.add(['/photos/a/2.jpg', '/photos/a/1.jpg']);
    expect(items.map((i) => i.label)).toEqual(['2 files in a', 'home', 'trip']);
    expect(items[0].paths).toEqual(['/photos/a/2.jpg', '/photos/a/1.jpg']);
    expect(items[0].openedAt).toBe('2025-01-01T00:04:00.000Z');
    // Kept across restarts.
    expect((await new RecentStore(file, everything).list()).map((i) => i.label)).toEqual(['2 files in a', 'home', 'trip']);
  });

  it(`keeps the ${RECENT_LIMIT} most recent`, async () => {
    const store = new RecentStore(join(folder(), 'recent.json'), everything, clock());
    for (let i = 0; i < RECENT_LIMIT + 3; i++) await store.add([`/shoots/${i}`]);
    const items = await store.list();
    expect(items).toHaveLength(RECENT_LIMIT);
    expect(items[0].label).toBe(String(RECENT_LIMIT + 2));
    expect(items.at(-1)!.label).toBe('3');
  });

  it('reports paths that have gone as missing, keeps the entry until it is removed', async () => {
    const dir = folder();
    mkdirSync(dir, { recursive: true });
    const kept = join(dir, 'kept.jpg');
    const gone = join(dir, 'gone.jpg');
    writeFileSync(kept, 'x');
    writeFileSync(gone, 'x');
    const store = new RecentStore(join(dir, 'recent.json'));
    await store.add([join(dir, 'elsewhere')]);
    await store.add([kept, gone]);
    rmSync(gone);
    const items = await store.list();
    expect(items[0].missing).toEqual([gone]);
    expect(items[1].missing).toEqual([join(dir, 'elsewhere')]);
    const after = await store.remove(items[1].id);
    expect(after.map((i) => i.id)).toEqual([items[0].id]);
    expect(await store.clear()).toEqual([]);
    expect(await new RecentStore(join(dir, 'recent.json')).list()).toEqual([]);
  });

  it('tells its listener (the menu) about every change', async () => {
    const store = new RecentStore(join(folder(), 'recent.json'), everything, clock());
    const seen: RecentItem[][] = [];
    store.onchange = (items) => seen.push(items);
    await store.add(['/a']);
    await store.add(['/b']);
    await store.remove(recentId(['/a']));
    expect(seen.map((s) => s.map((i) => i.label))).toEqual([['a'], ['b', 'a'], ['b']]);
  });

  it(`does not remember a drop of more than ${MAX_RECENT_PATHS} loose files`, async () => {
    const store = new RecentStore(join(folder(), 'recent.json'), everything, clock());
    const many = Array.from({ length: MAX_RECENT_PATHS + 1 }, (_, i) => `/d/${i}.jpg`);
    expect(await store.add(many)).toEqual([]);
  });

  it('starts empty from a damaged file and keeps it aside', async () => {
    const dir = folder();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'recent.json'), 'not json');
    const store = new RecentStore(join(dir, 'recent.json'), everything, clock());
    expect(await store.list()).toEqual([]);
    await store.add(['/x']);
    expect(readdirSync(dir).sort()).toEqual([expect.stringMatching(/^recent\.corrupt-.*\.json$/), 'recent.json'].sort());
  });

  it('leaves out malformed entries of an otherwise good file', async () => {
    const dir = folder();
    mkdirSync(dir, { recursive: true });
    const entries = [{ paths: ['/ok'], openedAt: '2025-01-01T00:00:00.000Z' }, { paths: [], openedAt: 'x' }, { paths: [3], openedAt: 'x' }, 'junk'];
    writeFileSync(join(dir, 'recent.json'), JSON.stringify({ version: 1, entries }));
    expect((await new RecentStore(join(dir, 'recent.json'), everything).list()).map((i) => i.paths)).toEqual([['/ok']]);
  });
});

describe('recentLabel and recentId', () => {
  it('names a folder or file by its name, files together by their folder', () => {
    expect(recentLabel(['/photos/Iceland 2024/'])).toBe('Iceland 2024');
    expect(recentLabel(['C:\\Photos\\R&D\\IMG_1.CR2'])).toBe('IMG_1.CR2');
    expect(recentLabel(['/p/a/1.jpg', '/p/a/2.jpg', '/p/a/3.jpg'])).toBe('3 files in a');
    expect(recentLabel(['/p/a/1.jpg', '/p/b'])).toBe('2 files and folders');
  });

  it('is the same for the same paths in any order, different otherwise', () => {
    expect(recentId(['/a', '/b'])).toBe(recentId(['/b', '/a']));
    expect(recentId(['/a', '/b'])).not.toBe(recentId(['/a']));
    expect(recentId(['/a'])).toMatch(/^[0-9a-f]{16}$/);
  });
});

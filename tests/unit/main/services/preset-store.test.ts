/** The user's presets file: a round trip, names unique without case, a damaged file kept aside and reported, never lost. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PresetNotFoundError, PresetStore } from '../../../../src-main/services/preset-store';
import { completeTone, PresetNameError, type Preset } from '../../../../src-shared/presets/presets';

let root: string;
let n = 0;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'luxfuse-presets-test-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fresh data folder per test (not created: the store makes it when it first writes). */
const folder = (): string => join(root, String(n++));

const warm: Preset = { name: 'Warm evening', method: 'radiance', tone: completeTone({ operator: 'filmic', exposure: 0.5, vibrance: 0.3, options: { curve: 'narkowicz' } }) };
const flat: Preset = { name: 'Flat', tone: completeTone({ operator: 'reinhard', contrast: -0.4 }) };

describe('PresetStore', () => {
  it('starts empty without a file, and gives back what was saved after a restart', async () => {
    const dir = folder();
    const file = join(dir, 'presets.json');
    expect(await new PresetStore(file).list()).toEqual({ presets: [] });
    const store = new PresetStore(file);
    await store.save(warm, false);
    await store.save(flat, false);
    const again = await new PresetStore(file).list();
    expect(again).toEqual({ presets: [warm, flat] });
    // Written atomically: one file, no temporaries beside it.
    expect(readdirSync(dir)).toEqual(['presets.json']);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });

  it('refuses a second preset of the same name (any case) unless asked to replace it', async () => {
    const store = new PresetStore(join(folder(), 'presets.json'));
    await store.save(warm, false);
    const louder = { ...warm, name: 'WARM EVENING', tone: completeTone({ operator: 'filmic', exposure: 1 }) };
    await expect(store.save(louder, false)).rejects.toThrow(/named "Warm evening" exists already/);
    const { presets } = await store.save(louder, true);
    expect(presets).toHaveLength(1);
    expect(presets[0].name).toBe('WARM EVENING');
    expect(presets[0].tone.exposure).toBe(1);
  });

  it('keeps the built-in names for the built-in presets', async () => {
    const store = new PresetStore(join(folder(), 'presets.json'));
    await expect(store.save({ ...flat, name: 'dramatic' }, true)).rejects.toThrow(PresetNameError);
    await store.save(flat, false);
    await expect(store.rename('Flat', 'Natural')).rejects.toThrow(/built-in/);
  });

  it('renames and deletes, and says when there is no such preset', async () => {
    const file = join(folder(), 'presets.json');
    const store = new PresetStore(file);
    await store.save(warm, false);
    await store.save(flat, false);
    await expect(store.rename('flat', '  Very   flat ')).resolves.toMatchObject({ presets: [{ name: 'Warm evening' }, { name: 'Very flat' }] });
    await expect(store.rename('Very flat', 'warm evening')).rejects.toThrow(/exists already/);
    // Changing only the case of its own name is allowed.
    await expect(store.rename('Very flat', 'VERY FLAT')).resolves.toMatchObject({ presets: [{}, { name: 'VERY FLAT' }] });
    await expect(store.remove('warm EVENING')).resolves.toMatchObject({ presets: [{ name: 'VERY FLAT' }] });
    await expect(store.remove('Gone')).rejects.toThrow(PresetNotFoundError);
    expect((await new PresetStore(file).list()).presets.map((p) => p.name)).toEqual(['VERY FLAT']);
  });

  it('keeps a file that is not JSON aside, reports it, and starts empty without crashing', async () => {
    const dir = folder();
    const file = join(dir, 'presets.json');
    const store = new PresetStore(file);
    await store.save(warm, false);
    writeFileSync(file, '{"version":1,"presets":[{"name":"Warm ev');
    const damaged = new PresetStore(file);
    const listed = await damaged.list();
    expect(listed.presets).toEqual([]);
    expect(listed.problem).toMatch(/presets\.json was damaged \(it is not valid JSON\); it was kept as presets\.corrupt-.*\.json/);
    const aside = readdirSync(dir).filter((f) => f.startsWith('presets.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe('{"version":1,"presets":[{"name":"Warm ev');
    // Saving afterwards writes a new file; the damaged one stays where it was put.
    await damaged.save(flat, false);
    expect(readdirSync(dir).sort()).toEqual(['presets.json', aside[0]].sort());
  });

  it('keeps the presets it can read from a partly damaged file, and the whole file aside', async () => {
    const dir = folder();
    const file = join(dir, 'presets.json');
    const text = JSON.stringify({ version: 1, presets: [warm, { name: 'Broken', tone: { operator: 'filmic', exposure: 99 } }, flat, { name: 'flat', tone: { operator: 'none' } }] });
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
    const listed = await new PresetStore(file).list();
    expect(listed.presets).toEqual([warm, flat]);
    expect(listed.problem).toMatch(/2 preset\(s\) left out; preset 2: tone setting exposure/);
    const aside = readdirSync(dir).find((f) => f.startsWith('presets.corrupt-'))!;
    expect(readFileSync(join(dir, aside), 'utf8')).toBe(text);
    // What was salvaged is in a clean file for the next start.
    expect(await new PresetStore(file).list()).toEqual({ presets: [warm, flat] });
  });

  it('treats another version or shape as damaged, not as empty', async () => {
    const dir = folder();
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'presets.json');
    writeFileSync(file, JSON.stringify({ version: 7, presets: [] }));
    expect((await new PresetStore(file).list()).problem).toMatch(/version is 7/);
    writeFileSync(file, JSON.stringify(['x']));
    expect((await new PresetStore(file).list()).problem).toMatch(/no list of presets/);
  });

  it('runs quick successive saves one after another: none is lost', async () => {
    const file = join(folder(), 'presets.json');
    const store = new PresetStore(file);
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.save({ ...flat, name: `P${i}` }, false)));
    expect((await new PresetStore(file).list()).presets.map((p) => p.name)).toEqual(['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7']);
  });
});

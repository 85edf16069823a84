/**
 * The user's presets (src-shared/presets/presets.ts), kept as one JSON file in the app's data
 * folder and written atomically on every change. A damaged file is kept aside and reported; the
 * presets that could still be read stay (and are written back to a clean file).
 */
import type { PresetList } from '../../src-preload/contract';
import { checkPreset, checkPresetName, isBuiltInName, MAX_USER_PRESETS, PresetNameError, sameName, type Preset } from '../../src-shared/presets/presets';
import { readJsonFile, Serial, writeJsonFile } from './json-file';

const VERSION = 1;
/** 200 presets of about 600 bytes each, with room to spare. */
const MAX_BYTES = 512 * 1024;

interface PresetFile {
  version: number;
  presets: Preset[];
}

export class PresetNotFoundError extends Error {
  constructor(name: string) {
    super(`There is no preset named "${name}"`);
    this.name = 'PresetNotFoundError';
  }
}

/** The file's presets that pass the check; what was left out and why. */
export function parsePresetFile(json: unknown): { value: Preset[]; dropped?: string } {
  if (typeof json !== 'object' || json === null || !Array.isArray((json as PresetFile).presets)) throw new Error('it has no list of presets');
  if ((json as PresetFile).version !== VERSION) throw new Error(`its version is ${String((json as PresetFile).version)}, not ${VERSION}`);
  const kept: Preset[] = [];
  const problems: string[] = [];
  for (const [i, entry] of (json as PresetFile).presets.entries()) {
    try {
      const preset = checkPreset(entry);
      if (kept.some((p) => sameName(p.name, preset.name)) || isBuiltInName(preset.name)) throw new PresetNameError(`the name "${preset.name}" is taken`);
      if (kept.length >= MAX_USER_PRESETS) throw new RangeError(`more than ${MAX_USER_PRESETS} presets`);
      kept.push(preset);
    } catch (error) {
      problems.push(`preset ${i + 1}: ${(error as Error).message}`);
    }
  }
  return problems.length > 0 ? { value: kept, dropped: `${problems.length} preset(s) left out; ${problems[0]}` } : { value: kept };
}

export class PresetStore {
  private presets: Preset[] | null = null;
  private problem: string | undefined;
  private readonly serial = new Serial();

  constructor(private readonly file: string) {}

  /** The user's presets in the order they were saved; `problem` when the file was damaged this session. */
  list(): Promise<PresetList> {
    return this.serial.run(async () => this.result(await this.loaded()));
  }

  /** Adds a preset; one of the same name (any case) is replaced only when `replace` is set. */
  save(preset: Preset, replace: boolean): Promise<PresetList> {
    return this.serial.run(async () => {
      const checked = checkPreset(preset);
      if (isBuiltInName(checked.name)) throw new PresetNameError(`"${checked.name}" is a built-in preset: choose another name`);
      const presets = await this.loaded();
      const at = presets.findIndex((p) => sameName(p.name, checked.name));
      if (at >= 0 && !replace) throw new PresetNameError(`A preset named "${presets[at].name}" exists already`);
      if (at < 0 && presets.length >= MAX_USER_PRESETS) throw new RangeError(`At most ${MAX_USER_PRESETS} presets: delete some first`);
      const next = at >= 0 ? presets.map((p, i) => (i === at ? checked : p)) : [...presets, checked];
      return this.result(await this.write(next));
    });
  }

  rename(from: string, to: string): Promise<PresetList> {
    return this.serial.run(async () => {
      const name = checkPresetName(to);
      if (isBuiltInName(name)) throw new PresetNameError(`"${name}" is a built-in preset: choose another name`);
      const presets = await this.loaded();
      const at = presets.findIndex((p) => sameName(p.name, from));
      if (at < 0) throw new PresetNotFoundError(from);
      if (presets.some((p, i) => i !== at && sameName(p.name, name))) throw new PresetNameError(`A preset named "${name}" exists already`);
      return this.result(await this.write(presets.map((p, i) => (i === at ? { ...p, name } : p))));
    });
  }

  remove(name: string): Promise<PresetList> {
    return this.serial.run(async () => {
      const presets = await this.loaded();
      if (!presets.some((p) => sameName(p.name, name))) throw new PresetNotFoundError(name);
      return this.result(await this.write(presets.filter((p) => !sameName(p.name, name))));
    });
  }

  private async loaded(): Promise<Preset[]> {
    if (this.presets) return this.presets;
    const read = await readJsonFile<Preset[]>(this.file, [], parsePresetFile, MAX_BYTES);
    this.problem = read.problem;
    this.presets = read.value;
    // What was salvaged goes back into a clean file (the damaged one is kept aside).
    if (read.problem && read.value.length > 0) await this.write(read.value).catch(() => undefined);
    return this.presets;
  }

  private async write(presets: Preset[]): Promise<Preset[]> {
    const file: PresetFile = { version: VERSION, presets };
    await writeJsonFile(this.file, file);
    this.presets = presets;
    return presets;
  }

  private result(presets: Preset[]): PresetList {
    return { presets: presets.map((p) => structuredClone(p)), ...(this.problem ? { problem: this.problem } : {}) };
  }
}

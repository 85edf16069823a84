/**
 * Presets as the panel and the Export dialog see them: the built-in ones and the user's (kept by
 * main, presets:* channels). Applying one is the project's business (ProjectStore.applyPreset).
 */
import type { Preset } from '../../../src-preload/contract';
import { BUILT_IN_PRESETS, sameName } from '../../../src-shared/presets/presets';
import { getBridge } from '../lib/bridge';

export class PresetStore {
  readonly builtIn = BUILT_IN_PRESETS;
  user = $state.raw<Preset[]>([]);
  /** The presets file was damaged: what main did about it. */
  problem = $state<string | null>(null);
  /** The last save, rename or delete that failed, in the user's words. */
  error = $state<string | null>(null);
  /** The last save failed only because the name was taken: the panel offers to replace. */
  nameTaken = $state(false);

  all = $derived([...BUILT_IN_PRESETS, ...this.user]);

  find(name: string): Preset | undefined {
    return this.all.find((p) => sameName(p.name, name));
  }

  async load(): Promise<void> {
    await this.run(() => getBridge()['presets:list']());
  }

  /** Saves a user preset; false (with `error`) when it was not saved. */
  save(preset: Preset, replace: boolean): Promise<boolean> {
    return this.run(() => getBridge()['presets:save']($state.snapshot(preset) as Preset, replace));
  }

  rename(from: string, to: string): Promise<boolean> {
    return this.run(() => getBridge()['presets:rename'](from, to));
  }

  remove(name: string): Promise<boolean> {
    return this.run(() => getBridge()['presets:delete'](name));
  }

  clearError(): void {
    this.error = null;
    this.nameTaken = false;
  }

  private async run(call: () => Promise<{ presets: Preset[]; problem?: string }>): Promise<boolean> {
    this.clearError();
    try {
      const list = await call();
      this.user = list.presets;
      this.problem = list.problem ?? null;
      return true;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      this.nameTaken = /exists already/.test(this.error);
      return false;
    }
  }
}

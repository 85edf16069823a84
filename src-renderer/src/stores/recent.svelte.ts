/** The files and folders opened last, as main remembers them (recent:* channels); opening one is an import like a drop. */
import type { RecentItem } from '../../../src-preload/contract';
import { getBridge } from '../lib/bridge';

export class RecentStore {
  items = $state.raw<RecentItem[]>([]);
  error = $state<string | null>(null);

  load(): Promise<void> {
    return this.run(() => getBridge()['recent:list']());
  }

  remove(id: string): Promise<void> {
    return this.run(() => getBridge()['recent:remove'](id));
  }

  clear(): Promise<void> {
    return this.run(() => getBridge()['recent:clear']());
  }

  /** The paths of an entry that are still there (the ones to import). */
  present(item: RecentItem): string[] {
    return item.paths.filter((p) => !item.missing.includes(p));
  }

  private async run(call: () => Promise<RecentItem[]>): Promise<void> {
    try {
      this.items = await call();
      this.error = null;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }
}

/**
 * Undo/redo for the editing model: a list of snapshots of the editable state. Every change is an
 * entry; a run of changes to the same thing (a slider being dragged, digits typed) within
 * COALESCE_MS of each other is one entry, so one undo takes the whole drag back. Plain TypeScript,
 * no runes: the stores own the state and apply what this returns.
 */
export const COALESCE_MS = 800;
/** Entries kept; the oldest go first. */
export const HISTORY_LIMIT = 200;

interface Entry<T> {
  /** The state after this change. */
  state: T;
  label: string;
  key: string;
  at: number;
}

export class History<T> {
  private entries: Entry<T>[] = [];
  /** Index of the current state in entries. */
  private index = -1;

  constructor(private readonly equal: (a: T, b: T) => boolean = (a, b) => JSON.stringify(a) === JSON.stringify(b)) {}

  /** Starts over from this state (a newly opened project). */
  reset(state: T): void {
    this.entries = [{ state, label: 'open', key: '', at: 0 }];
    this.index = 0;
  }

  /**
   * Records the state after a change. `key` names what changed ("control:exposure"): the same key
   * again within COALESCE_MS replaces the last entry instead of adding one. A state equal to the
   * current one records nothing. Anything that was undone is dropped.
   */
  record(state: T, label: string, key = label, now = Date.now()): void {
    if (this.index < 0) {
      this.reset(state);
      return;
    }
    if (this.equal(state, this.entries[this.index].state)) return;
    this.entries.length = this.index + 1;
    const last = this.entries[this.index];
    if (this.index > 0 && last.key === key && now - last.at < COALESCE_MS) {
      this.entries[this.index] = { state, label, key, at: now };
      return;
    }
    this.entries.push({ state, label, key, at: now });
    if (this.entries.length > HISTORY_LIMIT) this.entries.splice(0, this.entries.length - HISTORY_LIMIT);
    this.index = this.entries.length - 1;
  }

  get canUndo(): boolean {
    return this.index > 0;
  }

  get canRedo(): boolean {
    return this.index >= 0 && this.index < this.entries.length - 1;
  }

  /** What undo would take back, for the button's title. */
  get undoLabel(): string | null {
    return this.canUndo ? this.entries[this.index].label : null;
  }

  get redoLabel(): string | null {
    return this.canRedo ? this.entries[this.index + 1].label : null;
  }

  /** The state to go back to, or null; the next change after it does not coalesce with the undone one. */
  undo(): T | null {
    if (!this.canUndo) return null;
    this.index--;
    this.entries[this.index] = { ...this.entries[this.index], at: 0 };
    return this.entries[this.index].state;
  }

  redo(): T | null {
    if (!this.canRedo) return null;
    this.index++;
    this.entries[this.index] = { ...this.entries[this.index], at: 0 };
    return this.entries[this.index].state;
  }
}

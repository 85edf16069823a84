/**
 * The library: brackets found among the imported files, as the user sees and corrects them.
 * Grouping comes from main (same as `luxfuse group`); moving frames between groups, splitting,
 * joining and excluding frames are edits here, and opening a group loads its included frames.
 */
import type { LibraryFrame, LibraryScan, ScanStatus } from '../../../src-preload/contract';
import { getBridge } from '../lib/bridge';

export interface GroupFrame extends LibraryFrame {
  excluded: boolean;
}

export interface GroupView {
  id: string;
  frames: GroupFrame[];
  reason: string;
  confidence: number;
  /** Frames shot in this bracket that cannot be merged, as import found it (a hand edit's group has none). */
  missing?: LibraryScan['groups'][number]['missing'];
}

/** A group the user changed: its reason says so, and what import said of it (frames left out) no longer applies. */
function edited(g: GroupView, reason: string): void {
  g.reason = reason;
  delete g.missing;
}

let nextId = 1;
const newId = (): string => `u${nextId++}`;

export class LibraryStore {
  groups = $state<GroupView[]>([]);
  singles = $state<LibraryFrame[]>([]);
  errors = $state.raw<LibraryScan['errors']>([]);
  activeId = $state<string | null>(null);
  scanning = $state(false);
  /** Progress of the import in flight, polled from main while it runs (null before the first answer). */
  scanProgress = $state<ScanStatus | null>(null);

  /** Groups ticked for a batch export. */
  selected = $state<string[]>([]);
  /** The ticked groups that still exist, in library order. */
  selectedGroups = $derived(this.groups.filter((g) => this.selected.includes(g.id)).map((g) => g.id));

  fileCount = $derived(this.groups.reduce((n, g) => n + g.frames.length, 0) + this.singles.length);

  /** Adds what a scan found; files already in the library are not added twice. */
  add(scan: LibraryScan): void {
    const paths = [...this.groups.flatMap((g) => g.frames.map((f) => f.path)), ...this.singles.map((f) => f.path)];
    const have = { has: (p: string) => paths.includes(p) };
    for (const g of scan.groups) {
      const frames = g.frames.filter((f) => !have.has(f.path));
      if (frames.length > 0) {
        this.groups.push({ id: newId(), reason: g.reason, confidence: g.confidence, frames: frames.map((f) => ({ ...f, excluded: false })), ...(g.missing ? { missing: g.missing } : {}) });
      }
    }
    this.singles.push(...scan.singles.filter((f) => !have.has(f.path)));
    this.errors = scan.errors;
  }

  /**
   * Imports files or folders; returns the group to open when the import is one bracket (or files
   * opened together), or the one photo when a single file without a bracket was opened.
   */
  async import(paths: string[]): Promise<GroupView | { single: string } | null> {
    this.scanning = true;
    this.scanProgress = null;
    const bridge = getBridge();
    // Progress for imports that take a while (a card of 1,500 files): poll main's counters.
    const poll = setInterval(() => {
      void bridge['library:scan-status']()
        .then((s) => {
          if (this.scanning) this.scanProgress = s;
        })
        .catch(() => undefined);
    }, 200);
    try {
      const scan = await bridge['library:scan'](paths);
      const before = this.groups.length;
      this.add(scan);
      const added = this.groups.slice(before);
      if (added.length === 1 && scan.singles.length === 0) return added[0];
      if (scan.groups.length === 0 && scan.singles.length === 1 && paths.length === 1) return { single: scan.singles[0].path };
      // Files picked together without a bracket pattern (no EXIF, say): the user meant them as one.
      if (added.length === 0 && scan.groups.length === 0 && scan.singles.length >= 2) {
        return this.groupOf(scan.singles.map((f) => f.path), 'Opened together; no bracket pattern found in their metadata');
      }
      return null;
    } finally {
      clearInterval(poll);
      this.scanning = false;
      this.scanProgress = null;
    }
  }

  /** Stops the import in flight; its import() then fails with "Import cancelled" and adds nothing. */
  async cancelScan(): Promise<void> {
    await getBridge()['library:scan-cancel']();
  }

  group(id: string): GroupView | undefined {
    return this.groups.find((g) => g.id === id);
  }

  /** Paths of a group's frames the user kept. */
  included(id: string): string[] {
    return this.group(id)?.frames.filter((f) => !f.excluded).map((f) => f.path) ?? [];
  }

  /** Moves a frame (from a group or the singles) to another group, or to a new group when `to` is null. */
  move(path: string, to: string | null): void {
    const frame = this.take(path);
    if (!frame) return;
    if (to === null) {
      this.groups.push({ id: newId(), reason: 'Made by hand', confidence: 1, frames: [{ ...frame, excluded: false }] });
      return;
    }
    const target = this.group(to);
    if (!target) return;
    target.frames.push({ ...frame, ev: null, excluded: false });
    edited(target, 'Edited by hand');
  }

  /** Frames from `index` on become a new group right after this one. */
  split(id: string, index: number): void {
    const i = this.groups.findIndex((g) => g.id === id);
    if (i < 0 || index <= 0 || index >= this.groups[i].frames.length) return;
    const tail = this.groups[i].frames.splice(index);
    this.groups.splice(i + 1, 0, { id: newId(), reason: 'Split by hand', confidence: 1, frames: tail });
    edited(this.groups[i], 'Split by hand');
  }

  /** Joins group `b` into group `a`. */
  join(a: string, b: string): void {
    const ga = this.group(a);
    const ib = this.groups.findIndex((g) => g.id === b);
    if (!ga || ib < 0 || a === b) return;
    ga.frames.push(...this.groups[ib].frames);
    edited(ga, 'Joined by hand');
    this.groups.splice(ib, 1);
  }

  toggleSelected(id: string, on: boolean): void {
    const others = this.selected.filter((x) => x !== id);
    this.selected = on ? [...others, id] : others;
  }

  toggleExclude(id: string, path: string): void {
    const f = this.group(id)?.frames.find((x) => x.path === path);
    if (f) f.excluded = !f.excluded;
  }

  /** Leaves exactly these frames of a group out (an undo of left-out frames). */
  setExcluded(id: string, paths: readonly string[]): void {
    for (const f of this.group(id)?.frames ?? []) f.excluded = paths.includes(f.path);
  }

  private groupOf(paths: string[], reason: string): GroupView {
    const frames: GroupFrame[] = [];
    for (const p of paths) {
      const f = this.take(p);
      if (f) frames.push({ ...f, excluded: false });
    }
    const g: GroupView = { id: newId(), reason, confidence: 0.5, frames };
    this.groups.push(g);
    return this.groups[this.groups.length - 1];
  }

  /** Removes a frame from wherever it is; empty groups disappear. */
  private take(path: string): LibraryFrame | null {
    const s = this.singles.findIndex((f) => f.path === path);
    if (s >= 0) return this.singles.splice(s, 1)[0];
    for (let i = 0; i < this.groups.length; i++) {
      const j = this.groups[i].frames.findIndex((f) => f.path === path);
      if (j < 0) continue;
      const [f] = this.groups[i].frames.splice(j, 1);
      if (this.groups[i].frames.length === 0) this.groups.splice(i, 1);
      else edited(this.groups[i], 'Edited by hand');
      return { path: f.path, name: f.name, ev: f.ev, ...(f.captured ? { captured: f.captured } : {}) };
    }
    return null;
  }
}

/**
 * The editing state of a project (tone panel, method, alignment), kept in the app's data folder
 * per set of source files and restored when the same files are opened again: the app's sidecar,
 * and its crash recovery (it is written on every change, atomically). Originals are never touched;
 * nothing is written next to them.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SavedEdits } from '../../src-preload/contract';
import { writeFileAtomic } from './atomic-write';

const VERSION = 1;
/** A sidecar larger than this is not ours (or is damaged): ignored. */
const MAX_BYTES = 64 * 1024;

interface SidecarFile {
  version: number;
  /** The source files, for a person reading the folder. */
  paths: string[];
  savedAt: string;
  edits: SavedEdits;
}

export class EditStore {
  constructor(private readonly dir: string) {}

  /** One file per set of sources, whatever order they were opened in. */
  fileFor(paths: readonly string[]): string {
    const key = createHash('sha256').update([...paths].sort().join('\0')).digest('hex').slice(0, 32);
    return join(this.dir, `${key}.json`);
  }

  /** The saved edits of these sources, or null when there are none or the file is unreadable. */
  async load(paths: readonly string[], check: (edits: unknown) => SavedEdits): Promise<SavedEdits | null> {
    let text: string;
    try {
      const bytes = await readFile(this.fileFor(paths));
      if (bytes.length > MAX_BYTES) return null;
      text = bytes.toString('utf8');
    } catch {
      return null;
    }
    try {
      const file = JSON.parse(text) as Partial<SidecarFile>;
      if (file.version !== VERSION) return null;
      return check(file.edits);
    } catch {
      // A damaged sidecar must not stop the project from opening: start from defaults.
      return null;
    }
  }

  async save(paths: readonly string[], edits: SavedEdits): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file: SidecarFile = { version: VERSION, paths: [...paths], savedAt: new Date().toISOString(), edits };
    await writeFileAtomic(this.fileFor(paths), new TextEncoder().encode(JSON.stringify(file, null, 2)));
  }
}

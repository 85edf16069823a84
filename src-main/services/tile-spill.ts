/**
 * The deghosting's undo tiles (src-shared/ghost/deghost.ts TileSpill) in a temporary file: what an in-place
 * deghosting of a large bracket overwrote waits there, out of the merge's memory, until the merge ends and it
 * is put back. Its size follows the ghost mask (79 MB for a mask over a tenth of a 3 x 24 MP bracket, most
 * of two frames for one over all of it), so in memory it would set the merge's peak.
 *
 * The file is made on the first tile (a merge whose mask replaces nothing makes none) and removed from its
 * folder at once where the system allows it (POSIX). Where it does not (Windows keeps an open file's name),
 * close() removes it, and a crash leaves it behind: removeStaleSpills() clears those of processes gone.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TileSpill } from '../../src-shared/ghost/deghost';

const NAME = /^luxfuse-undo-(\d+)-[0-9a-f-]{36}\.bin$/;

export class FileTileSpill implements TileSpill {
  private end = 0;
  private fd: number | null = null;
  private closed = false;
  /** Still to remove on close: where the system would not remove an open file. */
  private path: string | null = null;
  /** Why the file could not be made or written, once it could not (then every write throws it again). */
  private failure: unknown;
  private madeFile = false;

  /** A spill whose file will be made in `dir` (default: the system's temporary folder) on the first write. */
  constructor(private readonly dir = tmpdir()) {}

  /** Bytes written so far. */
  get bytes(): number {
    return this.end;
  }

  /** Whether a file was made (by the first write). */
  get made(): boolean {
    return this.madeFile;
  }

  /**
   * Appends the samples and returns their handle. Throws where the file cannot be made or written (a full
   * disk): the deghosting then keeps this tile and the rest in memory. The first failure is logged.
   */
  write(data: Float32Array): number {
    const fd = this.writable();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const at = this.end;
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
    } catch (error) {
      throw this.fail(error);
    }
    this.end += bytes.length;
    return at;
  }

  read(handle: number, into: Float32Array): void {
    const fd = this.readable();
    if (!(Number.isInteger(handle) && handle >= 0 && handle + into.byteLength <= this.end)) throw new RangeError(`no tile of ${into.byteLength} bytes at ${handle} in the spill (${this.end} bytes written)`);
    const bytes = new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    for (let done = 0; done < bytes.length; ) {
      const n = readSync(fd, bytes, done, bytes.length - done, handle + done);
      if (n === 0) throw new Error(`the temporary file ended at ${handle + done} bytes, before the tile's end`);
      done += n;
    }
  }

  /** Closes and removes the file; later reads and writes throw. Never throws. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Closing a file only read and written cannot lose anything.
      }
      this.fd = null;
    }
    if (this.path) {
      try {
        unlinkSync(this.path);
      } catch (error) {
        console.warn(`[deghost] could not remove the temporary file ${this.path}:`, error);
      }
      this.path = null;
    }
  }

  private writable(): number {
    if (this.closed) throw new Error('the deghosting undo spill is closed');
    if (this.failure !== undefined) throw this.failure;
    if (this.fd !== null) return this.fd;
    const path = join(this.dir, `luxfuse-undo-${process.pid}-${randomUUID()}.bin`);
    try {
      this.fd = openSync(path, 'wx+', 0o600);
      this.madeFile = true;
    } catch (error) {
      throw this.fail(error);
    }
    try {
      // Gone from the folder at once where the system allows it: nothing else opens it, and it goes with the process.
      unlinkSync(path);
    } catch {
      this.path = path;
    }
    return this.fd;
  }

  private readable(): number {
    if (this.closed) throw new Error('the deghosting undo spill is closed');
    if (this.fd === null) throw new RangeError('nothing was written to the spill');
    return this.fd;
  }

  private fail(error: unknown): unknown {
    this.failure = error;
    const kept = this.end > 0 ? `after ${(this.end / 2 ** 20).toFixed(1)} MiB of tiles` : 'before its first tile';
    console.warn(`[deghost] the temporary file for the undo tiles failed ${kept}; the rest stay in memory:`, error);
    return error;
  }
}

/** A spill that can be closed (FileTileSpill; tests give others). */
export type ClosableTileSpill = TileSpill & { close(): void };

/** A spill for one merge: a temporary file in `dir`, made on its first tile. */
export function openTileSpill(dir?: string): FileTileSpill {
  return new FileTileSpill(dir);
}

/** Whether a process with this id runs (EPERM: it does, as another user's). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the undo files that processes no longer running left in `dir` (a crash where an open file keeps its
 * name: Windows); returns their names. Files of running processes, and any it cannot remove, stay. Never throws.
 */
export async function removeStaleSpills(dir = tmpdir(), isRunning: (pid: number) => boolean = running): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = NAME.exec(name)?.[1];
    if (pid === undefined || Number(pid) === process.pid || isRunning(Number(pid))) continue;
    try {
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      // Still open elsewhere, or not ours to remove: it stays.
    }
  }
  return removed;
}

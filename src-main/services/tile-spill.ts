/**
 * The deghosting's undo tiles (src-shared/ghost/deghost.ts TileSpill) in a temporary file: what an in-place
 * deghosting of a large bracket overwrote waits there, out of the merge's memory, until the merge ends and it
 * is put back. Its size follows the ghost mask (79 MB for a mask over a tenth of a 3 x 24 MP bracket, most
 * of two frames for one over all of it), so in memory it would set the merge's peak.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TileSpill } from '../../src-shared/ghost/deghost';

export class FileTileSpill implements TileSpill {
  private end = 0;
  private fd: number | null;
  /** Still to remove on close: where the system would not remove an open file. */
  private path: string | null;

  private constructor(fd: number, path: string | null) {
    this.fd = fd;
    this.path = path;
  }

  /** A new, empty spill file in `dir` (default: the system's temporary folder), readable by this user only; throws where it cannot be made. */
  static open(dir = tmpdir()): FileTileSpill {
    const path = join(dir, `luxfuse-undo-${process.pid}-${randomUUID()}.bin`);
    const fd = openSync(path, 'wx+', 0o600);
    try {
      // Gone from the folder at once where the system allows it: nothing else opens it, and it goes with the process.
      unlinkSync(path);
      return new FileTileSpill(fd, null);
    } catch {
      return new FileTileSpill(fd, path);
    }
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.end;
  }

  write(data: Float32Array): number {
    const fd = this.open();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const at = this.end;
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
    this.end += bytes.length;
    return at;
  }

  read(handle: number, into: Float32Array): void {
    const fd = this.open();
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
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // Closing a file only read and written cannot lose anything.
    }
    this.fd = null;
    if (this.path) {
      try {
        unlinkSync(this.path);
      } catch (error) {
        console.warn(`[deghost] could not remove the temporary file ${this.path}:`, error);
      }
      this.path = null;
    }
  }

  private open(): number {
    if (this.fd === null) throw new Error('the deghosting undo spill is closed');
    return this.fd;
  }
}

/** A spill that can be closed (FileTileSpill; tests give others). */
export type ClosableTileSpill = TileSpill & { close(): void };

/** A spill for one merge, or null where no temporary file can be made (the reason logged): the tiles then stay in memory. */
export function openTileSpill(dir?: string): FileTileSpill | null {
  try {
    return FileTileSpill.open(dir);
  } catch (error) {
    console.warn('[deghost] no temporary file for the undo tiles; they stay in memory:', error);
    return null;
  }
}

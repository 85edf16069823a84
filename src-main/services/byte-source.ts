/**
 * Positional reads from a file whose first bytes are already in memory: header parsers ask for
 * small windows anywhere (a JPEG's next marker, a TIFF's IFD at the end) without reading the rest.
 */
import type { FileHandle } from 'node:fs/promises';

/** How much of each file is read up front: enough for almost every header. */
export const HEAD_BYTES = 64 * 1024;

export class ByteSource {
  private constructor(
    private readonly handle: FileHandle,
    /** The first HEAD_BYTES of the file (fewer for a small file). */
    readonly head: Uint8Array,
    readonly size: number,
  ) {}

  static async open(handle: FileHandle): Promise<ByteSource> {
    const { size } = await handle.stat();
    const head = new Uint8Array(Math.min(HEAD_BYTES, size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return new ByteSource(handle, head.subarray(0, bytesRead), size);
  }

  /** `length` bytes at `offset`, fewer at the end of the file, none past it. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length <= 0 || offset >= this.size) return new Uint8Array(0);
    const n = Math.min(length, this.size - offset);
    if (offset + n <= this.head.length) return this.head.subarray(offset, offset + n);
    const out = new Uint8Array(n);
    const { bytesRead } = await this.handle.read(out, 0, n, offset);
    return out.subarray(0, bytesRead);
  }
}

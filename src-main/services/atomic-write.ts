/**
 * Writes a file so that readers see the old file or the whole new one, never a part:
 * write a temporary sibling, flush it to disk, rename it over the target.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export class OutputPathError extends Error {
  readonly file: string;
  constructor(message: string, file: string) {
    super(message);
    this.name = 'OutputPathError';
    this.file = file;
  }
}

/** Fails early, before any work, when an output cannot be written where asked. */
export async function checkOutputPath(path: string, inputs: readonly string[] = []): Promise<void> {
  const target = resolve(path);
  if (inputs.some((input) => resolve(input) === target)) {
    throw new OutputPathError(`${path} is one of the input files; originals are never written`, path);
  }
  const folder = dirname(target);
  let info;
  try {
    info = await stat(folder);
  } catch {
    throw new OutputPathError(`cannot write ${path}: folder ${dirname(path)} does not exist`, path);
  }
  if (!info.isDirectory()) throw new OutputPathError(`cannot write ${path}: ${dirname(path)} is not a folder`, path);
  try {
    if ((await stat(target)).isDirectory()) throw new OutputPathError(`cannot write ${path}: it is a folder`, path);
  } catch (error) {
    if (error instanceof OutputPathError) throw error;
  }
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const target = resolve(path);
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let handle;
  try {
    handle = await open(temp, 'wx', 0o644);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOENT' ? 'the folder does not exist' : (error as Error).message;
    throw new OutputPathError(`cannot write ${path}: ${why}`, path);
  }
}

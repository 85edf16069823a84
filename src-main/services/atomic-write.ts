/**
 * Writes a file so that readers see the old file or the whole new one, never a part:
 * write a temporary sibling, flush it to disk, rename it over the target.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, open, readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

export class OutputPathError extends Error {
  readonly file: string;
  constructor(message: string, file: string) {
    super(message);
    this.name = 'OutputPathError';
    this.file = file;
  }
}

/** A file's identity (device and inode, as bigints so large inode numbers and Windows' file indexes compare exactly), following links; null when it cannot be read. */
export async function fileIdentity(path: string): Promise<string | null> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/**
 * Fails early, before any work, when an output cannot be written where asked. An output whose directory entry
 * holds one of the inputs' files is refused however the paths spell it (a link to it, a linked folder, `..`):
 * writing it would replace the original. An output that is itself a link is not: the write replaces the link.
 */
export async function checkOutputPath(path: string, inputs: readonly string[] = []): Promise<void> {
  const target = resolve(path);
  let sameAsInput = inputs.some((input) => resolve(input) === target);
  if (!sameAsInput && inputs.length > 0) {
    const entry = await lstat(target, { bigint: true }).catch(() => null);
    if (entry && !entry.isSymbolicLink()) {
      const id = `${entry.dev}:${entry.ino}`;
      sameAsInput = (await Promise.all(inputs.map(fileIdentity))).includes(id);
    }
  }
  if (sameAsInput) {
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
    await access(folder, constants.W_OK);
  } catch (error) {
    throw new OutputPathError(`cannot write ${path}: ${whyNot(error)}`, path);
  }
  try {
    if ((await stat(target)).isDirectory()) throw new OutputPathError(`cannot write ${path}: it is a folder`, path);
  } catch (error) {
    if (error instanceof OutputPathError) throw error;
  }
}

/** Temporary siblings of `name` written by writeFileAtomic: `.name.<pid>.<hex>.tmp`. */
function tempPattern(name: string): RegExp {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^\\.${escaped}\\.(\\d+)\\.[0-9a-f]{8}\\.tmp$`);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes temporary files a killed export left beside `target` (their writer is no longer running),
 * so a crash mid-export leaves nothing behind once the next export to the same file starts.
 */
export async function removeStaleTemps(target: string): Promise<string[]> {
  const folder = dirname(target);
  const pattern = tempPattern(basename(target));
  const removed: string[] = [];
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || processAlive(Number(m[1]))) continue;
    await unlink(join(folder, name)).then(
      () => removed.push(name),
      () => undefined,
    );
  }
  return removed;
}

export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const target = resolve(path);
  await removeStaleTemps(target);
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
    throw new OutputPathError(`cannot write ${path}: ${whyNot(error)}`, path);
  }
}

/** A failed write's reason in the user's words. */
function whyNot(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return 'the disk is full';
  if (code === 'EROFS') return 'the disk is read-only';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'the folder does not exist';
  return (error as Error).message;
}

/**
 * Files and folders the user gave, expanded into the image files Luxfuse imports: supported
 * extensions only, no hidden files, natural order. Problems are collected, not thrown, so one
 * bad path does not hide the rest.
 */
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { extensionOf, isSupportedImage } from '../../src-shared/bracket/file-kind';
import { compareNatural } from '../../src-shared/bracket/natural-sort';
import { fileErrorReason } from './file-error-reason';

export interface ScanError {
  file: string;
  message: string;
}

/**
 * A scan error as one line: its message, behind its path where the message does not name the file already (a
 * header or pixel error does; a folder's does not).
 */
export function describeScanError(e: ScanError): string {
  return e.message.includes(e.file) ? e.message : `${e.file}: ${e.message}`;
}

export interface ScanResult {
  /** Image files, each once, in natural order. */
  files: string[];
  errors: ScanError[];
}

export interface ScanOptions {
  /** Descend into sub-folders (hidden ones excepted). Default false. */
  recursive?: boolean;
  /** Stops the walk between folders (rejects with the signal's reason). */
  signal?: AbortSignal;
  /** Called after each folder with the number of image files found so far. */
  onFound?: (files: number) => void;
}

const why = (error: unknown): string => fileErrorReason(error, 'no such file or folder');

function danglingLink(error: unknown): string {
  return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'it is a symbolic link to a file that does not exist' : why(error);
}

const isHidden = (name: string): boolean => name.startsWith('.');

export async function listImageFiles(paths: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const files: string[] = [];
  const errors: ScanError[] = [];
  /** Absolute paths already listed: a file given alone and through its folder is listed once. */
  const seenFiles = new Set<string>();
  /** Real paths of folders already walked: guards against symlink loops. */
  const seenFolders = new Set<string>();

  const addFile = (path: string) => {
    const key = resolve(path);
    if (seenFiles.has(key)) return;
    seenFiles.add(key);
    files.push(path);
  };

  const walk = async (folder: string): Promise<void> => {
    options.signal?.throwIfAborted();
    let real: string;
    let entries: Dirent[];
    try {
      real = await realpath(folder);
      if (seenFolders.has(real)) return;
      seenFolders.add(real);
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      errors.push({ file: folder, message: `cannot read folder: ${why(error)}` });
      return;
    }
    const subfolders: string[] = [];
    for (const entry of entries) {
      if (isHidden(entry.name)) continue;
      const path = join(folder, entry.name);
      let isFile = entry.isFile();
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          const target = await stat(path);
          isFile = target.isFile();
          isDir = target.isDirectory();
        } catch (error) {
          // A link named like a photo that leads nowhere (a card or drive not mounted, a loop) is a photo the user
          // would otherwise lose without a word; any other dangling link in a folder is skipped quietly.
          if (isSupportedImage(entry.name)) errors.push({ file: path, message: `cannot read ${path}: ${danglingLink(error)}` });
          continue;
        }
      }
      if (isFile && isSupportedImage(entry.name)) addFile(path);
      else if (isDir && options.recursive) subfolders.push(path);
    }
    options.onFound?.(files.length);
    for (const sub of subfolders.sort(compareNatural)) await walk(sub);
  };

  for (const path of paths) {
    let info: Stats;
    try {
      info = await stat(path);
    } catch (error) {
      errors.push({ file: path, message: why(error) });
      continue;
    }
    if (info.isDirectory()) {
      await walk(path);
    } else if (!info.isFile()) {
      errors.push({ file: path, message: 'not a regular file' });
    } else if (isSupportedImage(path)) {
      addFile(path);
    } else {
      const ext = extensionOf(path);
      errors.push({ file: path, message: `not a supported image type (${ext ? `.${ext}` : 'no extension'})` });
    }
  }
  return { files: files.sort(compareNatural), errors };
}

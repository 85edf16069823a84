/** Why a file could not be opened or read, in a photographer's words: one wording for import, decoding and scanning. */

/**
 * The reason behind a failed open or read (a Node errno error); the error's own message when it has no known code.
 * `missing` is what ENOENT says: 'no such file' for a file, 'no such file or folder' for a path that may be either.
 */
export function fileErrorReason(error: unknown, missing = 'no such file'): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return missing;
    case 'EISDIR':
      return 'it is a folder, not an image';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'it is a symbolic link that leads back to itself (too many levels of symbolic links)';
    case 'ENOTDIR':
      return 'a parent of this path is not a folder';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'the disk reported a read error (the card or drive may be failing or was removed)';
    default:
      return (error as Error | undefined)?.message ?? String(error);
  }
}

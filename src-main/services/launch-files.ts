/**
 * Files the operating system asks the app to open: on the command line (Linux, Windows; also a
 * second launch while the app runs) and through macOS's open-file event. Queued here until the
 * window asks for them (channel app:launch-files), so none is lost while the window loads.
 */
import { isAbsolute, resolve } from 'node:path';
import { isSupportedImage } from '../../src-shared/bracket/file-kind';

/** Image paths among command-line arguments (flags, the executable and the app folder are not images), made absolute. */
export function imagePathsFromArgv(argv: readonly string[], cwd: string): string[] {
  return argv.filter((a) => !a.startsWith('-') && isSupportedImage(a)).map((a) => (isAbsolute(a) ? a : resolve(cwd, a)));
}

export class LaunchFiles {
  private queue: string[] = [];

  add(paths: readonly string[]): void {
    for (const p of paths) if (!this.queue.includes(p)) this.queue.push(p);
  }

  /** The queued files, once: the next call returns only files added since. */
  take(): string[] {
    const out = this.queue;
    this.queue = [];
    return out;
  }
}

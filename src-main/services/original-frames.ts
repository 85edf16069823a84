/**
 * A bracket's frames as decoded from its files, of which the app's engine lets go of the ones the
 * full-size alignment has made its own moved copy of. Until the alignment changes nothing reads them,
 * and at 24 MP each is 288 MB beside its copy: a handheld 3 x 24 MP bracket's learned merge peaked at
 * 2.87 GiB holding both (BENCHMARKS.md, "Frames the alignment moved"). A frame let go is read again from
 * its file when it is needed (another alignment, another preview size), as long as the file is the one
 * that was opened; the project keeps its own frames otherwise.
 */
import { stat } from 'node:fs/promises';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { reorient } from '../../src-shared/image/orient';
import { InputFileError, inTwoLanes, readFrame } from './frames';

/** Frames from this many pixels on are let go once aligned (smaller ones cost little to keep and would cost a decode to get back). */
export const LET_GO_MIN_PIXELS = 4_000_000;

interface FileStamp {
  size: number;
  mtimeMs: number;
}

async function stampOf(path: string): Promise<FileStamp | null> {
  try {
    const s = await stat(path);
    return { size: s.size, mtimeMs: s.mtimeMs };
  } catch {
    return null;
  }
}

/** A frame's size and metadata without its samples: reading `data` throws, so nothing uses a let-go frame unawares. */
function withoutSamples(frame: LinearImage, path: string): LinearImage {
  const { data: _samples, ...rest } = frame;
  return Object.defineProperty({ ...rest }, 'data', {
    enumerable: true,
    get(): never {
      throw new Error(`internal error: the samples of ${path} were let go after the full-size alignment and were not read again before use`);
    },
  }) as LinearImage;
}

export class OriginalFrames {
  /** One per file, in order; a frame let go keeps its size and metadata in place. */
  readonly frames: LinearImage[];
  private readonly held: boolean[];
  private readonly reading = new Map<number, Promise<LinearImage>>();

  private constructor(
    readonly paths: readonly string[],
    frames: LinearImage[],
    private readonly stamps: (FileStamp | null)[],
    private readonly minPixels: number,
  ) {
    this.frames = frames;
    this.held = frames.map(() => true);
  }

  /** The frames just read from `paths` (the files' size and modification time are noted, to know them again). */
  static async open(paths: readonly string[], frames: LinearImage[], options: { minPixels?: number } = {}): Promise<OriginalFrames> {
    if (paths.length !== frames.length) throw new RangeError(`${paths.length} paths for ${frames.length} frames`);
    return new OriginalFrames(paths, frames, await Promise.all(paths.map(stampOf)), options.minPixels ?? LET_GO_MIN_PIXELS);
  }

  /** Whether frame `index` has its samples in memory. */
  isHeld(index: number): boolean {
    return this.held[index];
  }

  /**
   * After the full-size alignment of `source` (these frames, as `all` gave them) into `aligned`: every frame
   * the alignment moved into a copy of its own is let go (from LET_GO_MIN_PIXELS on), every frame it kept as
   * it was is held (it is in memory as the aligned frame anyway).
   */
  settle(source: readonly LinearImage[], aligned: readonly LinearImage[]): void {
    for (let i = 0; i < this.frames.length; i++) {
      if (aligned[i] === source[i]) {
        this.frames[i] = source[i];
        this.held[i] = true;
      } else if (this.held[i] && source[i].width * source[i].height >= this.minPixels) {
        this.frames[i] = withoutSamples(source[i], this.paths[i]);
        this.held[i] = false;
      }
    }
  }

  /**
   * Lets go of frame `index` whatever its size: its samples in memory are no longer the file's (a deghosting that
   * could not be undone). It is read again from its file when next needed.
   */
  forget(index: number): void {
    if (!this.held[index]) return;
    this.frames[index] = withoutSamples(this.frames[index], this.paths[index]);
    this.held[index] = false;
  }

  /** Frame `index` with its samples: read again from its file if it was let go (and not kept: `settle` decides that). */
  frame(index: number): Promise<LinearImage> {
    if (this.held[index]) return Promise.resolve(this.frames[index]);
    let reading = this.reading.get(index);
    if (!reading) {
      reading = this.reread(index).finally(() => this.reading.delete(index));
      this.reading.set(index, reading);
    }
    return reading;
  }

  /** Every frame with its samples (those let go read again, two at a time, as the bracket was opened). */
  async all(): Promise<LinearImage[]> {
    return inTwoLanes(this.frames.length, (i) => this.frame(i));
  }

  /**
   * Whether every let-go frame's file is still the one opened (size and modification time), without reading it:
   * throws what reading it again would. Cheap (a stat a frame), so a caller can ask before dropping what it has.
   */
  async checkFiles(): Promise<void> {
    await Promise.all(this.frames.map((_, i) => (this.held[i] ? undefined : this.checkFile(i))));
  }

  private async checkFile(index: number): Promise<void> {
    const path = this.paths[index];
    const why = 'its full-size samples were let go after the alignment, to save memory, and are needed again';
    const now = await stampOf(path);
    const then = this.stamps[index];
    if (!now) throw new InputFileError(`${path} cannot be read any more (${why}): open the files again`, path);
    if (!then || now.size !== then.size || now.mtimeMs !== then.mtimeMs) {
      throw new InputFileError(`${path} changed on disk since the bracket was opened (${why}): open the files again`, path);
    }
  }

  private async reread(index: number): Promise<LinearImage> {
    const path = this.paths[index];
    const was = this.frames[index];
    await this.checkFile(index);
    // Turned as the bracket was when opened (readBracket's sameOrientation), not only by its own tag.
    const frame = reorient(await readFrame(path), was.meta.orientation);
    if (frame.width !== was.width || frame.height !== was.height || frame.channels !== was.channels) {
      throw new InputFileError(`${path} now decodes to ${frame.width}x${frame.height}, not the ${was.width}x${was.height} it was opened at: open the files again`, path);
    }
    return frame;
  }
}

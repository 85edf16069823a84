/** Reads bracket frames from disk: bytes -> linear float image, with exposure metadata from EXIF. */
import { readFile } from 'node:fs/promises';
import { decodeImage } from '../../src-shared/codecs/decode';
import { LuxfuseError } from '../../src-shared/errors';
import { evFromSettings, type LinearImage } from '../../src-shared/image/linear-image';
import { checkBracket } from '../../src-shared/pipeline/check-bracket';
import { readShotInfo } from './exif';

export class InputFileError extends LuxfuseError {}

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a folder, not an image';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error).message;
}

/** One frame, decoded; `path` is used as given in every message so the user recognises it. */
export async function readFrame(path: string): Promise<LinearImage> {
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new InputFileError(`cannot read ${path}: ${reason(error)}`, path);
  }
  let image: LinearImage;
  try {
    image = decodeImage(bytes, path);
  } catch (error) {
    // Every message must say which file it is about.
    if (error instanceof LuxfuseError && !error.message.includes(path)) {
      const named = new (error.constructor as new (m: string, f?: string) => LuxfuseError)(`${path}: ${error.message}`, path);
      throw named;
    }
    throw error;
  }
  image.meta.sourceName = path;
  try {
    const shot = await readShotInfo(path);
    image.meta = {
      ...image.meta,
      exposureTime: shot.exposureTime,
      fNumber: shot.fNumber,
      iso: shot.iso,
      exposureBias: shot.exposureBias,
      make: shot.make,
      model: shot.model,
    };
    if (shot.exposureTime && shot.exposureTime > 0) image.ev = evFromSettings(shot.exposureTime, shot.iso, shot.fNumber);
  } catch {
    // Pixels decoded but the metadata did not: the frame is usable, its exposure is unknown.
  }
  return image;
}

/** Frames of one bracket in the given order, checked to fit together. Reads two files at a time. */
export async function readBracket(paths: readonly string[]): Promise<LinearImage[]> {
  if (paths.length < 2) throw new InputFileError(`a bracket needs at least 2 files, got ${paths.length}`);
  const frames: LinearImage[] = new Array(paths.length);
  let next = 0;
  const worker = async () => {
    while (next < paths.length) {
      const i = next++;
      frames[i] = await readFrame(paths[i]);
    }
  };
  await Promise.all([worker(), worker()]);
  checkBracket(frames);
  return frames;
}


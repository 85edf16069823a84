/** Reads bracket frames from disk: bytes -> linear float image, with exposure metadata from EXIF. */
import { readFile } from 'node:fs/promises';
import { fileKind } from '../../src-shared/bracket/file-kind';
import { checkImageBytes, decodeChecked } from '../../src-shared/codecs/decode';
import { adobeRgbProfile } from '../../src-shared/codecs/icc';
import { embeddedIcc, iccColorantMatrix, iccDescription, iccIsSrgb } from '../../src-shared/codecs/icc-read';
import { DecodeError, LuxfuseError, UnsupportedFormatError } from '../../src-shared/errors';
import { evFromSettings, type LinearImage } from '../../src-shared/image/linear-image';
import { orientImage, reorient, turnsImage } from '../../src-shared/image/orient';
import { relinearise } from '../../src-shared/image/transfer-tables';
import { checkBracket } from '../../src-shared/pipeline/check-bracket';
import type { MemoryMethod } from '../../src-shared/pipeline/merge-memory';
import { readShotInfo } from './exif';
import { fileErrorReason } from './file-error-reason';
import { notTheRawItsNameSays } from './file-integrity';
import { frameTransfer } from './frame-colour';
import { sniffFormat } from './image-header';
import { checkMergeMemoryHere } from './memory-available';
import { decodeJpegNative } from './native-jpeg';
import { decodeRaw } from './raw-decode';

export class InputFileError extends LuxfuseError {}

/**
 * RAW files (by extension) go to LibRaw; everything else to the pure decoders, and to LibRaw after all when
 * they recognise camera RAW data under another extension (a DNG saved as .tif, an ORF renamed).
 */
export async function decodeFile(bytes: Uint8Array, path: string): Promise<LinearImage> {
  if (fileKind(path) === 'raw') {
    try {
      return await decodeRaw(bytes, path);
    } catch (error) {
      // LibRaw's "not a RAW file" says less than the file itself: a JPEG, PNG or EXR under a RAW name (import says the same).
      const misnamed = error instanceof DecodeError ? notTheRawItsNameSays(sniffFormat(bytes.subarray(0, 64)), path) : undefined;
      if (misnamed) throw new DecodeError(`${path}: ${misnamed}`, path);
      throw error;
    }
  }
  try {
    const format = checkImageBytes(bytes, path);
    // JPEG through libjpeg-turbo where it loads and reads the file; else (and every other format) the pure decoders.
    const native = format === 'jpeg' ? await decodeJpegNative(bytes, path) : null;
    // Here, not on a compute worker: two threads decoding at once took longer on this VM (page faults; BENCHMARKS.md).
    return native ?? decodeChecked(bytes, format, path);
  } catch (error) {
    if (error instanceof UnsupportedFormatError && /camera RAW/.test(error.message)) return decodeRaw(bytes, path);
    throw error;
  }
}

/** One frame, decoded; `path` is used as given in every message so the user recognises it. */
export async function readFrame(path: string): Promise<LinearImage> {
  let bytes: Uint8Array;
  try {
    const buffer = await readFile(path);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw new InputFileError(`cannot read ${path}: ${fileErrorReason(error)}`, path);
  }
  let image: LinearImage;
  try {
    image = await decodeFile(bytes, path);
  } catch (error) {
    // Every message must say which file it is about.
    if (error instanceof LuxfuseError && !error.message.includes(path)) {
      const named = new (error.constructor as new (m: string, f?: string) => LuxfuseError)(`${path}: ${error.message}`, path);
      throw named;
    }
    throw error;
  }
  image.meta.sourceName = path;
  const icc = fileKind(path) === 'raw' ? null : embeddedIcc(bytes);
  if (icc && !iccIsSrgb(icc)) colourProfileNoted(image, icc, 'profile');
  let orientation: number | undefined;
  try {
    const shot = await readShotInfo(path);
    // EXIF first; what the decoder read itself (LibRaw, for RAW files) where EXIF has nothing.
    image.meta = {
      ...image.meta,
      exposureTime: shot.exposureTime ?? image.meta.exposureTime,
      fNumber: shot.fNumber ?? image.meta.fNumber,
      iso: shot.iso ?? image.meta.iso,
      exposureBias: shot.exposureBias ?? image.meta.exposureBias,
      make: shot.make ?? image.meta.make,
      model: shot.model ?? image.meta.model,
      dateTimeOriginal: shot.localTime ?? image.meta.dateTimeOriginal,
    };
    if (shot.exposureTime && shot.exposureTime > 0) image.ev = evFromSettings(shot.exposureTime, shot.iso, shot.fNumber);
    if (shot.exifAdobeRgb && !icc && fileKind(path) !== 'raw') colourProfileNoted(image, adobeRgbProfile(), 'exif');
    orientation = shot.orientation;
  } catch {
    // Pixels decoded but the metadata did not: the frame is usable, its exposure is unknown.
  }
  // Turned as it is shown (a camera held upright tags its files 6 or 8). LibRaw turns RAW frames itself.
  const shown = fileKind(path) === 'raw' ? image : orientImage(image, orientation);
  if (turnsImage(orientation)) shown.meta = { ...shown.meta, orientation };
  return shown;
}

function addDecodeWarning(image: LinearImage, warning: string): void {
  image.meta.decodeWarnings = [...(image.meta.decodeWarnings ?? []), warning];
}

/**
 * A frame in another colour space than sRGB (its ICC profile says so, or its EXIF says Adobe RGB): its samples stay in
 * that space, so a fusion's codes are still the frame's own, and are re-read as linear light through the profile's
 * tone curves (the decoders used sRGB's); what is made from it converts from the profile's colorants (frame-colour.ts,
 * export-service.ts, the preview). A profile without colorants (a LUT profile), or whose curves cannot be read, cannot
 * be converted from: that is said.
 */
export function colourProfileNoted(image: LinearImage, icc: Uint8Array, from: 'profile' | 'exif'): void {
  const name = iccDescription(icc) ?? 'an unnamed ICC profile';
  image.meta.colourProfile = { name, icc, from };
  const { transfer, problem } = frameTransfer(image.meta);
  if (transfer) relinearise(image, transfer);
  if (!iccColorantMatrix(icc)) {
    addDecodeWarning(
      image,
      `Frames in "${name}" (their ICC profile), not sRGB: JPEG, PNG and TIFF exports carry that profile, so they keep the frames' colours; the preview on screen, Display P3 exports and the EXR read them as sRGB (the profile gives no primaries to convert with), less saturated than they are.`,
    );
  } else if (problem && image.meta.sourceTransfer === 'srgb') {
    addDecodeWarning(
      image,
      `Frames in "${name}" (their ICC profile): its tone curves cannot be read (${problem}), so their samples are linearised with the sRGB curve; the shadows of the EXR, the preview and Display P3 exports may be lighter or darker than they are.`,
    );
  }
}

export interface ReadBracketOptions {
  /**
   * The merge the frames are read for: once the first frame's size is known, its estimated peak is checked
   * against the memory available (checkMergeMemory), and NotEnoughMemoryError stops the reading before the
   * other frames decode. `frames`: how many the merge takes (default one per file; one more for a synthesised
   * frame); `deghost`: the merge deghosts. Absent, or LUXFUSE_MEMORY_CHECK=off: no check.
   */
  memoryFor?: { method: MemoryMethod; frames?: number; deghost?: boolean };
}

/**
 * read(0) .. read(count - 1), two at a time (one decodes while the other reads its file), started in order of index.
 * The first failure stops both lanes from starting another and is what this rejects with.
 */
export async function inTwoLanes<T>(count: number, read: (index: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  let stopped = false;
  const lane = async (): Promise<void> => {
    while (next < count && !stopped) {
      const i = next++;
      try {
        out[i] = await read(i);
      } catch (error) {
        stopped = true;
        throw error;
      }
    }
  };
  await Promise.all([lane(), lane()]);
  return out;
}

/** Frames of one bracket in the given order, checked to fit together. Reads two files at a time. */
export async function readBracket(paths: readonly string[], options: ReadBracketOptions = {}): Promise<LinearImage[]> {
  if (paths.length < 2) throw new InputFileError(`a bracket needs at least 2 files, got ${paths.length}`);
  let checked = !options.memoryFor;
  const frames = await inTwoLanes(paths.length, async (i) => {
    const frame = await readFrame(paths[i]);
    if (!checked) {
      checked = true;
      const { frames: count = paths.length, method, deghost } = options.memoryFor!;
      checkMergeMemoryHere(frame.width, frame.height, count, method, deghost);
    }
    return frame;
  });
  checkBracket(sameOrientation(frames));
  return frames;
}

/**
 * The frames of a bracket turned alike. A camera pointed up or down (a ceiling, a floor) can tag the frames of one
 * bracket differently as it shoots them, though it did not turn: each frame turned by its own tag would then not
 * line up, or not be the same size. Frames whose orientation differs from the bracket's (the one most frames have; on
 * a tie the middle frame's) are turned as the bracket is, in place in `frames`, which is returned.
 */
export function sameOrientation(frames: LinearImage[]): LinearImage[] {
  const of = (f: LinearImage): number => (turnsImage(f.meta.orientation) ? f.meta.orientation : 1);
  const counts = new Map<number, number>();
  for (const f of frames) counts.set(of(f), (counts.get(of(f)) ?? 0) + 1);
  if (counts.size < 2) return frames;
  const most = Math.max(...counts.values());
  const middle = of(frames[Math.floor((frames.length - 1) / 2)]);
  const bracket = counts.get(middle) === most ? middle : [...counts].find(([, n]) => n === most)![0];
  for (let i = 0; i < frames.length; i++) frames[i] = reorient(frames[i], bracket);
  return frames;
}

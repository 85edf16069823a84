/**
 * The import step of the app: scan files and folders into brackets (the same grouping as
 * `luxfuse group`) and serve small thumbnails, embedded previews first so a card of files shows fast.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LibraryFrame, LibraryGroup, LibraryScan, ScanStatus, Thumbnail } from '../../src-preload/contract';
import type { ShotInfo } from '../../src-shared/bracket/shot-info';
import { decodeJpeg } from '../../src-shared/codecs/jpeg';
import { fileKind } from '../../src-shared/bracket/file-kind';
import { downsample } from '../../src-shared/image/resample';
import type { LinearImage } from '../../src-shared/image/linear-image';
import { orientImage } from '../../src-shared/image/orient';
import { toneMapGlobal } from '../../src-shared/tonemap/global';
import { exifrThumbnail } from './exifr-file';
import { groupFiles } from './group-service';
import { sceneReferred } from './frame-colour';
import { colourProfileNoted, readFrame } from './frames';
import { adobeRgbProfile } from '../../src-shared/codecs/icc';
import { extractRawThumbnail } from './raw-decode';

export const THUMBNAIL_SIDE = 240;

export interface ScanProgress {
  (done: number, total: number): void;
}

export class UnknownLibraryFileError extends Error {
  constructor(path: string) {
    super(`${path} is not in the library: scan its folder first`);
    this.name = 'UnknownLibraryFileError';
  }
}

/** The user stopped an import (library:scan-cancel); nothing of it was added. */
export class ScanCancelledError extends Error {
  constructor() {
    super('Import cancelled: nothing was added');
    this.name = 'ScanCancelledError';
  }
}

export interface LibraryServiceOptions {
  /** Reads one file's headers; default the EXIF reader (the e2e test host slows it to show progress). */
  readShot?: (file: string) => Promise<ShotInfo>;
}

interface RunningScan {
  controller: AbortController;
  status: ScanStatus;
}

/**
 * The library's state in main: which files the user brought in, so thumbnails are served for
 * those only; the imports in flight, with their progress (library:scan-status) and a way to stop
 * them (library:scan-cancel).
 */
export class LibraryService {
  /**
   * Each file brought in, with what its thumbnail needs from the scan's header read: the EXIF orientation (it is
   * turned by it) and whether the EXIF says Adobe RGB (its embedded preview is in it).
   */
  private readonly known = new Map<string, { orientation?: number; exifAdobeRgb: boolean }>();
  private readonly running = new Set<RunningScan>();

  constructor(private readonly options: LibraryServiceOptions = {}) {}

  async scan(paths: string[], onProgress?: ScanProgress): Promise<LibraryScan> {
    const run: RunningScan = { controller: new AbortController(), status: { phase: 'listing', done: 0, total: 0 } };
    this.running.add(run);
    const shots = new Map<string, { orientation?: number; exifAdobeRgb: boolean }>();
    try {
      const scan = await scanLibrary(paths, {
        signal: run.controller.signal,
        onShot: (shot) => shots.set(shot.file, { orientation: shot.orientation, exifAdobeRgb: shot.exifAdobeRgb === true }),
        readShot: this.options.readShot,
        onFound: (found) => {
          run.status = { phase: 'listing', done: found, total: 0 };
        },
        onProgress: (done, total) => {
          run.status = { phase: 'reading', done, total };
          onProgress?.(done, total);
        },
        onPixels: (done, total) => {
          run.status = { phase: 'pixels', done, total };
        },
      });
      if (run.controller.signal.aborted) throw new ScanCancelledError();
      for (const f of [...scan.groups.flatMap((g) => g.frames), ...scan.singles]) this.known.set(f.path, shots.get(f.path) ?? { exifAdobeRgb: false });
      return scan;
    } catch (error) {
      if (run.controller.signal.aborted) throw new ScanCancelledError();
      throw error;
    } finally {
      this.running.delete(run);
    }
  }

  /** Progress of the imports in flight, summed; null when none runs. */
  scanStatus(): ScanStatus | null {
    if (this.running.size === 0) return null;
    const all = [...this.running].map((r) => r.status);
    return {
      phase: all.some((s) => s.phase === 'listing') ? 'listing' : all.some((s) => s.phase === 'reading') ? 'reading' : 'pixels',
      done: all.reduce((n, s) => n + s.done, 0),
      total: all.reduce((n, s) => n + s.total, 0),
    };
  }

  /** Stops every import in flight; each rejects with ScanCancelledError and adds nothing. */
  cancelScans(): void {
    for (const r of this.running) r.controller.abort();
  }

  async thumbnail(path: string): Promise<Thumbnail> {
    const shot = this.known.get(path);
    if (!shot) throw new UnknownLibraryFileError(path);
    return thumbnailFor(path, shot.orientation, shot.exifAdobeRgb);
  }
}

export interface ScanLibraryOptions {
  signal?: AbortSignal;
  onProgress?: ScanProgress;
  onFound?: (files: number) => void;
  readShot?: (file: string) => Promise<ShotInfo>;
  /** Each file's header as read. */
  onShot?: (shot: ShotInfo) => void;
  /** Progress of the look at the pixels of files without exposure data (groupFiles' onPixels). */
  onPixels?: (done: number, total: number) => void;
}

export async function scanLibrary(paths: string[], options: ScanLibraryOptions = {}): Promise<LibraryScan> {
  const captured = new Map<string, string>();
  const onShot = (s: ShotInfo): void => {
    if (s.localTime) captured.set(s.file, s.localTime);
    options.onShot?.(s);
  };
  const result = await groupFiles(paths, { recursive: true, ...options, onShot });
  const frame = (path: string, ev: number | null): LibraryFrame => {
    const time = captured.get(path);
    return { path, name: basename(path), ev, ...(time ? { captured: time } : {}) };
  };
  const groups: LibraryGroup[] = result.groups.map((g, i) => ({
    id: `g${i + 1}`,
    reason: g.reason,
    confidence: g.confidence,
    frames: g.files.map((path, j) => frame(path, g.exposureValues[j])),
    ...(g.missing?.length ? { missing: g.missing } : {}),
  }));
  const singles: LibraryFrame[] = result.ungrouped.map((path) => frame(path, null));
  return { groups, singles, errors: result.errors.map((e) => ({ file: e.file, message: e.message })) };
}

/**
 * A thumbnail of at most THUMBNAIL_SIDE px: the file's embedded preview when it has one, turned by `orientation` (the
 * file's EXIF Orientation, from the scan's header read), else a reduced decode (which readFrame turns).
 * `exifAdobeRgb`: the file's EXIF says a camera set to Adobe RGB made it, so its embedded preview (a RAW's, or a
 * JPEG's EXIF thumbnail) is in Adobe RGB too.
 */
export async function thumbnailFor(path: string, orientation?: number, exifAdobeRgb = false): Promise<Thumbnail> {
  const embedded = await embeddedPreview(path, orientation).catch(() => null);
  if (embedded && exifAdobeRgb) colourProfileNoted(embedded, adobeRgbProfile(), 'exif');
  const image = embedded ?? (await readFrame(path));
  // A frame in Adobe RGB or P3 is converted to sRGB; an embedded preview is sRGB unless the EXIF says Adobe RGB.
  const small = sceneReferred(downsample(image, THUMBNAIL_SIDE), image.meta, 0);
  const toned = toneMapGlobal(small, { exposure: 0, contrast: 0, mode: 'display' });
  return { width: toned.width, height: toned.height, data: toned.data };
}

/**
 * The file's embedded preview, turned as the file says it is shown: like the sensor's pixels, it is stored unturned
 * (readFrame turns the image; LibRaw turns a RAW image, not its thumbnail).
 */
async function embeddedPreview(path: string, orientation: number | undefined): Promise<LinearImage | null> {
  const preview = await storedPreview(path);
  return preview && orientImage(preview, orientation);
}

async function storedPreview(path: string): Promise<LinearImage | null> {
  if (fileKind(path) === 'raw') {
    const bytes = new Uint8Array(await readFile(path));
    const thumb = await extractRawThumbnail(bytes, path);
    if (!thumb) return null;
    if (thumb.format === 'jpeg') return decodeJpeg(thumb.data, path);
    return bitmapToLinear(thumb.data, thumb.width, thumb.height);
  }
  // JPEG/TIFF: the EXIF IFD1 thumbnail (about 160x120) is a few kB and decodes in a millisecond.
  const jpeg = await exifrThumbnail(path);
  if (!jpeg || jpeg.length < 100) return null;
  return decodeJpeg(new Uint8Array(jpeg), path);
}

function bitmapToLinear(rgb: Uint8Array, width: number, height: number): LinearImage {
  const data = new Float32Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    const v = rgb[i] / 255;
    data[i] = v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }
  return { width, height, channels: 3, data, ev: null, meta: { sourceTransfer: 'srgb', clipLevel: 1 } };
}

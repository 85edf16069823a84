/** Which files Luxfuse imports, told by extension, and string path helpers that work on / and \ paths alike. */

export type FileKind = 'raw' | 'tiff' | 'jpeg' | 'png' | 'exr';

/**
 * Camera RAW that LibRaw decodes, by extension: the common ones, then the TIFF-based formats of other makers
 * (Nikon Coolpix NRW, Samsung SRW, Leica RWL, Hasselblad 3FR/FFF, Epson ERF, Leaf MOS, Mamiya MEF, Sony SR2/SRF,
 * Kodak DCR/KDC), which import reads as it reads NEF (a TIFF header, EXIF through exifr, the structure check).
 */
export const RAW_EXTENSIONS = [
  'dng', 'cr2', 'cr3', 'nef', 'arw', 'raf', 'orf', 'rw2', 'pef',
  'nrw', 'srw', 'rwl', '3fr', 'fff', 'erf', 'mos', 'mef', 'sr2', 'srf', 'dcr', 'kdc',
] as const;

const KIND_BY_EXTENSION: ReadonlyMap<string, FileKind> = new Map<string, FileKind>([
  ...RAW_EXTENSIONS.map((e) => [e, 'raw'] as [string, FileKind]),
  ['tif', 'tiff'],
  ['tiff', 'tiff'],
  ['jpg', 'jpeg'],
  ['jpeg', 'jpeg'],
  ['png', 'png'],
  ['exr', 'exr'],
]);

/** Every supported extension, lower case, without the dot. */
export const IMAGE_EXTENSIONS: readonly string[] = [...KIND_BY_EXTENSION.keys()];

/** The last path component. */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? path : path.slice(i + 1);
}

/** Everything before the last path component ('' for a bare name). */
export function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i < 0 ? '' : path.slice(0, i);
}

/** Lower-case extension without the dot; '' when there is none. */
export function extensionOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The name without folder and extension ('IMG_0001' for 'a/IMG_0001.CR2'). */
export function stemOf(path: string): string {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? name : name.slice(0, dot);
}

export function fileKind(path: string): FileKind | null {
  return KIND_BY_EXTENSION.get(extensionOf(path)) ?? null;
}

export function isSupportedImage(path: string): boolean {
  return fileKind(path) !== null;
}

/**
 * Which of two files of the same shot to keep: lower is preferred. RAW holds the most
 * data, then TIFF, then JPEG/PNG; EXR and unknown files last.
 */
export function companionRank(path: string): number {
  switch (fileKind(path)) {
    case 'raw':
      return 0;
    case 'tiff':
      return 1;
    case 'jpeg':
    case 'png':
      return 2;
    default:
      return 3;
  }
}

/**
 * exifr on a file by path, its file handle always closed. exifr opens a path itself and reads it in
 * chunks, but leaves the handle open when there is nothing to extract (a PNG's or a thumbnail-less
 * JPEG's thumbnail) or when a read throws after opening (upstream MikeKovarik/exifr#111): Node then
 * closes it on garbage collection with a DEP0137 warning, and a scan of many such files holds one
 * descriptor each until then.
 */
import exifr, { type Exifr } from 'exifr';

/** exifr's option object (its typings declare it without exporting it). */
export type ExifrOptions = Exclude<Parameters<typeof exifr.parse>[1], boolean | string[] | number[] | (string | number)[] | undefined>;

/** exifr's typings give the default export's Exifr as an instance; at run time it is the class. */
const ExifrClass = (exifr as unknown as { Exifr: new (options?: ExifrOptions) => Exifr }).Exifr;

/** What exifr keeps of its input once read: a chunked file reader has close(); bytes have none. */
interface ReadInput {
  file?: { close?: () => unknown };
}

export async function withExifrFile<T>(input: string | Uint8Array, options: ExifrOptions, use: (reader: Exifr) => Promise<T>): Promise<T> {
  const reader = new ExifrClass(options);
  try {
    await reader.read(input);
    return await use(reader);
  } finally {
    // exifr's own close (on success) clears its handle first, so a second close is a no-op.
    await Promise.resolve((reader as unknown as ReadInput).file?.close?.()).catch(() => undefined);
  }
}

/** exifr.parse, the file closed whatever happens. */
export function exifrParse(input: string | Uint8Array, options: ExifrOptions): Promise<unknown> {
  return withExifrFile(input, options, (reader) => reader.parse());
}

/** The options exifr.thumbnail reads with (exifr 7's own but ifd0, which its typings will not let be false; extractThumbnail reads only IFD1). */
const THUMBNAIL_OPTIONS: ExifrOptions = {
  ifd1: true,
  exif: false,
  gps: false,
  interop: false,
  sanitize: false,
  reviveValues: true,
  translateKeys: false,
  translateValues: false,
  mergeOutput: false,
  tiff: false,
};

/** exifr.thumbnail (the EXIF IFD1 JPEG), the file closed whatever happens; undefined where there is none. */
export function exifrThumbnail(path: string): Promise<Uint8Array | undefined> {
  return withExifrFile(path, THUMBNAIL_OPTIONS, (reader) => reader.extractThumbnail());
}

/** OpenEXR file-format constants shared by the reader and the writer (see openexr.com, "OpenEXR File Layout"). */

/** First four bytes of every OpenEXR file (the int 20000630, little-endian). */
export const EXR_MAGIC = 20000630;

/** Version-field flags (bits above the version number 2). */
export const EXR_FLAG_TILED = 0x200;
export const EXR_FLAG_LONG_NAMES = 0x400;
export const EXR_FLAG_DEEP = 0x800;
export const EXR_FLAG_MULTIPART = 0x1000;

/** Compression codes in the `compression` attribute, by name. */
export const EXR_COMPRESSION = {
  none: 0,
  rle: 1,
  zips: 2,
  zip: 3,
  piz: 4,
  pxr24: 5,
  b44: 6,
  b44a: 7,
  dwaa: 8,
  dwab: 9,
} as const;

export type ExrCompressionName = keyof typeof EXR_COMPRESSION;

/** Name of a compression code, for messages. */
export function exrCompressionName(code: number): string {
  const hit = Object.entries(EXR_COMPRESSION).find(([, c]) => c === code);
  return hit ? hit[0].toUpperCase() : `unknown (${code})`;
}

/** Scanlines per chunk of a scanline file, by compression (OpenEXR's numLinesInBuffer). */
export function exrLinesPerBlock(code: number): number {
  const { zip, piz, pxr24, b44, b44a, dwaa, dwab } = EXR_COMPRESSION;
  if (code === zip || code === pxr24) return 16;
  if (code === piz || code === b44 || code === b44a || code === dwaa) return 32;
  return code === dwab ? 256 : 1;
}

/** The compressions the reader decodes. */
export const EXR_READ_COMPRESSIONS: readonly number[] = [EXR_COMPRESSION.none, EXR_COMPRESSION.rle, EXR_COMPRESSION.zips, EXR_COMPRESSION.zip, EXR_COMPRESSION.piz, EXR_COMPRESSION.pxr24, EXR_COMPRESSION.b44, EXR_COMPRESSION.b44a];

/** Pixel type codes in the channel list, and their sizes in bytes. */
export const EXR_PIXEL_UINT = 0;
export const EXR_PIXEL_HALF = 1;
export const EXR_PIXEL_FLOAT = 2;
export const EXR_PIXEL_BYTES = [4, 2, 4] as const;

/**
 * Rec.709 / sRGB primaries and D65 white as written to the `chromaticities` attribute:
 * red x,y, green x,y, blue x,y, white x,y. Our linear data is in these primaries.
 */
export const REC709_CHROMATICITIES = [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329] as const;

/** An offset table entry: a 64-bit little-endian offset, as a number (files over 2^53 bytes do not exist). */
export function exrOffset(view: DataView, at: number): number {
  return view.getUint32(at, true) + view.getUint32(at + 4, true) * 0x100000000;
}

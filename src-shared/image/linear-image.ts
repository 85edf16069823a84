/** The currency of the engine: linear-light float pixels of one frame or one result. */

/** Where the numbers came from, as far as the engine cares. */
export interface ImageMeta {
  /** File name (no folder) the frame was decoded from, for error messages. */
  sourceName?: string;
  /**
   * Transfer function of the source file before decoding: 'srgb' for integer files, linearised on decode with the sRGB
   * curve, or with their ICC profile's tone curves where colourProfile has others (readFrame).
   */
  sourceTransfer?: 'srgb' | 'linear';
  /** Bits per sample of the source (8, 16, 32). */
  sourceBits?: number;
  /** Largest value the source could encode, after linearisation (1 for integer files). */
  clipLevel?: number;
  exposureTime?: number;
  fNumber?: number;
  iso?: number;
  exposureBias?: number;
  make?: string;
  model?: string;
  /** ISO 8601 local time with sub-seconds where the file had them. */
  dateTimeOriginal?: string;
  /** The EXIF orientation (2..8) the samples were turned by from the file's stored layout (src-shared/image/orient.ts); absent: as stored. */
  orientation?: number;
  /**
   * What the decoder chose that the user should hear about (one page of a multi-page TIFF read, colours read as
   * sRGB that are not): a merge, a one-frame recovery and `luxfuse correct` report them with their own warnings
   * (frameWarnings, which says each text once). Absent when there is nothing to say.
   */
  decodeWarnings?: string[];
  /**
   * The ICC profile of the frame when it is not sRGB (Adobe RGB, Display P3, ...), and its description. The samples
   * stay in that space, linearised with its tone curves (readFrame); a JPEG, PNG or TIFF made from the frame carries
   * this profile instead of sRGB's and is encoded with those curves, and what converts (EXR, Display P3 output, the
   * preview) converts from its colorants.
   */
  colourProfile?: { name: string; icc: Uint8Array; /** Where it was found: the file's embedded profile, or its EXIF (a camera's Adobe RGB). */ from: 'profile' | 'exif' };
}

export interface LinearImage {
  width: number;
  height: number;
  /** Interleaved samples per pixel: 1 (grey), 3 (RGB) or 4 (RGBA). The engine works on 3. */
  channels: 1 | 3 | 4;
  /** width * height * channels samples, row-major, interleaved, linear light. */
  data: Float32Array;
  /**
   * log2 of the frame's relative exposure (time x ISO/100 / N^2): +1 is one stop brighter.
   * null when neither metadata nor the caller gave one.
   */
  ev: number | null;
  meta: ImageMeta;
}

/** An sRGB-encoded 8-bit RGBA image, as a canvas and the JPEG encoder want it. */
export interface Rgba8Image {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

export function createLinearImage(
  width: number,
  height: number,
  channels: 1 | 3 | 4 = 3,
  meta: ImageMeta = {},
  ev: number | null = null,
): LinearImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  return { width, height, channels, data: new Float32Array(width * height * channels), ev, meta };
}

/** The decoders' warnings of a bracket's frames, each once (a synthetic frame carries its source frame's meta). */
export function frameWarnings(frames: readonly LinearImage[]): string[] {
  const warnings = new Set(frames.flatMap((f) => f.meta.decodeWarnings ?? []));
  // Frames of one bracket in different colour spaces: a merge takes every frame's samples as they are.
  const spaces = new Set(frames.map((f) => f.meta.colourProfile?.name ?? 'sRGB'));
  if (spaces.size > 1) {
    warnings.add(`The frames are in different colour spaces (${[...spaces].join(', ')}): the merge mixes their samples as they are and takes the result to be in the reference frame's space, so colours shift where frames of another space weigh in. Convert them to one space before merging.`);
  }
  return [...warnings];
}

/** ev from exposure settings: log2(t * iso/100 / N^2); missing ISO counts as 100 and missing N as 1. */
export function evFromSettings(exposureTime: number, iso?: number, fNumber?: number): number {
  if (!(exposureTime > 0)) throw new RangeError(`exposure time must be positive, got ${exposureTime}`);
  const gain = (iso && iso > 0 ? iso : 100) / 100;
  const aperture = fNumber && fNumber > 0 ? fNumber : 1;
  return Math.log2((exposureTime * gain) / (aperture * aperture));
}

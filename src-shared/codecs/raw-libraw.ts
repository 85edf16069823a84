/**
 * What Luxfuse asks of LibRaw (through libraw-wasm) and what it gets back: the settings of a linear,
 * scene-referred decode, the subset of libraw-wasm's results the engine reads, and LibRaw's error
 * codes in words. Shared by the Node decode service and a renderer worker.
 */

/** Larger sensors are refused before unpacking: LibRaw's working copy alone would not fit in 32-bit WASM memory. */
export const MAX_RAW_MEGAPIXELS = 200;

/** libraw-wasm's settings object (LibRaw's imgdata.params), the fields Luxfuse sets. */
export interface LibRawSettings {
  useCameraWb: boolean;
  useAutoWb: boolean;
  useCameraMatrix: number;
  outputColor: number;
  outputBps: number;
  gamm: number[];
  noAutoBright: boolean;
  bright: number;
  highlight: number;
  adjustMaximumThr: number;
  userQual: number;
  halfSize: boolean;
}

/**
 * Linear 16-bit Rec.709 output, 65535 = the white level after black subtraction:
 * - camera white balance (the multipliers the camera recorded, AsShotNeutral in a DNG) and the
 *   camera's colour matrix to sRGB/Rec.709 primaries (outputColor 1), gamma 1/1, no auto-brightening;
 * - highlight 0 (clip): LibRaw divides the multipliers by the smallest, so every channel is scaled up
 *   and clipped at 65535. A channel with a larger multiplier therefore clips below its own sensor
 *   saturation, exactly where a neutral saturates: clipped highlights stay neutral, and 1.0 is the
 *   brightest value that is unclipped in every channel;
 * - adjustMaximumThr 0: otherwise LibRaw replaces the white level by a frame's own brightest sample
 *   when that is near it, and the frames of a bracket would be scaled differently.
 */
export function linearRawSettings(halfSize = false): LibRawSettings {
  return {
    useCameraWb: true,
    useAutoWb: false,
    useCameraMatrix: 1,
    outputColor: 1,
    outputBps: 16,
    // libraw-wasm copies gamm only when all six of LibRaw's values are given; the last four are derived.
    gamm: [1, 1, 0, 0, 0, 0],
    noAutoBright: true,
    bright: 1,
    highlight: 0,
    adjustMaximumThr: 0,
    userQual: 3, // AHD
    halfSize,
  };
}

/** The fields of libraw-wasm's metadata() that Luxfuse reads. */
export interface LibRawMetadata {
  width: number;
  height: number;
  raw_width: number;
  raw_height: number;
  camera_make: string;
  camera_model: string;
  iso_speed: number;
  /** Seconds (a C float). */
  shutter: number;
  aperture: number;
  focal_len: number;
  /** DateTimeOriginal as LibRaw's mktime() read it: seconds since the epoch, taking the wall time as local time. */
  timestamp: number;
  thumb_width: number;
  thumb_height: number;
  /** LibRaw_thumbnail_formats: 1 JPEG, 2 bitmap, 3 16-bit bitmap... */
  thumb_format: number;
  color_data?: { black: number; maximum: number; cam_mul: number[]; pre_mul: number[] };
}

/** libraw-wasm's imageData(): interleaved samples, 3 colours at 16 bits with the settings above. */
export interface LibRawImage {
  width: number;
  height: number;
  colors: number;
  bits: number;
  data: Uint16Array | Uint8Array;
}

/** libraw-wasm's thumbnailData(): a JPEG file, or 8-bit interleaved RGB for a bitmap. */
export interface LibRawThumbnail {
  data: Uint8Array;
  width: number;
  height: number;
  format: 'jpeg' | 'bitmap' | 'unknown';
}

const ERROR_CODES: ReadonlyMap<number, string> = new Map([
  [-1, 'unspecified error'],
  [-2, 'unsupported file format or not a RAW file'],
  [-3, 'request for a nonexistent image'],
  [-4, 'out-of-order call'],
  [-5, 'no thumbnail in the file'],
  [-6, 'unsupported thumbnail format'],
  [-7, 'input closed'],
  [-8, 'no decoder for this data format'],
  [-9, 'request for a nonexistent thumbnail'],
  [-100007, 'not enough memory'],
  [-100008, 'corrupt data or unexpected end of file'],
  [-100009, 'input/output error'],
  [-100010, 'cancelled'],
  [-100011, 'bad crop box'],
  [-100012, 'image too big for processing'],
  [-100013, 'internal memory pool overflowed'],
]);

/** LibRaw's own exceptions (enum LibRaw_exceptions), when one escapes libraw-wasm's wrapper. */
const EXCEPTIONS = [
  'no error', 'not enough memory', 'corrupt RAW data', 'corrupt JPEG data in the RAW', 'unexpected end of file',
  'corrupt data', 'cancelled', 'bad crop box', 'bad file', 'corrupt JPEG 2000 data', 'image too big',
  'internal memory pool overflowed', 'unsupported format',
];

/** A libraw-wasm message ("LibRaw: unpack() failed with code -100008") with the code in words. */
export function describeLibRawMessage(message: string): string {
  const m = /failed with code (-?\d+)/.exec(message);
  const words = m ? ERROR_CODES.get(Number(m[1])) : undefined;
  return words ? `${words} (${message})` : message;
}

/** A LibRaw_exceptions value in words. */
export function describeLibRawException(code: number): string {
  return EXCEPTIONS[code] ?? `LibRaw exception ${code}`;
}

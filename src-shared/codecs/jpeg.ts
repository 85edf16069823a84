/** JPEG codec via jpeg-js: decode to linear RGB (sRGB-linearised), encode 8-bit sRGB RGBA with optional EXIF. */
import jpeg from 'jpeg-js';
import { DecodeError } from '../errors';
import type { LinearImage, Rgba8Image } from '../image/linear-image';
import { srgb8ToLinearLut } from '../image/srgb';
import { exifApp1Segment, type ExifFields } from './exif-write';

/** Decodes a baseline or progressive JPEG to 3-channel linear RGB. Truncated or corrupt files throw DecodeError. */
export function decodeJpeg(bytes: Uint8Array, fileName?: string): LinearImage {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true, // plain Uint8Array: no Buffer, so this also runs in the browser
      formatAsRGBA: false, // RGB; grey JPEGs come out as R=G=B
      maxResolutionInMP: 250, // above jpeg-js's 100 MP default: medium-format cameras make 100+ MP files
      maxMemoryUsageInMB: 4096,
    });
  } catch (e) {
    // jpeg-js throws strings as well as Errors ("marker was not found" when the file is cut short).
    throw new DecodeError(`truncated or corrupt JPEG: ${String((e as Error)?.message ?? e)}`, fileName);
  }
  const { width, height, data } = decoded;
  if (!(width > 0 && height > 0) || data.length !== width * height * 3) {
    throw new DecodeError('truncated or corrupt JPEG: no image data', fileName);
  }
  const lut = srgb8ToLinearLut();
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = lut[data[i]];
  return {
    width,
    height,
    channels: 3,
    data: out,
    ev: null,
    meta: { sourceName: fileName, sourceTransfer: 'srgb', sourceBits: 8, clipLevel: 1 },
  };
}

export interface JpegEncodeOptions {
  /** 1..100, default 92. */
  quality?: number;
  /** Written as an Exif APP1 segment straight after SOI. */
  exif?: ExifFields;
}

type BufferShim = { from(bytes: ArrayLike<number>): Uint8Array };

/**
 * jpeg-js's encoder ends with Buffer.from(bytes) whenever `module` exists, which is also true inside
 * bundled browser code where Buffer does not. Supply a stand-in for that one synchronous call.
 */
function withBuffer<T>(run: () => T): T {
  const g = globalThis as { Buffer?: BufferShim };
  if (g.Buffer) return run();
  g.Buffer = { from: (bytes) => Uint8Array.from(bytes) };
  try {
    return run();
  } finally {
    delete g.Buffer;
  }
}

/** Encodes an 8-bit sRGB RGBA image (alpha ignored) as a baseline JPEG. */
export function encodeJpeg(img: Rgba8Image, opts: JpegEncodeOptions = {}): Uint8Array {
  const { width, height, data } = img;
  const quality = opts.quality ?? 92;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 65535 || height > 65535) {
    throw new RangeError(`JPEG size must be 1..65535 pixels each way, got ${width}x${height}`);
  }
  if (data.length !== width * height * 4) throw new RangeError(`RGBA data holds ${data.length} bytes, expected ${width * height * 4}`);
  if (!(quality >= 1 && quality <= 100)) throw new RangeError(`JPEG quality must be 1..100, got ${quality}`);
  const exif = opts.exif ? exifApp1Segment(opts.exif, { width, height }) : null;
  if (exif && exif.length > 65533) throw new RangeError(`EXIF block of ${exif.length} bytes does not fit one APP1 segment`);

  const encoded = withBuffer(() => jpeg.encode({ width, height, data }, quality).data as Uint8Array);
  if (!exif) return new Uint8Array(encoded); // a plain Uint8Array that owns its memory, not a pooled Buffer
  // jpeg-js writes SOI then a JFIF APP0; an Exif file carries APP1 first and no JFIF, so APP0 is dropped.
  const hasApp0 = encoded[2] === 0xff && encoded[3] === 0xe0;
  const rest = encoded.subarray(hasApp0 ? 4 + ((encoded[4] << 8) | encoded[5]) : 2);
  const out = new Uint8Array(2 + 4 + exif.length + rest.length);
  out.set([0xff, 0xd8, 0xff, 0xe1, (exif.length + 2) >> 8, (exif.length + 2) & 0xff]);
  out.set(exif, 6);
  out.set(rest, 6 + exif.length);
  return out;
}

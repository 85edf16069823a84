/** LibRaw's linear 16-bit output (see raw-libraw.ts) to a LinearImage: 1.0 = white level after black subtraction. */
import { DecodeError } from '../errors';
import { evFromSettings, type ImageMeta, type LinearImage } from '../image/linear-image';
import type { LibRawImage, LibRawMetadata } from './raw-libraw';
import { frameSamples } from '../image/samples';
import { tagValue, type TiffIfd } from './tiff-check';
import { readTiffDirectories } from './tiff';

/** LibRaw keeps exposure settings as C floats: 1/125 s comes back as 0.00800000038. Seven digits is what a float holds. */
const fromFloat32 = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) && v > 0 ? Number(v.toPrecision(7)) : undefined;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * LibRaw turns DateTimeOriginal into epoch seconds with mktime(), reading the wall time as local time
 * (in WASM: the JS engine's zone); reading it back in the same zone gives the wall time the camera wrote.
 */
export function rawWallTime(timestamp: unknown): string | undefined {
  if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp <= 0) return undefined;
  const d = new Date(timestamp * 1000);
  return `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** What LibRaw read from the file's headers, including formats exifr does not walk (RAF, CR3). */
export function rawImageMeta(meta: LibRawMetadata, fileName?: string): ImageMeta {
  const out: ImageMeta = {
    sourceName: fileName,
    sourceTransfer: 'linear',
    sourceBits: 16,
    clipLevel: 1,
    exposureTime: fromFloat32(meta.shutter),
    fNumber: fromFloat32(meta.aperture),
    iso: fromFloat32(meta.iso_speed),
    make: text(meta.camera_make),
    model: text(meta.camera_model),
    dateTimeOriginal: rawWallTime(meta.timestamp),
  };
  for (const key of Object.keys(out) as (keyof ImageMeta)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** The frame's exposure from the metadata, null when the file has no exposure time. */
export function rawEv(meta: ImageMeta): number | null {
  return meta.exposureTime ? evFromSettings(meta.exposureTime, meta.iso, meta.fNumber) : null;
}

/** The photometric interpretations of every DNG raw image directory (NewSubfileType 0) in the file; [] for anything else. */
function dngRawPhotometrics(bytes: Uint8Array): number[] {
  const tiff = bytes.length >= 8 && ((bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d));
  if (!tiff) return [];
  let ifds: TiffIfd[];
  try {
    ({ ifds } = readTiffDirectories(bytes));
  } catch {
    return [];
  }
  if (!ifds.some((ifd) => ifd.t50706 !== undefined)) return [];
  const out: number[] = [];
  const walk = (ifd: TiffIfd): void => {
    if ((tagValue(ifd, 254) ?? 0) === 0 && tagValue(ifd, 262) !== undefined) out.push(tagValue(ifd, 262)!);
    for (const sub of ifd.subIFD ?? []) walk(sub);
  };
  ifds.forEach(walk);
  return out;
}

/**
 * Refuses a DNG that declares a colour filter array (photometric 32803) for its raw image but that LibRaw decoded as one
 * colour: its CFAPattern tag is damaged, and the "monochrome" result would be the mosaic itself, a grey checkerboard.
 * A monochrome camera's DNG (Leica Monochrom) says LinearRaw (34892) with one sample and passes.
 */
export function checkMonochromeRaw(bytes: Uint8Array, colors: number, fileName?: string): void {
  if (colors !== 1 || !dngRawPhotometrics(bytes).includes(32803)) return;
  const named = fileName ? `${fileName}: ` : '';
  throw new DecodeError(`${named}corrupt DNG: its raw image is a colour filter mosaic, but its colour filter pattern (the CFAPattern tag) cannot be read, so its colours cannot be recovered`, fileName);
}

/**
 * Interleaved 16-bit RGB to float, 65535 -> 1.0; a monochrome sensor's single channel (LibRaw returns 1 colour for a
 * Leica Monochrom; see checkMonochromeRaw for a DNG whose pattern is damaged) becomes grey RGB. Throws DecodeError naming the file when
 * the result is anything else.
 */
export function rawToLinearImage(image: LibRawImage, meta: LibRawMetadata, fileName?: string): LinearImage {
  const { width, height, colors, bits, data } = image;
  const named = (what: string): string => (fileName ? `${fileName}: ${what}` : what);
  if (bits !== 16 || (colors !== 3 && colors !== 1) || !(data instanceof Uint16Array)) {
    throw new DecodeError(named(`unsupported RAW data: LibRaw decoded ${colors} colour channels at ${bits} bits, where Luxfuse reads 3 (colour) or 1 (monochrome) at 16`), fileName);
  }
  if (!(width > 0 && height > 0) || data.length !== width * height * colors) {
    throw new DecodeError(named(`corrupt RAW data: LibRaw returned ${data.length} samples for a ${width} x ${height} image of ${colors} colour channels`), fileName);
  }
  const out = frameSamples(width * height * 3);
  const scale = 1 / 65535;
  if (colors === 3) {
    for (let i = 0; i < data.length; i++) out[i] = data[i] * scale;
  } else {
    for (let i = 0, o = 0; i < data.length; i++, o += 3) out[o] = out[o + 1] = out[o + 2] = data[i] * scale;
  }
  const imageMeta = rawImageMeta(meta, fileName);
  return { width, height, channels: 3, data: out, ev: rawEv(imageMeta), meta: imageMeta };
}

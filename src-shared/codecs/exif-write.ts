/** EXIF writer: camera fields to a little-endian TIFF structure (IFD0 + Exif IFD), and to a JPEG APP1 payload. */
import {
  TIFF_ASCII, TIFF_LONG, TIFF_RATIONAL, TIFF_SHORT, TIFF_SRATIONAL, TIFF_UNDEFINED, writeTiffStructure, type TiffEntry,
} from './tiff-structure';
import { toRational } from './rational';

export interface ExifFields {
  /** Seconds. */
  exposureTime?: number;
  fNumber?: number;
  /** PhotographicSensitivity (ISO speed). */
  iso?: number;
  /** Exposure compensation in EV. */
  exposureBias?: number;
  /** 0 auto, 1 manual, 2 auto bracket. */
  exposureMode?: 0 | 1 | 2;
  /** 'YYYY:MM:DD HH:MM:SS', local time as EXIF stores it. */
  dateTimeOriginal?: string;
  /** Fraction-of-second digits, e.g. '25' for .25 s. */
  subSecTimeOriginal?: string;
  /** UTC offset of dateTimeOriginal, '+HH:MM' or '-HH:MM'. */
  offsetTimeOriginal?: string;
  make?: string;
  model?: string;
  lensModel?: string;
  /** Millimetres. */
  focalLength?: number;
  bodySerialNumber?: string;
  /** 1..8, TIFF orientation. */
  orientation?: number;
  software?: string;
  /** IFD0 Artist. */
  artist?: string;
  /** Exif CameraOwnerName. */
  cameraOwnerName?: string;
  lensSerialNumber?: string;
  /** EXIF ColorSpace: 'srgb' (default) or 'uncalibrated' (65535) for pixels in another space, e.g. Display P3 with an ICC profile. */
  colorSpace?: 'srgb' | 'uncalibrated';
}

function check(ok: boolean, what: string, value: unknown): void {
  if (!ok) throw new RangeError(`invalid EXIF ${what}: ${JSON.stringify(value)}`);
}

/** Pixel size of the JPEG the EXIF goes into: adds the tags EXIF requires of JPEG files. */
export interface ExifJpegInfo {
  width: number;
  height: number;
}

/** TIFF entries for the fields: IFD0 takes the image-level tags, the Exif IFD the capture settings. */
export function exifEntries(f: ExifFields, jpeg?: ExifJpegInfo): { ifd0: TiffEntry[]; exif: TiffEntry[] } {
  const ifd0: TiffEntry[] = [];
  const exif: TiffEntry[] = [];
  const ascii = (list: TiffEntry[], tag: number, v: string | undefined): void => {
    if (v !== undefined) list.push({ tag, type: TIFF_ASCII, value: v });
  };
  const rational = (tag: number, v: number | undefined, signed = false): void => {
    if (v !== undefined) exif.push({ tag, type: signed ? TIFF_SRATIONAL : TIFF_RATIONAL, value: toRational(v, signed) });
  };
  ascii(ifd0, 271, f.make);
  ascii(ifd0, 272, f.model);
  if (f.orientation !== undefined) {
    check(Number.isInteger(f.orientation) && f.orientation >= 1 && f.orientation <= 8, 'orientation', f.orientation);
    ifd0.push({ tag: 274, type: TIFF_SHORT, value: [f.orientation] });
  }
  ascii(ifd0, 305, f.software);
  ascii(ifd0, 315, f.artist);

  if (f.exposureTime !== undefined) check(f.exposureTime > 0, 'exposure time', f.exposureTime);
  if (f.fNumber !== undefined) check(f.fNumber > 0, 'f-number', f.fNumber);
  if (f.focalLength !== undefined) check(f.focalLength > 0, 'focal length', f.focalLength);
  rational(33434, f.exposureTime);
  rational(33437, f.fNumber);
  if (f.iso !== undefined) {
    check(Number.isFinite(f.iso) && f.iso > 0, 'ISO', f.iso);
    // PhotographicSensitivity is a SHORT; EXIF says to write 65535 when the real value does not fit.
    exif.push({ tag: 34855, type: TIFF_SHORT, value: [Math.min(65535, Math.round(f.iso))] });
  }
  if (f.dateTimeOriginal !== undefined) {
    check(/^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d$/.test(f.dateTimeOriginal), 'DateTimeOriginal', f.dateTimeOriginal);
    ascii(exif, 36867, f.dateTimeOriginal);
  }
  if (f.offsetTimeOriginal !== undefined) {
    check(/^[+-]\d\d:\d\d$/.test(f.offsetTimeOriginal), 'OffsetTimeOriginal', f.offsetTimeOriginal);
    ascii(exif, 36881, f.offsetTimeOriginal);
  }
  rational(37380, f.exposureBias, true);
  rational(37386, f.focalLength);
  if (f.subSecTimeOriginal !== undefined) {
    check(/^\d+$/.test(f.subSecTimeOriginal), 'SubSecTimeOriginal', f.subSecTimeOriginal);
    ascii(exif, 37521, f.subSecTimeOriginal);
  }
  if (f.exposureMode !== undefined) {
    check([0, 1, 2].includes(f.exposureMode), 'exposure mode', f.exposureMode);
    exif.push({ tag: 41986, type: TIFF_SHORT, value: [f.exposureMode] });
  }
  ascii(exif, 42032, f.cameraOwnerName);
  ascii(exif, 42033, f.bodySerialNumber);
  ascii(exif, 42036, f.lensModel);
  ascii(exif, 42037, f.lensSerialNumber);
  if (jpeg) {
    // Required in a JPEG's EXIF: resolution (72 dpi, nominal), YCbCrPositioning (centred, as JFIF decoders
    // assume), ComponentsConfiguration (Y, Cb, Cr) and the pixel size.
    ifd0.push({ tag: 282, type: TIFF_RATIONAL, value: [72, 1] }, { tag: 283, type: TIFF_RATIONAL, value: [72, 1] });
    ifd0.push({ tag: 296, type: TIFF_SHORT, value: [2] }, { tag: 531, type: TIFF_SHORT, value: [1] });
    exif.push({ tag: 37121, type: TIFF_UNDEFINED, value: new Uint8Array([1, 2, 3, 0]) });
    exif.push({ tag: 40962, type: TIFF_LONG, value: [jpeg.width] }, { tag: 40963, type: TIFF_LONG, value: [jpeg.height] });
  }
  check(f.colorSpace === undefined || f.colorSpace === 'srgb' || f.colorSpace === 'uncalibrated', 'color space', f.colorSpace);
  if (exif.length || f.colorSpace !== undefined) {
    // Mandatory in an Exif IFD: ExifVersion "0232" (2.32 defines OffsetTime* and the lens/serial tags),
    // FlashpixVersion "0100", and ColorSpace: 1 for sRGB, 65535 (uncalibrated) when an ICC profile says what they are.
    exif.push({ tag: 36864, type: TIFF_UNDEFINED, value: new Uint8Array([0x30, 0x32, 0x33, 0x32]) });
    exif.push({ tag: 40960, type: TIFF_UNDEFINED, value: new Uint8Array([0x30, 0x31, 0x30, 0x30]) });
    exif.push({ tag: 40961, type: TIFF_SHORT, value: [f.colorSpace === 'uncalibrated' ? 65535 : 1] });
  }
  return { ifd0, exif };
}

/** A little-endian TIFF structure holding the fields (no image), as found inside a JPEG's Exif APP1. */
export function encodeExifTiff(fields: ExifFields, jpeg?: ExifJpegInfo): Uint8Array {
  const { ifd0, exif } = exifEntries(fields, jpeg);
  return writeTiffStructure({ littleEndian: true, ifd0, exif });
}

/**
 * The JPEG APP1 payload: "Exif\0\0" then the TIFF structure (the 0xFFE1 marker and length are the caller's).
 * Pass the JPEG's size to include the tags EXIF requires in JPEG files.
 */
export function exifApp1Segment(fields: ExifFields, jpeg?: ExifJpegInfo): Uint8Array {
  const tiff = encodeExifTiff(fields, jpeg);
  const out = new Uint8Array(6 + tiff.length);
  out.set([0x45, 0x78, 0x69, 0x66, 0, 0]);
  out.set(tiff, 6);
  return out;
}

/**
 * ShotInfo for one file from its headers only: EXIF through exifr (which reads the file in
 * chunks), capture time built from the raw strings (independent of the machine's time zone),
 * pixel size from the image header. CR3 and RAF keep their EXIF in containers exifr does not
 * walk; raw-containers.ts finds the blocks and exifr reads them.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { fileKind } from '../../src-shared/bracket/file-kind';
import { exifLocalTime, parseExifDateTime, type ShotInfo } from '../../src-shared/bracket/shot-info';
import { LuxfuseError } from '../../src-shared/errors';
import { ByteSource } from './byte-source';
import { exifrParse } from './exifr-file';
import { fileErrorReason } from './file-error-reason';
import { findDamage } from './file-integrity';
import { headerSize, jpegSize, sniffFormat, type HeaderFormat, type PixelSize } from './image-header';
import { findCr3Blocks, findRafJpeg } from './raw-containers';

/** The file is missing, unreadable or not an image: the message names it and says which. */
export class UnreadableImageError extends LuxfuseError {}

/**
 * The file's structure shows a merge would refuse it (file-integrity.ts: cut short, misnamed): the message says why.
 * `shot`: its headers, which did read (import uses them to name the bracket it was shot in).
 */
export class UnmergeableFileError extends UnreadableImageError {
  constructor(
    message: string,
    file: string,
    readonly shot?: ShotInfo,
  ) {
    super(message, file);
  }
}

/** Tags by exifr's names; exifr enables only the IFDs these live in. */
const TAGS = [
  'Make',
  'Model',
  'SerialNumber', // Exif BodySerialNumber (0xA431)
  'CameraSerialNumber', // DNG, IFD0 (0xC62F)
  // What tells apart two bodies of one model that write no serial number.
  'OwnerName', // Exif CameraOwnerName (0xA430)
  'Artist',
  'Software',
  'LensSerialNumber',
  'LensModel',
  'FocalLength',
  'ExposureTime',
  'FNumber',
  'ISO',
  'RecommendedExposureIndex',
  'ISOSpeed',
  'ExposureCompensation', // ExposureBiasValue
  'ExposureMode',
  'Flash',
  'DateTimeOriginal',
  'SubSecTimeOriginal',
  'OffsetTimeOriginal',
  // DateTimeDigitized and its companions: the capture time where a tool left out DateTimeOriginal.
  'CreateDate',
  'SubSecTimeDigitized',
  'OffsetTimeDigitized',
  'ExifImageWidth', // PixelXDimension
  'ExifImageHeight',
  'Orientation',
  'ColorSpace',
  'InteropIndex',
] as const;

type Tags = Partial<Record<(typeof TAGS)[number], unknown>>;

/** Raw values: dates stay strings (no Date in the machine's zone), enums stay numbers. */
const EXIFR_OPTIONS = {
  pick: [...TAGS],
  translateValues: false,
  reviveValues: false,
  mergeOutput: true,
  makerNote: false,
  userComment: false,
  xmp: false,
  icc: false,
  iptc: false,
  jfif: false,
  ihdr: false,
  gps: false,
  // For InteropIndex alone: "R03" beside ColorSpace 65535 is how a camera says Adobe RGB.
  interop: true,
  ifd1: false,
};

/** Exif IFD tag numbers, for CR3's CMT2 block, which is an Exif IFD stored as a TIFF's IFD0. */
const EXIF_TAG_NAMES: ReadonlyMap<number, (typeof TAGS)[number]> = new Map([
  [0x829a, 'ExposureTime'],
  [0x829d, 'FNumber'],
  [0x8827, 'ISO'],
  [0x8832, 'RecommendedExposureIndex'],
  [0x8833, 'ISOSpeed'],
  [0x9003, 'DateTimeOriginal'],
  [0x9004, 'CreateDate'],
  [0x9011, 'OffsetTimeOriginal'],
  [0x9012, 'OffsetTimeDigitized'],
  [0x9204, 'ExposureCompensation'],
  [0x9209, 'Flash'],
  [0x920a, 'FocalLength'],
  [0x9291, 'SubSecTimeOriginal'],
  [0x9292, 'SubSecTimeDigitized'],
  [0xa002, 'ExifImageWidth'],
  [0xa003, 'ExifImageHeight'],
  [0xa402, 'ExposureMode'],
  [0xa430, 'OwnerName'],
  [0xa431, 'SerialNumber'],
  [0xa434, 'LensModel'],
  [0xa435, 'LensSerialNumber'],
]);

const why = (error: unknown): string => fileErrorReason(error);

const num = (v: unknown): number | undefined => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
};
const positive = (v: unknown): number | undefined => {
  const x = num(v);
  return x !== undefined && x > 0 ? x : undefined;
};
const text = (v: unknown): string | undefined => {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.replace(/\0/g, '').trim();
  return s || undefined;
};
/** SubSecTime is ASCII digits; keep them as text so '05' stays 50 ms. */
const digits = (v: unknown): string | undefined => text(v);

/** ISO 65535 means "too large for the SHORT": the real value is in RecommendedExposureIndex or ISOSpeed. */
function isoOf(t: Tags): number | undefined {
  const iso = positive(t.ISO);
  if (iso !== undefined && iso < 65535) return iso;
  return positive(t.RecommendedExposureIndex) ?? positive(t.ISOSpeed) ?? iso;
}

/** DateTimeOriginal with its sub-seconds and offset; where it is missing or unreadable, DateTimeDigitized with its own. */
function captureTags(t: Tags): [string | undefined, string | undefined, string | undefined] {
  const original: [string | undefined, string | undefined, string | undefined] = [text(t.DateTimeOriginal), digits(t.SubSecTimeOriginal), text(t.OffsetTimeOriginal)];
  if (parseExifDateTime(...original) !== undefined) return original;
  const digitized: [string | undefined, string | undefined, string | undefined] = [text(t.CreateDate), digits(t.SubSecTimeDigitized), text(t.OffsetTimeDigitized)];
  return parseExifDateTime(...digitized) !== undefined ? digitized : original;
}

function toShotInfo(file: string, t: Tags, size: PixelSize | undefined, preferExifSize: boolean): ShotInfo {
  const exifSize =
    positive(t.ExifImageWidth) && positive(t.ExifImageHeight)
      ? { width: positive(t.ExifImageWidth)!, height: positive(t.ExifImageHeight)! }
      : undefined;
  const dims = preferExifSize ? (exifSize ?? size) : (size ?? exifSize);
  const mode = num(t.ExposureMode);
  const when = captureTags(t);
  const info: ShotInfo = {
    file,
    exposureTime: positive(t.ExposureTime),
    fNumber: positive(t.FNumber),
    iso: isoOf(t),
    exposureBias: num(t.ExposureCompensation),
    exposureMode: mode !== undefined && Number.isInteger(mode) ? mode : undefined,
    captureTime: parseExifDateTime(...when),
    localTime: exifLocalTime(...when),
    make: text(t.Make),
    model: text(t.Model),
    serial: text(t.SerialNumber) ?? text(t.CameraSerialNumber),
    owner: text(t.OwnerName),
    artist: text(t.Artist),
    software: text(t.Software),
    lensModel: text(t.LensModel),
    lensSerial: text(t.LensSerialNumber),
    focalLength: positive(t.FocalLength),
    width: dims?.width,
    height: dims?.height,
    orientation: orientationOf(t.Orientation),
    flashFired: flashOf(t.Flash),
    // ColorSpace 65535 ("uncalibrated") with interoperability index R03 (DCF's option file): a camera set to Adobe RGB.
    // 65535 alone says little: exiftool writes it into every EXIF it creates.
    ...(num(t.ColorSpace) === 65535 && text(t.InteropIndex) === 'R03' ? { exifAdobeRgb: true } : {}),
  };
  // Only the fields the file had: keeps JSON and test expectations free of undefined keys.
  for (const key of Object.keys(info) as (keyof ShotInfo)[]) if (info[key] === undefined) delete info[key];
  return info;
}

/** EXIF Orientation where it is one of the eight values; anything else is read as 1 (as stored), as viewers do. */
/** EXIF Flash: bit 0 says whether it fired. */
function flashOf(v: unknown): boolean | undefined {
  const x = num(v);
  return x !== undefined && Number.isInteger(x) && x >= 0 ? (x & 1) === 1 : undefined;
}

function orientationOf(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 8 ? n : undefined;
}

async function parseTags(input: string | Uint8Array): Promise<Tags> {
  try {
    return ((await exifrParse(input, EXIFR_OPTIONS)) as Tags | undefined) ?? {};
  } catch {
    // A damaged or absent EXIF block does not make the image unreadable; its shot is just anonymous.
    return {};
  }
}

/** How far from its end a PNG's eXIf chunk is looked for when it follows the image data. */
const PNG_TAIL_BYTES = 256 * 1024;

/**
 * A PNG's eXIf chunk after the image data, which exifr does not read (it stops at IDAT): ImageMagick and
 * other converters write it there, before IEND. Found by its type and a length that fits; {} when absent.
 */
async function pngTrailingExif(src: ByteSource): Promise<Tags> {
  const length = Math.min(src.size, PNG_TAIL_BYTES);
  const tail = await src.read(src.size - length, length);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let i = tail.length - 12; i >= 4; i--) {
    if (tail[i] !== 0x65 || tail[i + 1] !== 0x58 || tail[i + 2] !== 0x49 || tail[i + 3] !== 0x66) continue; // 'eXIf'
    const size = view.getUint32(i - 4);
    const body = tail.subarray(i + 4, i + 4 + size);
    const tiff = body.length === size && size >= 8 && ((body[0] === 0x49 && body[1] === 0x49) || (body[0] === 0x4d && body[1] === 0x4d));
    if (tiff) return parseTags(body);
  }
  return {};
}

/** CR3: CMT1 holds IFD0 (names as usual); CMT2 is the Exif IFD stored as a TIFF's IFD0, read by tag number. */
async function cr3Tags(src: ByteSource): Promise<Tags> {
  const { cmt1, cmt2 } = await findCr3Blocks(src);
  const tags: Tags = cmt1 ? await parseTags(cmt1) : {};
  if (cmt2) {
    const options = { ...EXIFR_OPTIONS, pick: undefined, translateKeys: false, ifd0: {}, exif: false };
    const raw = (await exifrParse(cmt2, options).catch(() => undefined)) as Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(raw ?? {})) {
      const name = EXIF_TAG_NAMES.get(Number(key));
      if (name) tags[name] = value;
    }
  }
  return tags;
}

async function rafTags(src: ByteSource): Promise<{ tags: Tags; size?: PixelSize }> {
  const jpeg = await findRafJpeg(src);
  if (!jpeg) return { tags: {} };
  return { tags: await parseTags(jpeg.bytes), size: await jpegSize(src, jpeg.offset) };
}

async function tagsAndSize(path: string, src: ByteSource, format: HeaderFormat): Promise<{ tags: Tags; size?: PixelSize }> {
  switch (format) {
    case 'cr3':
      return { tags: await cr3Tags(src) };
    case 'raf':
      return rafTags(src);
    case 'exr':
    case 'bigtiff':
      return { tags: {}, size: await headerSize(src, format) };
    case 'png': {
      const tags = await parseTags(path);
      return { tags: Object.keys(tags).length > 0 ? tags : await pngTrailingExif(src), size: await headerSize(src, format) };
    }
    default:
      return { tags: await parseTags(path), size: await headerSize(src, format) };
  }
}

/**
 * What grouping needs from one file. Rejects with UnreadableImageError ('cannot read
 * street/a.jpg: no such file') when the file cannot be opened or is not an image; a file
 * without EXIF resolves with just file, width and height.
 */
export function readShotInfo(path: string): Promise<ShotInfo> {
  return readShot(path, false);
}

/**
 * What import reads of one file: readShotInfo, and a check of the file's structure (file-integrity.ts) that finds,
 * without decoding, what a merge would refuse: a file cut short, a JPEG named as camera RAW. Rejects with
 * UnmergeableFileError saying why.
 */
export function readImportShot(path: string): Promise<ShotInfo> {
  return readShot(path, true);
}

async function readShot(path: string, checkStructure: boolean): Promise<ShotInfo> {
  let handle: FileHandle | undefined;
  try {
    let src: ByteSource;
    try {
      handle = await open(path, 'r');
      src = await ByteSource.open(handle);
    } catch (error) {
      throw new UnreadableImageError(`cannot read ${path}: ${why(error)}`, path);
    }
    if (src.size === 0) throw new UnreadableImageError(`cannot read ${path}: the file is empty`, path);
    const format = sniffFormat(src.head);
    if (!format) {
      throw new UnreadableImageError(
        `cannot read ${path}: not an image Luxfuse reads (the header is not JPEG, PNG, TIFF, EXR, CR3 or RAF)`,
        path,
      );
    }
    let read: { tags: Tags; size?: PixelSize };
    try {
      read = await tagsAndSize(path, src, format);
    } catch (error) {
      throw new UnreadableImageError(`cannot read ${path}: ${why(error)}`, path);
    }
    const raw = fileKind(path) === 'raw';
    // Every JPEG, PNG, TIFF and EXR states its size up front: without one the header is cut short or damaged,
    // and the file would only fail later, at decoding. (RAW layouts vary too much to insist.)
    if (!read.size && !raw && format !== 'bigtiff' && format !== 'cr3' && format !== 'raf') {
      throw new UnreadableImageError(`cannot read ${path}: the ${format.toUpperCase()} header is cut short or damaged (it gives no image size)`, path);
    }
    if (checkStructure) {
      let damage: string | undefined;
      try {
        damage = await findDamage(src, format, path);
      } catch (error) {
        throw new UnreadableImageError(`cannot read ${path}: ${why(error)}`, path);
      }
      if (damage) throw new UnmergeableFileError(`${path}: ${damage}, so it cannot be merged and is in no bracket`, path, toShotInfo(path, read.tags, read.size, raw));
    }
    return toShotInfo(path, read.tags, read.size, raw);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

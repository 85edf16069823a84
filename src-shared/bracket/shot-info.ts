/** What grouping needs to know about one photograph, as read from its EXIF and image header. */

export interface ShotInfo {
  /** Path as the user gave it or as the folder scan found it. */
  file: string;
  /** Seconds. */
  exposureTime?: number;
  fNumber?: number;
  iso?: number;
  /** ExposureBiasValue in stops (the photographer's or the bracketing's compensation). */
  exposureBias?: number;
  /** EXIF ExposureMode: 0 auto, 1 manual, 2 auto bracket. */
  exposureMode?: number;
  /** The flash fired (EXIF Flash, bit 0); undefined where the file does not say. */
  flashFired?: boolean;
  /**
   * ms since the epoch from DateTimeOriginal + SubSecTimeOriginal + OffsetTimeOriginal.
   * Without an offset the wall-clock time is read as if it were UTC: not a true instant,
   * but comparable with other times from the same camera.
   */
  captureTime?: number;
  /** The capture time as the camera wrote it, ISO 8601 local time ('2026-01-01T12:00:01.25+02:00'), for the outputs' metadata. */
  localTime?: string;
  make?: string;
  model?: string;
  serial?: string;
  /** EXIF CameraOwnerName (0xA430), as the owner set it in the camera's menu. */
  owner?: string;
  /** EXIF Artist (0x013B), as the owner set it in the camera's menu. */
  artist?: string;
  /** EXIF Software (0x0131): a camera's firmware version ('Ver.1.10', 'Firmware Version 1.8.1'), or the program that last wrote the file. */
  software?: string;
  lensModel?: string;
  /** EXIF LensSerialNumber (0xA435). */
  lensSerial?: string;
  /** Millimetres. */
  focalLength?: number;
  width?: number;
  height?: number;
  /** EXIF Orientation, 1..8 (src-shared/image/orient.ts); width and height are as stored, before it turns them. */
  orientation?: number;
  /** EXIF says Adobe RGB as cameras do (ColorSpace 65535 "uncalibrated", interoperability index "R03"); they embed no ICC profile. */
  exifAdobeRgb?: boolean;
}

/** EXIF ExposureMode value for auto bracketing. */
export const EXPOSURE_MODE_AUTO = 0;
export const EXPOSURE_MODE_MANUAL = 1;
export const EXPOSURE_MODE_AUTO_BRACKET = 2;

const DATE_TIME = /^\s*(\d{4})[:\-/](\d{1,2})[:\-/](\d{1,2})[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{1,2}:?\d{2})?\s*$/;
const OFFSET = /^\s*(?:(Z)|([+-])(\d{1,2}):?(\d{2}))\s*$/;

function offsetMinutes(text: string): number | undefined {
  const m = OFFSET.exec(text);
  if (!m) return undefined;
  if (m[1]) return 0;
  const minutes = Number(m[3]) * 60 + Number(m[4]);
  if (minutes > 18 * 60) return undefined;
  return m[2] === '-' ? -minutes : minutes;
}

/** '5' -> 500 ms, '05' -> 50 ms, '123456' -> 123.456 ms: SubSecTime digits are a decimal fraction of a second. */
function fractionMs(digits: string): number {
  return Number(`0.${digits}`) * 1000;
}

/**
 * Capture time in ms from EXIF's 'YYYY:MM:DD HH:MM:SS' plus optional sub-second digits and
 * '+HH:MM' offset, independent of the machine's time zone. Undefined for blank or zeroed
 * dates ('0000:00:00 00:00:00', '    :  :  ') and impossible fields.
 */
export function parseExifDateTime(
  dateTime: string | undefined | null,
  subSec?: string | number | null,
  offset?: string | null,
): number | undefined {
  if (typeof dateTime !== 'string') return undefined;
  const m = DATE_TIME.exec(dateTime.replace(/\0+$/, ''));
  if (!m) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 Feb into March; reject it rather than invent a date.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  const subDigits = subSec === undefined || subSec === null ? '' : String(subSec).replace(/\0/g, '').trim();
  if (/^\d+$/.test(subDigits)) ms += fractionMs(subDigits);
  else if (m[7] !== undefined) ms += fractionMs(m[7]);
  const zone = typeof offset === 'string' ? offsetMinutes(offset.replace(/\0/g, '')) : undefined;
  const inlineZone = m[8] !== undefined ? offsetMinutes(m[8]) : undefined;
  const minutes = zone ?? inlineZone;
  if (minutes !== undefined) ms -= minutes * 60_000;
  return Math.round(ms * 1000) / 1000;
}

/** How far (stops) a nominal value may sit from the 1/3 or 1/2 stop it stands for. */
const NOMINAL_STOPS = 0.1;

/**
 * log2(x) read as the 1/3 or 1/2 stop value a camera's nominal number stands for: cameras
 * write 1/125 s for 2^-7 s, 1/60 s for 2^-6 s, f/11 for 2^3.5; without this a -2/0/+2 bracket
 * reads -2.06/0/+1.91. Values off that grid (phones) move by at most 1/12 stop.
 */
export function nominalStops(x: number): number {
  const l = Math.log2(x);
  for (const steps of [3, 2]) {
    const grid = Math.round(l * steps) / steps;
    if (Math.abs(l - grid) <= NOMINAL_STOPS) return grid;
  }
  return l;
}

/**
 * log2 of the frame's exposure, t x ISO/100 / N^2 (missing ISO counts as 100, missing N as 1),
 * when the exposure time is known; otherwise the exposure bias, comparable only with other biases.
 */
export function shotExposure(shot: ShotInfo): { ev: number; source: 'settings' | 'bias' } | undefined {
  const { exposureTime: t, iso, fNumber: n } = shot;
  if (t !== undefined && t > 0 && Number.isFinite(t)) {
    const gain = iso !== undefined && iso > 0 && Number.isFinite(iso) ? nominalStops(iso / 100) : 0;
    const aperture = n !== undefined && n > 0 && Number.isFinite(n) ? nominalStops(n * n) : 0;
    return { ev: nominalStops(t) + gain - aperture, source: 'settings' };
  }
  if (shot.exposureBias !== undefined && Number.isFinite(shot.exposureBias)) {
    return { ev: shot.exposureBias, source: 'bias' };
  }
  return undefined;
}

/** EXIF 'YYYY:MM:DD HH:MM:SS' + sub-seconds + offset -> ISO 8601 local time; undefined when the date is not one. */
export function exifLocalTime(dateTime: string | undefined | null, subSec?: string | number | null, offset?: string | null): string | undefined {
  if (parseExifDateTime(dateTime, subSec, offset) === undefined || typeof dateTime !== 'string') return undefined;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(dateTime.trim());
  if (!m) return undefined;
  const sub = subSec === undefined || subSec === null ? '' : String(subSec).replace(/\0/g, '').trim();
  const zone = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : '';
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${/^\d+$/.test(sub) ? `.${sub}` : ''}${zone}`;
}

/**
 * Writes minimal valid DNGs of a known scene for RAW tests: IFD0 holds an 8-bit RGB thumbnail and
 * points to a SubIFD with the 16-bit uncompressed RGGB mosaic, plus an Exif IFD. The scene is given
 * in linear Rec.709 RGB relative to the white level, so a correct decode returns the scene itself.
 */
import { exifEntries, type ExifFields } from '../../../src-shared/codecs/exif-write';
import { toRational } from '../../../src-shared/codecs/rational';
import {
  TIFF_ASCII, TIFF_BYTE, TIFF_LONG, TIFF_RATIONAL, TIFF_SHORT, TIFF_SRATIONAL, type TiffEntry,
} from '../../../src-shared/codecs/tiff-structure';

export type Rgb = [number, number, number];

export interface DngOptions {
  /** Even, at least 22 (LibRaw's minimum). */
  width: number;
  height: number;
  /** Linear Rec.709 scene value at pixel (x, y); 1 = the sensor's white level for a neutral. */
  scene: (x: number, y: number) => Rgb;
  /** Multiplies the scene (the frame's relative exposure). Default 1. */
  exposure?: number;
  /** Default 512. */
  black?: number;
  /** Default 15000. */
  white?: number;
  /** Camera response under the shot's light, written as AsShotNeutral. Default [0.5, 1, 0.7]. */
  asShotNeutral?: Rgb;
  /** Camera RGB per linear Rec.709 RGB (rows are normalised to sum 1). Default CAMERA_FROM_REC709. */
  cameraMatrix?: number[][];
  exif?: ExifFields;
  uniqueCameraModel?: string;
  /** Writes an 8-bit RGB preview in IFD0. Default true. */
  thumbnail?: boolean;
  /** Sensor size to claim in the raw IFD instead of the real one (the data stays width x height): for size limits. */
  declaredSize?: { width: number; height: number };
  /** IFD0 Orientation (274), 1..8. Default 1. */
  orientation?: number;
}

/** A plausible camera: each channel sees some of its neighbours. Rows sum to 1. */
export const CAMERA_FROM_REC709 = [
  [0.8, 0.3, -0.1],
  [0.1, 0.95, -0.05],
  [0.02, 0.2, 0.78],
];

/** LibRaw's (and dcraw's) Rec.709 -> XYZ (D65) matrix, which it multiplies ColorMatrix1 with. */
const XYZ_FROM_REC709 = [
  [0.412453, 0.35758, 0.180423],
  [0.212671, 0.71516, 0.072169],
  [0.019334, 0.119193, 0.950227],
];

export const DNG_DEFAULTS = { black: 512, white: 15000, asShotNeutral: [0.5, 1, 0.7] as Rgb, exposureTime: 1 / 100 };
export const THUMB_SCALE = 8;

const mul = (a: number[][], b: number[][]): number[][] =>
  a.map((row) => b[0].map((_, j) => row.reduce((s, v, k) => s + v * b[k][j], 0)));

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

const normaliseRows = (m: number[][]): number[][] => m.map((r) => r.map((v) => v / r.reduce((s, x) => s + x, 0)));

/** Raw mosaic value (0..1 of white - black, clipped) of CFA colour c for a scene value: what the sensor records. */
export function sensorValue(rgb: Rgb, c: number, opts: Pick<DngOptions, 'asShotNeutral' | 'cameraMatrix' | 'exposure'> = {}): number {
  return sensorModel(opts)(rgb, c);
}

function sensorModel(opts: Pick<DngOptions, 'asShotNeutral' | 'cameraMatrix' | 'exposure'>): (rgb: Rgb, c: number) => number {
  const camera = normaliseRows(opts.cameraMatrix ?? CAMERA_FROM_REC709);
  const neutral = opts.asShotNeutral ?? DNG_DEFAULTS.asShotNeutral;
  const gain = neutral.map((n) => (n / Math.max(...neutral)) * (opts.exposure ?? 1));
  return (rgb, c) => {
    const m = camera[c];
    return Math.min(1, Math.max(0, (m[0] * rgb[0] + m[1] * rgb[1] + m[2] * rgb[2]) * gain[c]));
  };
}

/** Lays out a little-endian TIFF of several IFDs; pointer entries are filled once sizes are known. */
function serialise(ifds: TiffEntry[][], blobs: Uint8Array[], fix: (offsets: { ifd: number[]; blob: number[] }) => void): Uint8Array {
  const size = (e: TiffEntry): number =>
    (typeof e.value === 'string' ? e.value.length + 1 : e.value.length) * ({ 1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 7: 1, 10: 4 } as Record<number, number>)[e.type];
  const even = (n: number): number => n + (n & 1);
  const ifdBytes = (entries: TiffEntry[]): number =>
    entries.reduce((n, e) => n + (size(e) > 4 ? even(size(e)) : 0), 2 + entries.length * 12 + 4);
  for (const entries of ifds) entries.sort((a, b) => a.tag - b.tag);
  let at = 8;
  const ifd = ifds.map((entries) => ((at += ifdBytes(entries)), at - ifdBytes(entries)));
  const blob = blobs.map((b) => ((at = even(at + b.length)), at - even(b.length)));
  fix({ ifd, blob });
  const out = new Uint8Array(at);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
  ifds.forEach((entries, k) => {
    let p = ifd[k];
    let extra = p + 2 + entries.length * 12 + 4;
    view.setUint16(p, entries.length, true);
    p += 2;
    for (const e of entries) {
      const n = size(e);
      const count = typeof e.value === 'string' ? n : e.type === TIFF_RATIONAL || e.type === TIFF_SRATIONAL ? e.value.length / 2 : e.value.length;
      view.setUint16(p, e.tag, true);
      view.setUint16(p + 2, e.type, true);
      view.setUint32(p + 4, count, true);
      let v = p + 8;
      if (n > 4) {
        view.setUint32(p + 8, extra, true);
        v = extra;
        extra += even(n);
      }
      if (typeof e.value === 'string') out.set(Array.from(e.value, (ch) => ch.charCodeAt(0)), v);
      else if (e.value instanceof Uint8Array) out.set(e.value, v);
      else {
        const step = e.type === TIFF_BYTE ? 1 : e.type === TIFF_SHORT ? 2 : 4;
        e.value.forEach((x, i) => {
          if (step === 1) view.setUint8(v + i, x);
          else if (step === 2) view.setUint16(v + 2 * i, x, true);
          else if (e.type === TIFF_SRATIONAL) view.setInt32(v + 4 * i, x, true);
          else view.setUint32(v + 4 * i, x, true);
        });
      }
      p += 12;
    }
  });
  blobs.forEach((b, i) => out.set(b, blob[i]));
  return out;
}

/** A DNG of the scene: RGGB mosaic, 16-bit, uncompressed, with the tags LibRaw needs for colour and levels. */
export function writeDng(opts: DngOptions): Uint8Array {
  const { width, height, scene } = opts;
  if (width % 2 || height % 2 || width < 22 || height < 22) throw new RangeError(`DNG size must be even and >= 22, got ${width}x${height}`);
  const black = opts.black ?? DNG_DEFAULTS.black;
  const white = opts.white ?? DNG_DEFAULTS.white;
  const neutral = opts.asShotNeutral ?? DNG_DEFAULTS.asShotNeutral;
  const camera = normaliseRows(opts.cameraMatrix ?? CAMERA_FROM_REC709);
  const sensor = sensorModel({ asShotNeutral: neutral, cameraMatrix: camera, exposure: opts.exposure });

  const raw = new Uint8Array(width * height * 2);
  const rawView = new DataView(raw.buffer);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = (y & 1) + (x & 1) === 0 ? 0 : (y & 1) && (x & 1) ? 2 : 1; // RGGB
      const v = sensor(scene(x, y), c);
      rawView.setUint16((y * width + x) * 2, Math.round(black + v * (white - black)), true);
    }
  }

  const tw = Math.max(1, Math.floor(width / THUMB_SCALE));
  const th = Math.max(1, Math.floor(height / THUMB_SCALE));
  const thumb = new Uint8Array(tw * th * 3);
  for (let y = 0; y < th; y++) {
    for (let x = 0; x < tw; x++) {
      const rgb = scene(x * THUMB_SCALE, y * THUMB_SCALE).map((v) => v * (opts.exposure ?? 1));
      for (let c = 0; c < 3; c++) thumb[(y * tw + x) * 3 + c] = Math.round(255 * Math.min(1, Math.max(0, rgb[c])) ** (1 / 2.2));
    }
  }
  const withThumb = opts.thumbnail ?? true;

  // ColorMatrix1 maps XYZ to camera: camera-from-Rec.709 times Rec.709-from-XYZ, so LibRaw's inverse undoes `camera`.
  const colorMatrix = mul(camera, invert3(XYZ_FROM_REC709)).flat();
  const srational = (values: number[]): number[] => values.flatMap((v) => [Math.round(v * 1e6), 1e6]);
  const { ifd0: exifIfd0, exif } = exifEntries({ exposureTime: DNG_DEFAULTS.exposureTime, fNumber: 8, iso: 100, make: 'Luxfuse', model: 'Test Camera', ...opts.exif });

  const ifd0: TiffEntry[] = [
    { tag: 254, type: TIFF_LONG, value: [1] }, // reduced-resolution preview
    { tag: 256, type: TIFF_LONG, value: [tw] },
    { tag: 257, type: TIFF_LONG, value: [th] },
    { tag: 258, type: TIFF_SHORT, value: [8, 8, 8] },
    { tag: 259, type: TIFF_SHORT, value: [1] },
    { tag: 262, type: TIFF_SHORT, value: [2] },
    { tag: 274, type: TIFF_SHORT, value: [opts.orientation ?? 1] },
    { tag: 277, type: TIFF_SHORT, value: [3] },
    { tag: 278, type: TIFF_LONG, value: [th] },
    { tag: 284, type: TIFF_SHORT, value: [1] },
    { tag: 330, type: TIFF_LONG, value: [0] }, // SubIFDs
    { tag: 34665, type: TIFF_LONG, value: [0] }, // Exif IFD
    { tag: 50706, type: TIFF_BYTE, value: [1, 4, 0, 0] }, // DNGVersion
    { tag: 50707, type: TIFF_BYTE, value: [1, 1, 0, 0] }, // DNGBackwardVersion
    { tag: 50708, type: TIFF_ASCII, value: opts.uniqueCameraModel ?? 'Luxfuse Test Camera' },
    { tag: 50721, type: TIFF_SRATIONAL, value: srational(colorMatrix) }, // ColorMatrix1
    { tag: 50728, type: TIFF_RATIONAL, value: neutral.flatMap((v) => toRational(v, false)) }, // AsShotNeutral
    { tag: 50778, type: TIFF_SHORT, value: [21] }, // CalibrationIlluminant1: D65
    ...exifIfd0,
  ];
  if (withThumb) ifd0.push({ tag: 273, type: TIFF_LONG, value: [0] }, { tag: 279, type: TIFF_LONG, value: [thumb.length] });
  const rawIfd: TiffEntry[] = [
    { tag: 254, type: TIFF_LONG, value: [0] },
    { tag: 256, type: TIFF_LONG, value: [opts.declaredSize?.width ?? width] },
    { tag: 257, type: TIFF_LONG, value: [opts.declaredSize?.height ?? height] },
    { tag: 258, type: TIFF_SHORT, value: [16] },
    { tag: 259, type: TIFF_SHORT, value: [1] },
    { tag: 262, type: TIFF_SHORT, value: [32803] }, // CFA
    { tag: 273, type: TIFF_LONG, value: [0] },
    { tag: 277, type: TIFF_SHORT, value: [1] },
    { tag: 278, type: TIFF_LONG, value: [opts.declaredSize?.height ?? height] },
    { tag: 279, type: TIFF_LONG, value: [raw.length] },
    { tag: 284, type: TIFF_SHORT, value: [1] },
    { tag: 33421, type: TIFF_SHORT, value: [2, 2] }, // CFARepeatPatternDim
    { tag: 33422, type: TIFF_BYTE, value: [0, 1, 1, 2] }, // CFAPattern: RGGB
    { tag: 50710, type: TIFF_BYTE, value: [0, 1, 2] }, // CFAPlaneColor
    { tag: 50711, type: TIFF_SHORT, value: [1] }, // CFALayout: rectangular
    { tag: 50714, type: TIFF_LONG, value: [black] }, // BlackLevel
    { tag: 50717, type: TIFF_LONG, value: [white] }, // WhiteLevel
  ];
  const set = (entries: TiffEntry[], tag: number, value: number): void => {
    entries.find((e) => e.tag === tag)!.value = [value];
  };
  return serialise([ifd0, exif, rawIfd], withThumb ? [raw, thumb] : [raw], ({ ifd, blob }) => {
    set(ifd0, 34665, ifd[1]);
    set(ifd0, 330, ifd[2]);
    set(rawIfd, 273, blob[0]);
    if (withThumb) set(ifd0, 273, blob[1]);
  });
}

/** A patch of the test chart: a flat area whose interior decodes to `rgb`. */
export interface ChartPatch {
  name: string;
  x: number;
  y: number;
  size: number;
  rgb: Rgb;
}

/**
 * The test chart on a 256x192 frame: greys (one twice another), colours, one patch past the white
 * level, over a background gradient from 0.01 (left) to 0.6 (right).
 */
export const CHART_WIDTH = 256;
export const CHART_HEIGHT = 192;
export const CHART_PATCHES: ChartPatch[] = [
  { name: 'grey10', x: 16, y: 16, size: 40, rgb: [0.1, 0.1, 0.1] },
  { name: 'grey20', x: 72, y: 16, size: 40, rgb: [0.2, 0.2, 0.2] },
  { name: 'grey40', x: 128, y: 16, size: 40, rgb: [0.4, 0.4, 0.4] },
  { name: 'grey80', x: 184, y: 16, size: 40, rgb: [0.8, 0.8, 0.8] },
  { name: 'orange', x: 16, y: 72, size: 40, rgb: [0.5, 0.25, 0.08] },
  { name: 'teal', x: 72, y: 72, size: 40, rgb: [0.06, 0.3, 0.25] },
  { name: 'blue', x: 128, y: 72, size: 40, rgb: [0.1, 0.12, 0.4] },
  { name: 'clipped', x: 184, y: 72, size: 40, rgb: [1.5, 1.5, 1.5] },
];

export function chartScene(x: number, y: number): Rgb {
  for (const p of CHART_PATCHES) if (x >= p.x && x < p.x + p.size && y >= p.y && y < p.y + p.size) return p.rgb;
  const g = 0.01 + (0.59 * x) / (CHART_WIDTH - 1);
  return [g, g, g];
}

/** Mean of each channel over the central half of a patch, in a decoded image at `scale` (0.5 for half size). */
export function patchMean(img: { width: number; data: Float32Array }, p: ChartPatch, scale = 1): Rgb {
  const x0 = Math.round((p.x + p.size / 4) * scale);
  const y0 = Math.round((p.y + p.size / 4) * scale);
  const n = Math.round((p.size / 2) * scale);
  const sum: Rgb = [0, 0, 0];
  for (let y = y0; y < y0 + n; y++) {
    for (let x = x0; x < x0 + n; x++) for (let c = 0; c < 3; c++) sum[c] += img.data[(y * img.width + x) * 3 + c];
  }
  return sum.map((s) => s / (n * n)) as Rgb;
}

/** TIFF writer: 8/16-bit integer or 32-bit float, grey or RGB, strips (raw or Deflate), interleaved or planar, either byte order, optional EXIF and ICC profile. */
import { zlibSync } from 'fflate';
import { zlibRle } from './deflate-rle';
import { zlibBackend } from './zlib-backend';
import { linearToSrgb } from '../image/srgb';
import { exifEntries, type ExifFields } from './exif-write';
import { TIFF_LONG, TIFF_RATIONAL, TIFF_SHORT, TIFF_UNDEFINED, writeTiffStructure, type TiffEntry } from './tiff-structure';

export interface TiffEncodeOptions {
  width: number;
  height: number;
  channels: 1 | 3;
  /** 8 or 16: unsigned integers (sRGB-encoded by convention); 32: IEEE float (linear). */
  bits: 8 | 16 | 32;
  /** Interleaved samples, Uint8Array for 8 bits, Uint16Array for 16, Float32Array for 32. */
  data: Uint8Array | Uint16Array | Float32Array;
  exif?: ExifFields;
  /** Byte order of the file; default true ("II"). */
  littleEndian?: boolean;
  compression?: 'none' | 'deflate';
  /** Rows per strip; default: strips of about 8 KB, as libtiff writes them. */
  rowsPerStrip?: number;
  /** An ICC profile (e.g. iccProfile('srgb', { transfer: 'linear' }) for linear samples), as tag 34675. */
  icc?: Uint8Array;
  /** Store the samples plane by plane (PlanarConfiguration 2, Photoshop's "Per Channel" order); default interleaved. */
  planar?: boolean;
}

/**
 * 16-bit samples from linear float samples (clipped to 0..1): 'srgb' encodes with the sRGB curve (display
 * files, the convention of 16-bit TIFFs without a profile), 'linear' keeps linear light (pair it with a linear
 * ICC profile). Rounds to nearest; NaN becomes 0.
 */
export function toUint16Samples(linear: Float32Array, transfer: 'srgb' | 'linear'): Uint16Array {
  if (transfer !== 'srgb' && transfer !== 'linear') throw new RangeError(`unknown transfer ${String(transfer)}`);
  const out = new Uint16Array(linear.length);
  for (let i = 0; i < linear.length; i++) {
    const v = linear[i];
    if (!(v > 0)) continue;
    const e = v >= 1 ? 1 : transfer === 'linear' ? v : linearToSrgb(v);
    out[i] = Math.round(e * 65535);
  }
  return out;
}

/** Encodes an image as a baseline TIFF (plus SampleFormat, and Adobe Deflate when asked). */
export function encodeTiff(opts: TiffEncodeOptions): Uint8Array {
  const { width, height, channels, bits, data } = opts;
  const le = opts.littleEndian ?? true;
  const compression = opts.compression ?? 'none';
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`TIFF channels must be 1 or 3, got ${channels}`);
  const expectedType = bits === 8 ? Uint8Array : bits === 16 ? Uint16Array : bits === 32 ? Float32Array : null;
  if (!expectedType) throw new RangeError(`TIFF bits must be 8, 16 or 32, got ${bits}`);
  if (!(data instanceof expectedType)) throw new RangeError(`${bits}-bit TIFF data must be a ${expectedType.name}`);
  if (data.length !== width * height * channels) {
    throw new RangeError(`data holds ${data.length} samples, expected ${width * height * channels}`);
  }
  if (compression !== 'none' && compression !== 'deflate') throw new RangeError(`unknown TIFF compression ${compression}`);
  const bytesPerSample = bits / 8;
  const planar = opts.planar === true && channels > 1;
  // One plane per channel when planar (each holding one sample per pixel), else one plane of interleaved samples.
  const planes = planar ? channels : 1;
  const planeChannels = planar ? 1 : channels;
  const rowBytes = width * planeChannels * bytesPerSample;
  const rowsPerStrip = opts.rowsPerStrip ?? Math.min(height, Math.max(1, Math.floor(8192 / rowBytes)));
  if (!Number.isInteger(rowsPerStrip) || rowsPerStrip <= 0) throw new RangeError(`rowsPerStrip must be a positive integer, got ${rowsPerStrip}`);

  // Deflate on integers uses the horizontal predictor (each sample minus its left neighbour): on photographs
  // it makes strips about a quarter smaller and faster to code.
  const predictor = compression === 'deflate' && bits !== 32;
  const mask = bits === 8 ? 0xff : 0xffff;
  const strips: Uint8Array[] = [];
  for (let plane = 0; plane < planes; plane++) {
    // Samples in file byte order; a DataView handles either order.
    const all = new Uint8Array(height * rowBytes);
    const view = new DataView(all.buffer);
    // Interleaved: plane 0 is every sample, in order; planar: every channels-th sample from `plane` on.
    const step = planar ? channels : 1;
    const rowSamples = width * planeChannels;
    for (let row = 0; row < height; row++) {
      const first = row * rowSamples;
      for (let i = first, at = first * step + plane; i < first + rowSamples; i++, at += step) {
        const v = predictor && i - first >= planeChannels ? (data[at] - data[at - planeChannels * step]) & mask : data[at];
        if (bits === 8) all[i] = v;
        else if (bits === 16) view.setUint16(i * 2, v, le);
        else view.setFloat32(i * 4, v, le);
      }
    }
    for (let y = 0; y < height; y += rowsPerStrip) {
      const strip = all.subarray(y * rowBytes, Math.min(height, y + rowsPerStrip) * rowBytes);
      // Run-length + Huffman deflate is fast and suits predicted samples. With no size limit it always returns
      // a stream; the fflate fallback only keeps the types honest.
      const native = zlibBackend().deflateRle;
      strips.push(compression === 'deflate' ? (native ? native(strip) : (zlibRle(strip, [], Infinity) ?? zlibSync(strip, { level: 1 }))) : strip);
    }
  }

  const perSample = (v: number): number[] => new Array(channels).fill(v);
  const { ifd0: exifIfd0, exif } = opts.exif ? exifEntries(opts.exif) : { ifd0: [], exif: [] };
  const ifd0: TiffEntry[] = [
    { tag: 256, type: TIFF_LONG, value: [width] },
    { tag: 257, type: TIFF_LONG, value: [height] },
    { tag: 258, type: TIFF_SHORT, value: perSample(bits) },
    { tag: 259, type: TIFF_SHORT, value: [compression === 'deflate' ? 8 : 1] },
    { tag: 262, type: TIFF_SHORT, value: [channels === 3 ? 2 : 1] }, // RGB or BlackIsZero
    { tag: 277, type: TIFF_SHORT, value: [channels] },
    { tag: 278, type: TIFF_LONG, value: [rowsPerStrip] },
    { tag: 282, type: TIFF_RATIONAL, value: [72, 1] },
    { tag: 283, type: TIFF_RATIONAL, value: [72, 1] },
    { tag: 284, type: TIFF_SHORT, value: [planar ? 2 : 1] }, // separate planes, or chunky (interleaved)
    ...(predictor ? [{ tag: 317, type: TIFF_SHORT, value: [2] }] : []), // horizontal differencing
    { tag: 296, type: TIFF_SHORT, value: [2] }, // inches
    { tag: 339, type: TIFF_SHORT, value: perSample(bits === 32 ? 3 : 1) }, // IEEE float or unsigned int
    ...(opts.icc ? [{ tag: 34675, type: TIFF_UNDEFINED, value: opts.icc }] : []), // InterColorProfile
    ...exifIfd0,
  ];
  return writeTiffStructure({ littleEndian: le, ifd0, exif, strips });
}

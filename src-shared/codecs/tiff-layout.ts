/** Which directory of a TIFF's chain is decoded, and its image layout read and checked: size, samples, compression, strips or tiles. */
import { DecodeError, UnsupportedFormatError } from '../errors';
import { tagValue, tagValues, type TiffIfd } from './tiff-check';

const COMPRESSIONS: Record<number, string> = { 1: 'none', 5: 'LZW', 7: 'JPEG', 8: 'Deflate', 32946: 'Deflate', 32773: 'PackBits' };
/**
 * The most a compressed chunk can expand per byte: Deflate 1032 (258-byte matches in under 2 bits), LZW 3641
 * (a 4096-byte string per 9-bit code), PackBits 64, JPEG about 200 for a flat 4:4:4 colour (an 8x8 block of 3
 * samples in a 1-bit DC difference and a 2-bit end of block each), bounded well above. A header asking for more is corrupt, and is refused
 * before utif2 allocates the image it claims.
 */
const MAX_EXPANSION: Record<number, number> = { 5: 3700, 7: 4000, 8: 1100, 32946: 1100, 32773: 65 };
const PHOTOMETRIC_NAMES: Record<number, string> = { 3: 'palette', 4: 'mask', 5: 'CMYK', 6: 'YCbCr', 8: 'CIELab', 32844: 'LogL', 32845: 'LogLuv' };

export interface TiffImageLayout {
  width: number;
  height: number;
  /** Samples per pixel in the file, alpha and extra samples included. */
  spp: number;
  bits: number;
  float: boolean;
  compression: number;
  /** 0 WhiteIsZero, 1 BlackIsZero, 2 RGB, 6 YCbCr (JPEG-compressed only: decoded to RGB). */
  photometric: number;
  /** Samples kept per pixel: 1 grey or 3 RGB. */
  keep: 1 | 3;
  predictor: number;
  tiled: boolean;
  /** Tile width, or the image width for strips. */
  tileW: number;
  /** Tile height, or rows per strip. */
  tileH: number;
  /** Samples stored plane by plane (PlanarConfiguration 2: all of R, then all of G...), each plane's chunks in turn. */
  planar: boolean;
}

/**
 * The layout of a directory we can decode, or UnsupportedFormatError naming the variant we cannot.
 * Also checks every strip or tile lies inside the file: utif2 would silently read zeros past the end.
 */
export function readTiffImageLayout(ifd: TiffIfd, fileLength: number, fileName?: string): TiffImageLayout {
  const unsupported = (what: string): UnsupportedFormatError => new UnsupportedFormatError(`${what} TIFF files are not supported`, fileName);
  const corrupt = (why: string): DecodeError => new DecodeError(`truncated or corrupt TIFF: ${why}`, fileName);
  const width = tagValue(ifd, 256) ?? 0;
  const height = tagValue(ifd, 257) ?? 0;
  const whole = (v: number): boolean => Number.isInteger(v) && v > 0;
  if (!(whole(width) && whole(height))) throw corrupt(`image size ${width}x${height}`);
  if (width * height > 400e6) throw unsupported(`${width}x${height}`);
  const spp = tagValue(ifd, 277, 0, 1)!;
  const bitList = tagValues(ifd, 258);
  const bits = bitList[0] ?? 1;
  if (bitList.some((b) => b !== bits)) throw unsupported('mixed bits-per-sample');
  const format = tagValue(ifd, 339, 0, 1)!;
  const float = format === 3;
  if (format !== 1 && format !== 3) throw unsupported(format === 2 ? 'signed-integer' : `sample-format ${format}`);
  if (float ? bits !== 16 && bits !== 32 : bits !== 8 && bits !== 16) throw unsupported(`${bits}-bit ${float ? 'float' : 'integer'}`);
  const compression = tagValue(ifd, 259, 0, 1)!;
  if (!(compression in COMPRESSIONS)) throw unsupported(compression === 6 ? 'old-style JPEG-compressed' : `compression-${compression}`);
  const planarConfig = tagValue(ifd, 284, 0, 1);
  if (planarConfig !== 1 && planarConfig !== 2) throw corrupt(`planar configuration ${planarConfig}`);
  // One sample per pixel is the same either way.
  const planar = planarConfig === 2 && spp > 1;
  const photometric = tagValue(ifd, 262, 0, spp >= 3 ? 2 : 1)!;
  // JPEG-compressed TIFFs (Photoshop, scanners) are read through utif2's JPEG decoder: 8-bit RGB, the YCbCr libtiff
  // writes them in, and grey (which it decodes as RGB: decodeTiff makes room for that), interleaved.
  const jpeg = compression === 7;
  const jpegOk = bits === 8 && !float && planarConfig === 1 && ((spp >= 3 && (photometric === 2 || photometric === 6)) || (spp === 1 && photometric === 1));
  if (jpeg && !jpegOk) {
    const kind = ({ 0: 'WhiteIsZero grey', 1: 'grey', 2: 'RGB' } as Record<number, string>)[photometric] ?? PHOTOMETRIC_NAMES[photometric] ?? `photometric-${photometric}`;
    throw unsupported(`JPEG-compressed ${planarConfig === 2 ? 'planar' : `${bits}-bit ${kind}`}`);
  }
  if (photometric > 2 && !(jpeg && photometric === 6)) throw unsupported(PHOTOMETRIC_NAMES[photometric] ?? `photometric-${photometric}`);
  if (photometric === 0 && float) throw unsupported('float WhiteIsZero');
  const keep = photometric === 2 || photometric === 6 ? 3 : 1;
  if (spp < keep) throw corrupt(`${spp} samples per pixel for ${keep === 3 ? 'RGB' : 'grey'}`);
  const predictor = tagValue(ifd, 317, 0, 1)!;
  if (predictor !== 1 && !(predictor === 2 && !float) && !(predictor === 3 && float)) {
    throw unsupported(`predictor-${predictor} with ${bits}-bit ${float ? 'float' : 'integer'}`);
  }

  const tiled = ifd.t322 !== undefined;
  const tileW = tiled ? tagValue(ifd, 322)! : width;
  const tileH = tiled ? tagValue(ifd, 323)! : Math.min(height, tagValue(ifd, 278, 0, height)!);
  if (!(whole(tileW) && whole(tileH) && whole(spp))) throw corrupt(`${tiled ? 'tile' : 'strip'} size ${tileW}x${tileH}, ${spp} samples per pixel`);
  const offsets = tagValues(ifd, tiled ? 324 : 273);
  const counts = tagValues(ifd, tiled ? 325 : 279);
  // Planar files list every plane's chunks, one plane after another, each chunk holding one sample per pixel.
  const perPlane = Math.ceil(width / tileW) * Math.ceil(height / tileH);
  const chunks = perPlane * (planar ? spp : 1);
  const chunkSpp = planar ? 1 : spp;
  if (offsets.length < chunks || counts.length < chunks) throw corrupt(`${offsets.length} of ${chunks} ${tiled ? 'tiles' : 'strips'} listed`);
  const chunkBytes = Math.ceil((tileW * chunkSpp * bits) / 8) * tileH;
  const lastStripBytes = (height - (perPlane - 1) * tileH) * Math.ceil((width * chunkSpp * bits) / 8);
  const kind = tiled ? 'tile' : 'strip';
  for (let i = 0; i < chunks; i++) {
    if (!Number.isInteger(offsets[i]) || !Number.isInteger(counts[i])) throw corrupt(`${kind} ${i} has offset ${offsets[i]}, size ${counts[i]}`);
    if (offsets[i] + counts[i] > fileLength) throw corrupt(`${kind} ${i} runs past the end of the file`);
    const size = !tiled && i % perPlane === perPlane - 1 ? lastStripBytes : chunkBytes;
    if (compression === 1 ? counts[i] < size : counts[i] === 0) throw corrupt(`${kind} ${i} holds ${counts[i]} bytes, needs ${compression === 1 ? size : 'some'}`);
    if (compression !== 1 && size > counts[i] * MAX_EXPANSION[compression]) {
      throw corrupt(`${kind} ${i} of ${counts[i]} compressed bytes cannot hold the ${size} bytes the header claims`);
    }
  }
  if (predictor === 3 && tiled && width % tileW !== 0) throw unsupported('tiled float-predictor with partial tiles');

  return { width, height, spp, bits, float, compression, photometric, keep, predictor, tiled, tileW, tileH, planar };
}

/**
 * A full image of the directory chain, as opposed to a reduced-resolution copy of one (NewSubfileType bit 0, or
 * the older SubfileType 2: a preview or thumbnail) or a transparency mask (NewSubfileType bit 2).
 */
function isFullImage(ifd: TiffIfd): boolean {
  return ifd.t256 !== undefined && (tagValue(ifd, 254, 0, 0)! & 0b101) === 0 && tagValue(ifd, 255) !== 2;
}

/**
 * The directory to decode: the first full image of the chain, with a warning when the chain holds more (pages:
 * a merge would silently take page 1 for the frame); else the first full image in a sub-directory (TIFF/EP); without
 * one, the largest reduced-resolution copy, with a warning that it is one.
 */
export function chooseImage(ifds: TiffIfd[], fileName?: string): { ifd: TiffIfd; warnings: string[] } {
  const file = fileName ?? 'a TIFF';
  const size = (d: TiffIfd): string => `${tagValue(d, 256)}x${tagValue(d, 257)}`;
  let full = ifds.filter(isFullImage);
  if (full.length === 0) {
    // TIFF/EP (some cameras' and scanners' TIFFs): IFD0 a thumbnail, the image in a directory its SubIFDs tag lists.
    const below: TiffIfd[] = [];
    const walk = (d: TiffIfd, depth: number): void => {
      for (const sub of d.subIFD ?? []) {
        if (isFullImage(sub)) below.push(sub);
        if (depth < 3) walk(sub, depth + 1);
      }
    };
    ifds.forEach((d) => walk(d, 1));
    full = below.slice(0, 1);
  }
  if (full.length > 0) {
    const pages = full.length > 1 ? [`${file} holds ${full.length} full-resolution images (pages); only the first (${size(full[0])}) is read`] : [];
    return { ifd: full[0], warnings: pages };
  }
  const pixels = (d: TiffIfd): number => (tagValue(d, 256) ?? 0) * (tagValue(d, 257) ?? 0);
  const reduced = ifds.filter((d) => d.t256 !== undefined).sort((a, b) => pixels(b) - pixels(a));
  if (reduced.length === 0) throw new DecodeError('truncated or corrupt TIFF: no image in the file', fileName);
  return { ifd: reduced[0], warnings: [`${file} holds only reduced-resolution images (previews); the largest (${size(reduced[0])}) is read`] };
}

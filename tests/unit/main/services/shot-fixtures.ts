/**
 * Small image files with EXIF for the header-reading tests, written with the project's EXIF
 * writer (src-shared/codecs/exif-write.ts) inside containers built here: JPEG (pixels by
 * jpeg-js), PNG (fast-png, eXIf chunk), TIFF (the project's writer), and hand-assembled DNG-,
 * CR3- and RAF-shaped files that carry only what a header reader looks at.
 */
import { encode as encodePngPixels } from 'fast-png';
import { encode as encodeJpegPixels } from 'jpeg-js';
import { encodeExr } from '../../../../src-shared/codecs/exr';
import { exifApp1Segment, exifEntries, type ExifFields } from '../../../../src-shared/codecs/exif-write';
import { writeTiffStructure } from '../../../../src-shared/codecs/tiff-structure';
import { encodeTiff } from '../../../../src-shared/codecs/tiff-write';
import { createLinearImage } from '../../../../src-shared/image/linear-image';

export function grey(width: number, height: number, channels = 4, value = 128): Uint8Array {
  return new Uint8Array(width * height * channels).fill(value);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const be16 = (n: number) => new Uint8Array([n >> 8, n & 255]);
const be32 = (n: number) => new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const latin1 = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A JPEG segment: marker, length, payload. */
export function jpegSegment(marker: number, payload: Uint8Array): Uint8Array {
  return concat([new Uint8Array([0xff, marker]), be16(payload.length + 2), payload]);
}

/**
 * A baseline JPEG of the given size, with an Exif APP1 right after SOI when fields are given,
 * and any extra segments after it (e.g. big APPn blocks that push the SOF past 64 KB).
 */
export function jpegWithExif(fields: ExifFields | undefined, width = 24, height = 16, extra: Uint8Array[] = []): Uint8Array {
  const plain = new Uint8Array(encodeJpegPixels({ width, height, data: grey(width, height) }, 90).data);
  const app1 = fields ? [jpegSegment(0xe1, exifApp1Segment(fields))] : [];
  return concat([plain.subarray(0, 2), ...app1, ...extra, plain.subarray(2)]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG, with the EXIF TIFF block in an eXIf chunk before the image data when fields are given. */
/**
 * afterData: the eXIf chunk after the image data, before IEND (where ImageMagick writes it), behind that many
 * bytes of a private ancillary chunk (standing in for a large image's data: a reader that stops at IDAT and
 * reads a small file whole must not find it by accident).
 */
export function pngWithExif(fields: ExifFields | undefined, width = 20, height = 10, afterData = 0): Uint8Array {
  const png = encodePngPixels({ width, height, data: grey(width, height), channels: 4, depth: 8 });
  if (!fields) return png;
  const tiff = exifEntries(fields);
  const body = writeTiffStructure({ littleEndian: false, ifd0: tiff.ifd0, exif: tiff.exif });
  const typeAndData = concat([latin1('eXIf'), body]);
  const chunk = concat([be32(body.length), typeAndData, be32(crc32(typeAndData))]);
  if (afterData > 0) {
    const pad = concat([latin1('lxPd'), new Uint8Array(afterData)]);
    const padding = concat([be32(afterData), pad, be32(crc32(pad))]);
    const iend = png.length - 12;
    return concat([png.subarray(0, iend), padding, chunk, png.subarray(iend)]);
  }
  const afterIhdr = 8 + 25; // signature + IHDR chunk
  return concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

export function tiffWithExif(fields: ExifFields | undefined, width = 12, height = 9, littleEndian = true): Uint8Array {
  return encodeTiff({ width, height, channels: 3, bits: 8, data: grey(width, height, 3), exif: fields, littleEndian });
}

export function exrOfSize(width: number, height: number): Uint8Array {
  return encodeExr(createLinearImage(width, height, 3), { compression: 'none' });
}

interface RawEntry {
  tag: number;
  /** 3 SHORT, 4 LONG, 2 ASCII. */
  type: 2 | 3 | 4;
  value: number | number[] | string;
}

/**
 * A little-endian TIFF with chained directories laid out by hand: each IFD's entries, an
 * optional padding block before the first IFD (to push it past the first 64 KB), and SubIFD
 * pointers given as indices into `ifds` (resolved to offsets here).
 */
export function handTiff(ifds: RawEntry[][], opts: { padding?: number; subIfds?: Record<number, number[]> } = {}): Uint8Array {
  const padding = opts.padding ?? 0;
  const sizes = ifds.map((entries) => 2 + entries.length * 12 + 4 + (opts.subIfds ? 64 : 0) + 256);
  const offsets: number[] = [];
  let at = 8 + padding;
  for (const s of sizes) {
    offsets.push(at);
    at += s;
  }
  const out = new Uint8Array(at);
  const v = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0]);
  v.setUint32(4, offsets[0], true);
  ifds.forEach((given, i) => {
    const entries = [...given];
    const subs = opts.subIfds?.[i];
    if (subs) entries.push({ tag: 330, type: 4, value: subs.map((k) => offsets[k]) });
    entries.sort((a, b) => a.tag - b.tag);
    const base = offsets[i];
    let data = base + 2 + entries.length * 12 + 4; // out-of-line values go after the IFD
    v.setUint16(base, entries.length, true);
    entries.forEach((e, k) => {
      const p = base + 2 + k * 12;
      const values = typeof e.value === 'string' ? latin1(`${e.value}\0`) : Array.isArray(e.value) ? e.value : [e.value];
      const unit = e.type === 3 ? 2 : e.type === 4 ? 4 : 1;
      v.setUint16(p, e.tag, true);
      v.setUint16(p + 2, e.type, true);
      v.setUint32(p + 4, values.length, true);
      const write = (q: number) =>
        Array.from(values).forEach((x, j) => {
          if (unit === 1) out[q + j] = x;
          else if (unit === 2) v.setUint16(q + 2 * j, x, true);
          else v.setUint32(q + 4 * j, x, true);
        });
      if (values.length * unit <= 4) write(p + 8);
      else {
        v.setUint32(p + 8, data, true);
        write(data);
        data += values.length * unit;
      }
    });
    v.setUint32(base + 2 + entries.length * 12, 0, true); // no next IFD
  });
  return out;
}

function box(type: string, ...children: Uint8Array[]): Uint8Array {
  const body = concat(children);
  return concat([be32(8 + body.length), latin1(type), body]);
}

/** Canon CR3's layout: ftyp 'crx ', moov > uuid(Canon) > CMT1 (IFD0 as TIFF) + CMT2 (Exif IFD as TIFF), then mdat. */
export function cr3WithExif(fields: ExifFields): Uint8Array {
  const { ifd0, exif } = exifEntries(fields);
  const cmt1 = writeTiffStructure({ littleEndian: true, ifd0 });
  const cmt2 = writeTiffStructure({ littleEndian: true, ifd0: exif });
  const canon = Uint8Array.from('85c0b687820f11e08111f4ce462b6a48'.match(/../g)!, (h) => parseInt(h, 16));
  return concat([
    box('ftyp', latin1('crx '), be32(1), latin1('crx isom')),
    box('moov', box('uuid', canon, box('CNCV', latin1('CanonCR3_001/00.09.00/00.00.00')), box('CMT1', cmt1), box('CMT2', cmt2))),
    box('mdat', new Uint8Array(4096)),
  ]);
}

/** Fujifilm RAF's layout: a 'FUJIFILMCCD-RAW' header whose bytes 84..91 point at an embedded EXIF JPEG. */
export function rafWithExif(fields: ExifFields, jpegWidth = 32, jpegHeight = 24): Uint8Array {
  const jpeg = jpegWithExif(fields, jpegWidth, jpegHeight);
  const header = new Uint8Array(160);
  header.set(latin1('FUJIFILMCCD-RAW 0201FF383501'));
  header.set(latin1('X-T3'), 28);
  const v = new DataView(header.buffer);
  v.setUint32(84, header.length);
  v.setUint32(88, jpeg.length);
  return concat([header, jpeg, new Uint8Array(2048)]);
}

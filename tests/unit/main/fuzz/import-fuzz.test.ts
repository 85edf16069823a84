/**
 * Fuzzes the import path with seeded mutations of valid files the project writes itself (TIFF, JPEG with
 * EXIF, PNG, EXR, DNG): every mutated file either decodes to a well-formed image or fails with a named
 * Luxfuse error that says which file, quickly and without huge allocations; and a file import's structural check
 * refuses (readImportShot) does not decode either. Replay a run with
 * LUXFUSE_FUZZ_SEED=<seed>; scale it with LUXFUSE_FUZZ_SCALE=<factor> (a longer run: LUXFUSE_FUZZ_SCALE=10 and a
 * few seeds); failing inputs land in tmp/fuzz-failures. LUXFUSE_FUZZ_TRACE=<file> logs each case before it is
 * decoded, to find a case that hangs or crashes the process.
 */
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zlibSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../../src-main/cli/main';
import { readImportShot, readShotInfo, UnmergeableFileError } from '../../../../src-main/services/exif';
import { readFrame } from '../../../../src-main/services/frames';
import { configureRawDecoder, decodeRaw, stopRawDecoder } from '../../../../src-main/services/raw-decode';
import { listImageFiles } from '../../../../src-main/services/scan';
import { decodeImage, MAX_DECODE_PIXELS } from '../../../../src-shared/codecs/decode';
import { encodeExr } from '../../../../src-shared/codecs/exr';
import { encodeJpeg } from '../../../../src-shared/codecs/jpeg';
import { encodePng } from '../../../../src-shared/codecs/png';
import { encodeTiff } from '../../../../src-shared/codecs/tiff';
import { TIFF_LONG, TIFF_SHORT, writeTiffStructure, type TiffEntry } from '../../../../src-shared/codecs/tiff-structure';
import { DecodeError, LuxfuseError, UnsupportedFormatError } from '../../../../src-shared/errors';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { writeBracket } from '../../helpers/bracket-fixture';
import { writeDng } from '../../helpers/dng-writer';
import { FULL_FIELDS } from '../../helpers/exif-fixtures';
import {
  exrAttributes, fixPngCrc, flipBits, fuzzScale, fuzzSeed, jpegSegments, lzwEncode, NASTY_U16, NASTY_U32, pngChunks, rng,
  saveFailingCase, setTiffValue, tiffEntries, truncate, writeUint, type Rng,
} from '../../helpers/fuzz';
import { samples, testImage } from '../../helpers/test-images';

const SEED = fuzzSeed();
const CASES = Math.round(300 * fuzzScale());
const RAW_CASES = Math.round(24 * fuzzScale());
// A longer run (LUXFUSE_FUZZ_SCALE > 1) gets proportionally longer per test.
vi.setConfig({ testTimeout: 60_000 * Math.max(1, fuzzScale()) });
/** A single decode of a small mutated file taking longer than this is a hang (the machine is shared: generous). */
const CASE_LIMIT_MS = 3000;
/** ArrayBuffer memory in use after a case that counts as a blow-up. */
const MAX_CASE_BUFFERS = 512e6;
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

interface Seed {
  name: string;
  ext: string;
  bytes: Uint8Array;
}

interface Case {
  id: string;
  ext: string;
  mutation: string;
  bytes: Uint8Array;
}

type Mutator = (seed: Seed, r: Rng) => { mutation: string; bytes: Uint8Array };

// ---- seeds: valid files from the project's own writers ----

const W = 40;
const H = 28;
const exif = { ...FULL_FIELDS, orientation: 1 };

/** A tiled TIFF (our writer makes strips only): 16x16 tiles of uncompressed 8- or 16-bit RGB, partial tiles at the edges. */
/** An 8-bit YCbCr TIFF whose one strip is a whole JPEG (no JPEGTables), as some writers store it. */
function jpegTiff(): Uint8Array {
  const jpeg = encodeJpeg({ width: W, height: H, data: rgba(13) }, { quality: 85 });
  const ifd0: TiffEntry[] = [
    { tag: 256, type: TIFF_LONG, value: [W] },
    { tag: 257, type: TIFF_LONG, value: [H] },
    { tag: 258, type: TIFF_SHORT, value: [8, 8, 8] },
    { tag: 259, type: TIFF_SHORT, value: [7] },
    { tag: 262, type: TIFF_SHORT, value: [6] },
    { tag: 277, type: TIFF_SHORT, value: [3] },
    { tag: 278, type: TIFF_LONG, value: [H] },
    { tag: 284, type: TIFF_SHORT, value: [1] },
  ];
  return writeTiffStructure({ littleEndian: true, ifd0, strips: [jpeg] });
}

function tiledTiff(bits: 8 | 16): Uint8Array {
  const tile = 16;
  const across = Math.ceil(W / tile);
  const down = Math.ceil(H / tile);
  const src = samples(bits, W * H * 3, 7);
  const bytesPer = bits / 8;
  const tiles: Uint8Array[] = [];
  for (let ty = 0; ty < down; ty++) {
    for (let tx = 0; tx < across; tx++) {
      const t = new Uint8Array(tile * tile * 3 * bytesPer);
      const view = new DataView(t.buffer);
      for (let y = 0; y < tile; y++) {
        for (let x = 0; x < tile; x++) {
          const sx = tx * tile + x;
          const sy = ty * tile + y;
          if (sx >= W || sy >= H) continue;
          for (let c = 0; c < 3; c++) {
            const v = src[(sy * W + sx) * 3 + c];
            const o = ((y * tile + x) * 3 + c) * bytesPer;
            if (bits === 8) t[o] = v;
            else view.setUint16(o, v, true);
          }
        }
      }
      tiles.push(t);
    }
  }
  const entries = (offsets: number[]): TiffEntry[] => [
    { tag: 256, type: TIFF_LONG, value: [W] },
    { tag: 257, type: TIFF_LONG, value: [H] },
    { tag: 258, type: TIFF_SHORT, value: [bits, bits, bits] },
    { tag: 259, type: TIFF_SHORT, value: [1] },
    { tag: 262, type: TIFF_SHORT, value: [2] },
    { tag: 277, type: TIFF_SHORT, value: [3] },
    { tag: 284, type: TIFF_SHORT, value: [1] },
    { tag: 322, type: TIFF_SHORT, value: [tile] },
    { tag: 323, type: TIFF_SHORT, value: [tile] },
    { tag: 324, type: TIFF_LONG, value: offsets },
    { tag: 325, type: TIFF_LONG, value: tiles.map((t) => t.length) },
  ];
  // Sizes do not depend on the values: lay out once to find where the tiles go, then write the real offsets.
  const head = writeTiffStructure({ littleEndian: true, ifd0: entries(tiles.map(() => 0)) }).length;
  const offsets: number[] = [];
  let at = head;
  for (const t of tiles) {
    offsets.push(at);
    at += t.length;
  }
  const out = new Uint8Array(at);
  out.set(writeTiffStructure({ littleEndian: true, ifd0: entries(offsets) }));
  tiles.forEach((t, i) => out.set(t, offsets[i]));
  return out;
}

/** 8-bit RGB in LZW strips of 7 rows (with the horizontal predictor when asked): our writer makes no LZW. */
function lzwTiff(predictor: boolean): Uint8Array {
  const data = samples(8, W * H * 3, 9) as Uint8Array;
  const rowBytes = W * 3;
  const strips: Uint8Array[] = [];
  for (let y = 0; y < H; y += 7) {
    const rows = data.slice(y * rowBytes, Math.min(H, y + 7) * rowBytes);
    if (predictor) {
      for (let r = rows.length / rowBytes - 1; r >= 0; r--) {
        for (let i = rowBytes - 1; i >= 3; i--) rows[r * rowBytes + i] = (rows[r * rowBytes + i] - rows[r * rowBytes + i - 3]) & 255;
      }
    }
    strips.push(lzwEncode(rows));
  }
  const ifd0: TiffEntry[] = [
    { tag: 256, type: TIFF_LONG, value: [W] },
    { tag: 257, type: TIFF_LONG, value: [H] },
    { tag: 258, type: TIFF_SHORT, value: [8, 8, 8] },
    { tag: 259, type: TIFF_SHORT, value: [5] },
    { tag: 262, type: TIFF_SHORT, value: [2] },
    { tag: 277, type: TIFF_SHORT, value: [3] },
    { tag: 278, type: TIFF_LONG, value: [7] },
    ...(predictor ? [{ tag: 317, type: TIFF_SHORT, value: [2] }] : []),
  ];
  return writeTiffStructure({ littleEndian: true, ifd0, strips });
}

function rgba(seed: number, width = W, height = H): Uint8ClampedArray {
  return new Uint8ClampedArray(samples(8, width * height * 4, seed));
}

function tiffSeeds(): Seed[] {
  return [
    { name: 'tiff8-rgb-strips-exif', ext: 'tif', bytes: encodeTiff({ width: W, height: H, channels: 3, bits: 8, data: samples(8, W * H * 3, 1) as Uint8Array, exif, rowsPerStrip: 5 }) },
    { name: 'tiff16-rgb-deflate-be', ext: 'tif', bytes: encodeTiff({ width: W, height: H, channels: 3, bits: 16, data: samples(16, W * H * 3, 2) as Uint16Array, compression: 'deflate', littleEndian: false, rowsPerStrip: 8, exif }) },
    { name: 'tiff32-grey-float-deflate', ext: 'tif', bytes: encodeTiff({ width: W, height: H, channels: 1, bits: 32, data: samples(32, W * H, 3) as Float32Array, compression: 'deflate' }) },
    { name: 'tiff16-grey-strips', ext: 'tif', bytes: encodeTiff({ width: W, height: H, channels: 1, bits: 16, data: samples(16, W * H, 4) as Uint16Array, rowsPerStrip: 3 }) },
    { name: 'tiff8-rgb-tiles', ext: 'tif', bytes: tiledTiff(8) },
    { name: 'tiff16-rgb-tiles', ext: 'tif', bytes: tiledTiff(16) },
    { name: 'tiff8-rgb-lzw', ext: 'tif', bytes: lzwTiff(false) },
    { name: 'tiff8-rgb-lzw-predictor', ext: 'tif', bytes: lzwTiff(true) },
    { name: 'tiff8-rgb-planar-deflate', ext: 'tif', bytes: encodeTiff({ width: W, height: H, channels: 3, bits: 8, data: samples(8, W * H * 3, 5) as Uint8Array, planar: true, compression: 'deflate', rowsPerStrip: 4 }) },
    { name: 'tiff16-rgb-planar-be', ext: 'tif', bytes: encodeTiff({ width: W, height: H, channels: 3, bits: 16, data: samples(16, W * H * 3, 6) as Uint16Array, planar: true, littleEndian: false, rowsPerStrip: 7 }) },
    { name: 'tiff8-ycbcr-jpeg', ext: 'tif', bytes: jpegTiff() },
  ];
}

function jpegSeeds(): Seed[] {
  return [
    { name: 'jpeg-exif', ext: 'jpg', bytes: encodeJpeg({ width: W, height: H, data: rgba(11) }, { quality: 90, exif }) },
    { name: 'jpeg-plain', ext: 'jpg', bytes: encodeJpeg({ width: W + 3, height: H + 5, data: rgba(12, W + 3, H + 5) }, { quality: 60 }) },
  ];
}

function pngSeeds(): Seed[] {
  return [
    { name: 'png8-rgba', ext: 'png', bytes: encodePng({ width: W, height: H, channels: 4, bits: 8, data: samples(8, W * H * 4, 21) as Uint8Array }) },
    { name: 'png16-rgb', ext: 'png', bytes: encodePng({ width: W, height: H, channels: 3, bits: 16, data: samples(16, W * H * 3, 22) as Uint16Array }) },
    { name: 'png8-grey', ext: 'png', bytes: encodePng({ width: W, height: H, channels: 1, bits: 8, data: samples(8, W * H, 23) as Uint8Array }) },
  ];
}

function exrSeeds(): Seed[] {
  const img = (channels: 1 | 3 | 4, seed: number): LinearImage => testImage(W, H, channels, seed);
  return [
    { name: 'exr-half-zip', ext: 'exr', bytes: encodeExr(img(3, 31), { pixelType: 'half', compression: 'zip' }) },
    { name: 'exr-float-zip', ext: 'exr', bytes: encodeExr(img(4, 32), { pixelType: 'float', compression: 'zip' }) },
    { name: 'exr-half-zips', ext: 'exr', bytes: encodeExr(img(1, 33), { pixelType: 'half', compression: 'zips' }) },
    { name: 'exr-half-none', ext: 'exr', bytes: encodeExr(img(3, 34), { pixelType: 'half', compression: 'none' }) },
    { name: 'exr-half-piz', ext: 'exr', bytes: encodeExr(img(3, 35), { pixelType: 'half', compression: 'piz' }) },
  ];
}

const dngScene = (x: number, y: number): [number, number, number] => [0.05 + x / 200, 0.1 + y / 150, 0.3];
function dngSeed(): Seed {
  return {
    name: 'dng-32x24',
    ext: 'dng',
    bytes: writeDng({ width: 32, height: 24, scene: dngScene, exif: { exposureTime: 1 / 60, fNumber: 4, iso: 100, make: 'Luxfuse', model: 'Fuzz Cam' } }),
  };
}

// ---- mutators ----

const generic: Mutator[] = [
  (s, r) => {
    const at = r.int(s.bytes.length);
    return { mutation: `truncate to ${at} bytes`, bytes: truncate(s.bytes, at) };
  },
  (s, r) => {
    const at = r.int(Math.min(s.bytes.length, 400));
    return { mutation: `truncate in the header, to ${at} bytes`, bytes: truncate(s.bytes, at) };
  },
  (s, r) => {
    const n = 1 + r.int(8);
    return { mutation: `flip ${n} bits anywhere`, bytes: flipBits(s.bytes, r, n) };
  },
  (s, r) => {
    const n = 1 + r.int(4);
    const head = s.bytes.slice(0, Math.min(s.bytes.length, 512));
    const out = s.bytes.slice();
    out.set(flipBits(head, r, n));
    return { mutation: `flip ${n} bits in the first 512 bytes`, bytes: out };
  },
];

/** Overwrites a value of a chosen TIFF tag (reached through the IFDs of a TIFF at `start`). */
function tiffMutator(tags: number[], values: (len: number, r: Rng) => number[], start = 0, what = 'TIFF'): Mutator {
  return (s, r) => {
    const { littleEndian, entries } = tiffEntries(s.bytes, start);
    const candidates = entries.filter((e) => tags.includes(e.tag));
    if (!candidates.length) return generic[2](s, r);
    const e = r.pick(candidates);
    const v = r.pick(values(s.bytes.length, r));
    const i = r.int(Math.min(e.count, 8));
    const out = s.bytes.slice();
    setTiffValue(out, { ...e, valueAt: e.valueAt }, v, littleEndian, i);
    return { mutation: `${what} tag ${e.tag}[${i}] := ${v}`, bytes: out };
  };
}

const offsetValues = (len: number, r: Rng): number[] => [0, 8, len - 1, len, len + 1, len + 4096, 0x7fffffff, 0x80000000, 0xffffffff, r.int(len)];
const countValues = (len: number, r: Rng): number[] => [0, 1, 2, len, len * 2, 0x7fffffff, 0x80000000, 0xffffffff, r.int(len)];

const tiffAware = (start = 0, what = 'TIFF'): Mutator[] => [
  tiffMutator([256, 257], () => [...NASTY_U32, 100_000, 65_000, 20_000], start, what),
  tiffMutator([273, 324], offsetValues, start, what),
  tiffMutator([279, 325], countValues, start, what),
  tiffMutator([258, 277], () => [...NASTY_U16, 4, 5, 12, 24, 32, 64], start, what),
  tiffMutator([259, 262, 284, 317, 339], () => [0, 1, 2, 3, 4, 5, 6, 7, 8, 32773, 32946, 34892, 0xffff], start, what),
  tiffMutator([278, 322, 323], () => [...NASTY_U32, 3, 15, 17], start, what),
  tiffMutator([34665, 330, 34853], offsetValues, start, what),
  // Structure: entry counts, types, value counts, IFD pointers.
  (s, r) => {
    const { littleEndian: le, entries } = tiffEntries(s.bytes, start);
    if (!entries.length) return generic[2](s, r);
    const e = r.pick(entries);
    const out = s.bytes.slice();
    const field = r.int(4);
    if (field === 0) {
      const v = r.pick(NASTY_U32);
      writeUint(out, e.at + 4, 4, v, le);
      return { mutation: `${what} tag ${e.tag} count := ${v}`, bytes: out };
    }
    if (field === 1) {
      const v = r.int(20);
      writeUint(out, e.at + 2, 2, v, le);
      return { mutation: `${what} tag ${e.tag} type := ${v}`, bytes: out };
    }
    if (field === 2) {
      const v = r.pick([0, 1, 0xff, 0x7fff, 0xffff]);
      writeUint(out, e.ifd, 2, v, le);
      return { mutation: `${what} IFD at ${e.ifd} entry count := ${v}`, bytes: out };
    }
    const n = new DataView(out.buffer).getUint16(e.ifd, le);
    const v = r.pick([e.ifd - start, 8, s.bytes.length, 0xffffffff, 0x80000000]);
    writeUint(out, e.ifd + 2 + n * 12, 4, v, le);
    return { mutation: `${what} next-IFD pointer of IFD at ${e.ifd} := ${v}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const v = r.pick([0, 2, 7, s.bytes.length - 2, s.bytes.length, 0xffffffff]);
    writeUint(out, start + 4, 4, v, out[start] === 0x49);
    return { mutation: `${what} first IFD offset := ${v}`, bytes: out };
  },
];

const pngAware: Mutator[] = [
  (s, r) => {
    const out = s.bytes.slice();
    const ihdr = pngChunks(out)[0];
    const field = r.pick([0, 4]);
    const v = r.pick([...NASTY_U32, 100_000, 20_000]);
    writeUint(out, ihdr.at + 8 + field, 4, v, false);
    if (r.next() < 0.8) fixPngCrc(out, ihdr);
    return { mutation: `PNG IHDR ${field ? 'height' : 'width'} := ${v}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const ihdr = pngChunks(out)[0];
    const field = 8 + r.int(5); // depth, colour type, compression, filter, interlace
    const v = r.pick([0, 1, 2, 3, 4, 5, 6, 8, 16, 255]);
    out[ihdr.at + 8 + field] = v;
    fixPngCrc(out, ihdr);
    return { mutation: `PNG IHDR byte ${field} := ${v}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const c = r.pick(pngChunks(out));
    const v = r.pick([...NASTY_U32, c.length + 1, Math.max(0, c.length - 1)]);
    writeUint(out, c.at, 4, v, false);
    return { mutation: `PNG ${c.type} length := ${v}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const c = r.pick(pngChunks(out));
    out[c.at + 8 + c.length + r.int(4)] ^= 1 << r.int(8);
    return { mutation: `PNG ${c.type} CRC bit flip`, bytes: out };
  },
  (s, r) => {
    // Corrupt the compressed pixels behind a valid CRC, so inflate and unfilter see it.
    const out = s.bytes.slice();
    const idat = pngChunks(out).find((c) => c.type === 'IDAT')!;
    const n = 1 + r.int(6);
    for (let i = 0; i < n; i++) out[idat.at + 8 + r.int(idat.length)] ^= 1 << r.int(8);
    fixPngCrc(out, idat);
    return { mutation: `PNG IDAT ${n} bit flips, CRC fixed`, bytes: out };
  },
  (s, r) => {
    // Shorten IDAT consistently (length and CRC right), so only the zlib stream is cut.
    const idat = pngChunks(s.bytes).find((c) => c.type === 'IDAT')!;
    const keep = r.int(idat.length);
    const out = new Uint8Array(s.bytes.length - (idat.length - keep));
    out.set(s.bytes.subarray(0, idat.at + 8 + keep));
    out.set(s.bytes.subarray(idat.at + 8 + idat.length), idat.at + 8 + keep);
    writeUint(out, idat.at, 4, keep, false);
    fixPngCrc(out, { ...idat, length: keep });
    return { mutation: `PNG IDAT cut to ${keep} of ${idat.length} bytes, CRC fixed`, bytes: out };
  },
  (s, r) => {
    const chunks = pngChunks(s.bytes);
    const c = r.pick(chunks);
    const out = new Uint8Array(s.bytes.length - (12 + c.length));
    out.set(s.bytes.subarray(0, c.at));
    out.set(s.bytes.subarray(c.at + 12 + c.length), c.at);
    return { mutation: `PNG without its ${c.type} chunk`, bytes: out };
  },
];

const jpegAware: Mutator[] = [
  (s, r) => {
    const out = s.bytes.slice();
    const seg = r.pick(jpegSegments(out));
    const v = r.pick([...NASTY_U16, 0, 1, 2, seg.length + 1, seg.length - 1, seg.length + 100]);
    writeUint(out, seg.at + 2, 2, v, false);
    return { mutation: `JPEG segment FF${seg.marker.toString(16)} length := ${v}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const sof = jpegSegments(out).find((g) => g.marker === 0xc0 || g.marker === 0xc2)!;
    const field = r.pick([5, 7]);
    const v = r.pick([...NASTY_U16, 20_000, 65_500]);
    writeUint(out, sof.at + field, 2, v, false);
    return { mutation: `JPEG SOF ${field === 5 ? 'height' : 'width'} := ${v}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const sof = jpegSegments(out).find((g) => g.marker === 0xc0 || g.marker === 0xc2)!;
    const field = r.pick([4, 9, 10, 11, 12, 13, 14]); // precision, component count, id, sampling, table...
    const v = r.pick([0, 1, 2, 3, 4, 0x11, 0x22, 0x44, 0xff]);
    out[sof.at + field] = v;
    return { mutation: `JPEG SOF byte ${field} := ${v}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const tables = jpegSegments(out).filter((g) => g.marker === 0xc4 || g.marker === 0xdb || g.marker === 0xda);
    const seg = r.pick(tables);
    const at = seg.at + 4 + r.int(Math.max(1, seg.length - 2));
    const v = r.pick([0, 1, 0x10, 0x11, 0x7f, 0xff]);
    out[at] = v;
    return { mutation: `JPEG FF${seg.marker.toString(16)} byte ${at - seg.at} := ${v}`, bytes: out };
  },
  (s, r) => {
    // Bit flips in the entropy-coded data after SOS.
    const sos = jpegSegments(s.bytes).find((g) => g.marker === 0xda)!;
    const n = 1 + r.int(6);
    return { mutation: `JPEG scan data ${n} bit flips`, bytes: flipBits(s.bytes, r, n, sos.at + 2 + sos.length) };
  },
];

/** EXIF inside the JPEG's APP1: the TIFF structure exifr and readShotInfo walk. */
function jpegExifAware(): Mutator[] {
  return tiffAware(12, 'EXIF').map((m): Mutator => (s, r) => {
    const app1 = jpegSegments(s.bytes).find((g) => g.marker === 0xe1);
    if (!app1) return generic[2](s, r);
    return m(s, r);
  });
}

const exrAware: Mutator[] = [
  (s, r) => {
    const out = s.bytes.slice();
    const a = r.pick(exrAttributes(out).attributes);
    const v = r.pick([...NASTY_U32, a.size + 1, a.size - 1, 0]);
    writeUint(out, a.sizeAt, 4, v, true);
    return { mutation: `EXR attribute ${a.name} size := ${v | 0}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const a = exrAttributes(out).attributes.find((x) => x.name === 'dataWindow')!;
    const field = r.pick([0, 4, 8, 12]);
    const v = r.pick([...NASTY_U32, 99_999, 20_000, 0xffffff9c]);
    writeUint(out, a.sizeAt + 4 + field, 4, v, true);
    return { mutation: `EXR dataWindow int ${field / 4} := ${v | 0}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const a = exrAttributes(out).attributes.find((x) => x.name === 'channels')!;
    const at = a.sizeAt + 4 + r.int(a.size);
    const v = r.pick([0, 1, 2, 3, 0xff]);
    out[at] = v;
    return { mutation: `EXR channel list byte ${at - a.sizeAt - 4} := ${v}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const a = exrAttributes(out).attributes.find((x) => x.name === 'compression')!;
    const v = r.int(12);
    out[a.sizeAt + 4] = v;
    return { mutation: `EXR compression := ${v}`, bytes: out };
  },
  (s, r) => {
    // Offset table entries: past the end, into the header or the table, 64-bit huge, another chunk's.
    const out = s.bytes.slice();
    const { tableAt } = exrAttributes(out);
    const view = new DataView(out.buffer);
    const firstChunk = Number(view.getBigUint64(tableAt, true));
    const entries = Math.max(1, (firstChunk - tableAt) / 8);
    const i = r.int(entries);
    const v = r.pick([0n, 8n, BigInt(tableAt), BigInt(out.length), BigInt(out.length - 4), 2n ** 63n, 2n ** 64n - 1n, 2n ** 32n, view.getBigUint64(tableAt, true)]);
    view.setBigUint64(tableAt + i * 8, v, true);
    return { mutation: `EXR offset table[${i}] := ${v}`, bytes: out };
  },
  (s, r) => {
    // Chunk headers: the scanline number and the packed size.
    const out = s.bytes.slice();
    const { tableAt } = exrAttributes(out);
    const view = new DataView(out.buffer);
    const firstChunk = Number(view.getBigUint64(tableAt, true));
    const entries = Math.max(1, (firstChunk - tableAt) / 8);
    const chunk = Number(view.getBigUint64(tableAt + r.int(entries) * 8, true));
    const field = r.pick([0, 4]);
    const v = r.pick([...NASTY_U32, 16, 32, 0xfffffff0, view.getInt32(chunk + 4, true) + 1, view.getInt32(chunk + 4, true) - 1]);
    writeUint(out, chunk + field, 4, v, true);
    return { mutation: `EXR chunk at ${chunk} ${field ? 'size' : 'line'} := ${v | 0}`, bytes: out };
  },
  (s, r) => {
    const out = s.bytes.slice();
    const v = r.pick([0x200, 0x402, 0x802, 0x1002, 0x1202, 3, 1]);
    writeUint(out, 4, 4, v, true);
    return { mutation: `EXR version field := 0x${v.toString(16)}`, bytes: out };
  },
];

const MUTATORS: Record<string, Mutator[]> = {
  tiff: [...generic, ...tiffAware(), ...tiffAware()],
  jpeg: [...generic, ...jpegAware, ...jpegAware, ...jpegExifAware()],
  png: [...generic, ...pngAware, ...pngAware],
  exr: [...generic, ...exrAware, ...exrAware],
  dng: [...generic, ...tiffAware()],
};

function makeCases(format: string, seeds: Seed[], count: number, seed: number): Case[] {
  const r = rng(seed);
  const mutators = MUTATORS[format];
  // A structure-aware mutator may find no structure left after a first mutation: bit flips instead.
  const apply = (s: Seed): ReturnType<Mutator> => {
    try {
      return r.pick(mutators)(s, r);
    } catch {
      return generic[2](s, r);
    }
  };
  return Array.from({ length: count }, (_, i) => {
    const s = seeds[i % seeds.length];
    const m = apply(s);
    // A second mutation now and then: corrupt files are rarely corrupt in only one place.
    const twice = r.next() < 0.15 ? apply({ ...s, bytes: m.bytes }) : null;
    return {
      id: `${format}-${seed}-${i}-${s.name}`,
      ext: s.ext,
      mutation: twice ? `${m.mutation}; then ${twice.mutation}` : m.mutation,
      bytes: twice ? twice.bytes : m.bytes,
    };
  });
}

// ---- checks ----

/** Messages of JavaScript's own errors: a library tripped over the bytes, and the message says nothing useful. */
const LEAKED = /TypeError|RangeError|Cannot (read|set) propert|is not a function|is not iterable|\bundefined\b|\bNaN\b|out of bounds|Source is too large|Invalid (typed )?array length|Offset is outside|Start offset|Array buffer allocation|Maximum call stack/;

/** What is wrong with a decode outcome, or null when it is acceptable. */
function problem(outcome: { image?: LinearImage; error?: unknown }, file: string, messageNamesFile: boolean): string | null {
  const { image, error } = outcome;
  if (error !== undefined) {
    if (!(error instanceof LuxfuseError)) return `threw ${(error as Error)?.name ?? typeof error}: ${String((error as Error)?.message ?? error)}`;
    if (error.file !== file) return `${error.name} does not name the file (file = ${error.file}): ${error.message}`;
    if (messageNamesFile && !error.message.includes(file)) return `${error.name} message does not name the file: ${error.message}`;
    if (LEAKED.test(error.message)) return `${error.name} carries a JavaScript error from inside a library: ${error.message}`;
    return null;
  }
  if (!image) return 'returned nothing';
  const { width, height, channels, data } = image;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) return `image size ${width}x${height}`;
  if (channels !== 3 || !(data instanceof Float32Array) || data.length !== width * height * 3) {
    return `${width}x${height}x${channels} image with ${data?.length} samples`;
  }
  if (width * height > MAX_DECODE_PIXELS) return `decoded ${width}x${height}, over the pixel limit`;
  // Integer formats cannot hold NaN or infinity; float formats (EXR, float TIFF) may, faithfully.
  if (image.meta.sourceTransfer === 'srgb') {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return `sample ${i} is ${data[i]}`;
  }
  return null;
}

interface Failure {
  c: Case;
  what: string;
}

function report(label: string, failures: Failure[], cases: number, ms: number, decoded?: number): void {
  const split = decoded === undefined ? '' : ` (${decoded} decoded, ${cases - decoded} refused)`;
  console.info(`[fuzz] ${label}: ${cases} cases${split}, seed ${SEED}, ${Math.round(ms)} ms, ${failures.length} failures`);
  if (!failures.length) return;
  const lines = failures.slice(0, 20).map(({ c, what }) => {
    const saved = saveFailingCase(`${c.id}.${c.ext}`, c.bytes);
    return `${c.id} (${c.mutation}): ${what}\n    bytes: ${saved}`;
  });
  expect.fail(`${label}: ${failures.length} of ${cases} mutated files misbehaved (seed ${SEED}):\n${lines.join('\n')}`);
}

async function timed<T>(run: () => Promise<T> | T): Promise<{ image?: T; error?: unknown; ms: number }> {
  const t0 = performance.now();
  try {
    const image = await run();
    return { image, ms: performance.now() - t0 };
  } catch (error) {
    return { error, ms: performance.now() - t0 };
  }
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'luxfuse-fuzz-'));
  console.info(`[fuzz] seed ${SEED} (replay with LUXFUSE_FUZZ_SEED=${SEED})`);
});
afterAll(() => {
  stopRawDecoder();
  rmSync(dir, { recursive: true, force: true });
});

const FORMATS: [string, () => Seed[], number][] = [
  ['tiff', tiffSeeds, 1],
  ['jpeg', jpegSeeds, 2],
  ['png', pngSeeds, 3],
  ['exr', exrSeeds, 4],
  ['dng', () => [dngSeed()], 5],
];

describe.each(FORMATS)('mutated %s files', (format, seeds, salt) => {
  it('the seeds themselves decode', () => {
    if (format === 'tiff') {
      const plain = decodeImage(encodeTiff({ width: W, height: H, channels: 3, bits: 8, data: samples(8, W * H * 3, 9) as Uint8Array }), 'plain.tif');
      expect(decodeImage(lzwTiff(false), 'lzw.tif').data).toEqual(plain.data);
      expect(decodeImage(lzwTiff(true), 'lzw-predictor.tif').data).toEqual(plain.data);
    }
    for (const s of seeds()) {
      if (s.ext === 'dng') expect(() => decodeImage(s.bytes, s.name)).toThrow(UnsupportedFormatError);
      else expect(problem({ image: decodeImage(s.bytes, s.name) }, s.name, false)).toBeNull();
    }
  });

  it(`decodeImage returns a well-formed image or a DecodeError naming the file, each within ${CASE_LIMIT_MS} ms`, async () => {
    const cases = makeCases(format, seeds(), CASES, SEED * 16 + salt);
    const failures: Failure[] = [];
    let decoded = 0;
    const t0 = performance.now();
    for (const c of cases) {
      const name = `${c.id}.${c.ext}`;
      if (process.env.LUXFUSE_FUZZ_TRACE) appendFileSync(process.env.LUXFUSE_FUZZ_TRACE, `${name} ${c.mutation}\n`);
      const outcome = await timed(() => decodeImage(c.bytes, name));
      // Every seed is under 100 KB: a case that leaves buffers of hundreds of MB behind allocated what the header claimed.
      const buffers = process.memoryUsage().arrayBuffers;
      const what = outcome.ms > CASE_LIMIT_MS
        ? `took ${Math.round(outcome.ms)} ms`
        : buffers > MAX_CASE_BUFFERS ? `${Math.round(buffers / 1e6)} MB of buffers in use after decoding` : problem(outcome, name, false);
      if (what) failures.push({ c, what });
      if (outcome.error === undefined) decoded++;
    }
    report(`decodeImage, ${format}`, failures, cases.length, performance.now() - t0, decoded);
  });

  it('readShotInfo, readImportShot and readFrame (from disk) give a result or an error whose message names the path; what import refuses does not decode', async () => {
    // A third of the cases through the file services (the decode itself is covered above); DNG frames go to LibRaw below,
    // but those import's structural check refuses go through LibRaw here, which must refuse them too.
    const cases = makeCases(format, seeds(), Math.round(CASES / 3), SEED * 16 + salt + 8);
    const failures: Failure[] = [];
    const t0 = performance.now();
    for (const c of cases) {
      const path = join(dir, `${c.id}.${c.ext}`);
      writeFileSync(path, c.bytes);
      const info = await timed(() => readShotInfo(path));
      if (info.error !== undefined) {
        const what = problem({ error: info.error }, path, true);
        if (what) failures.push({ c, what: `readShotInfo: ${what}` });
      } else if (info.image?.file !== path) failures.push({ c, what: 'readShotInfo: no file in the result' });
      if (info.ms > CASE_LIMIT_MS) failures.push({ c, what: `readShotInfo took ${Math.round(info.ms)} ms` });
      // Import's structural check: a file it refuses, the merge must refuse too (no false alarms).
      const checked = await timed(() => readImportShot(path));
      const unmergeable = checked.error instanceof UnmergeableFileError;
      if (checked.error !== undefined) {
        const what = problem({ error: checked.error }, path, true);
        if (what) failures.push({ c, what: `readImportShot: ${what}` });
      }
      if (checked.ms > CASE_LIMIT_MS) failures.push({ c, what: `readImportShot took ${Math.round(checked.ms)} ms` });
      if (format !== 'dng') {
        const frame = await timed(() => readFrame(path));
        const what = frame.ms > CASE_LIMIT_MS ? `took ${Math.round(frame.ms)} ms` : problem(frame, path, true);
        if (what) failures.push({ c, what: `readFrame: ${what}` });
        if (unmergeable && frame.error === undefined) failures.push({ c, what: `import refused it (${(checked.error as Error).message}), yet it decodes` });
      } else if (unmergeable && (await timed(() => readFrame(path))).error === undefined) {
        // Through LibRaw only the files import refuses.
        failures.push({ c, what: `import refused it (${(checked.error as Error).message}), yet LibRaw decodes it` });
      }
      rmSync(path);
    }
    report(`readShotInfo/readFrame, ${format}`, failures, cases.length, performance.now() - t0);
  });
});

describe('mutated DNGs through LibRaw', () => {
  it('decodeRaw gives an image or a DecodeError naming the file, and the worker decodes a good DNG after', async () => {
    configureRawDecoder({ timeoutMs: 10_000 });
    const seed = dngSeed();
    const cases = makeCases('dng', [seed], RAW_CASES, SEED * 16 + 9);
    const failures: Failure[] = [];
    const t0 = performance.now();
    for (const c of cases) {
      const name = `${c.id}.dng`;
      const outcome = await timed(() => decodeRaw(c.bytes, name));
      const what = problem(outcome, name, true);
      if (what) failures.push({ c, what });
    }
    report('decodeRaw, dng', failures, cases.length, performance.now() - t0);
    const good = await decodeRaw(seed.bytes, 'good.dng');
    expect([good.width, good.height, good.channels]).toEqual([32, 24, 3]);
  });
});

describe('the pixel limit', () => {
  const hugeTiff = (width: number, height: number): Uint8Array => {
    const bytes = encodeTiff({ width: W, height: H, channels: 3, bits: 8, data: samples(8, W * H * 3, 1) as Uint8Array });
    const { littleEndian, entries } = tiffEntries(bytes);
    setTiffValue(bytes, entries.find((e) => e.tag === 256)!, width, littleEndian);
    setTiffValue(bytes, entries.find((e) => e.tag === 257)!, height, littleEndian);
    return bytes;
  };

  it(`refuses a TIFF claiming 100,000 x 100,000 pixels before allocating, naming the file and the ${MAX_DECODE_PIXELS / 1e6} MP limit`, () => {
    const t0 = performance.now();
    const error = (() => {
      try {
        decodeImage(hugeTiff(100_000, 100_000), 'huge.tif');
      } catch (e) {
        return e as LuxfuseError;
      }
    })();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(error).toBeInstanceOf(UnsupportedFormatError);
    expect(error!.file).toBe('huge.tif');
    expect(error!.message).toMatch(/100000 ?x ?100000/);
    expect(error!.message).toMatch(new RegExp(`${MAX_DECODE_PIXELS / 1e6} MP`));
  });

  it('refuses PNG, JPEG and EXR headers over the limit the same way', () => {
    const png = encodePng({ width: W, height: H, channels: 3, bits: 8, data: samples(8, W * H * 3, 5) as Uint8Array });
    const ihdr = pngChunks(png)[0];
    writeUint(png, ihdr.at + 8, 4, 0x7fffffff, false);
    writeUint(png, ihdr.at + 12, 4, 0x7fffffff, false);
    fixPngCrc(png, ihdr);
    const jpeg = encodeJpeg({ width: W, height: H, data: rgba(3) });
    const sof = jpegSegments(jpeg).find((g) => g.marker === 0xc0)!;
    writeUint(jpeg, sof.at + 5, 2, 65535, false);
    writeUint(jpeg, sof.at + 7, 2, 65535, false);
    const exr = encodeExr(testImage(W, H, 3, 1));
    const dw = exrAttributes(exr).attributes.find((a) => a.name === 'dataWindow')!;
    writeUint(exr, dw.sizeAt + 4 + 8, 4, 99_999, true);
    writeUint(exr, dw.sizeAt + 4 + 12, 4, 99_999, true);
    for (const [name, bytes] of [['huge.png', png], ['huge.jpg', jpeg], ['huge.exr', exr]] as const) {
      expect(() => decodeImage(bytes, name), name).toThrow(/pixel limit|MP/);
      try {
        decodeImage(bytes, name);
      } catch (e) {
        expect((e as LuxfuseError).file).toBe(name);
      }
    }
  });

  it('refuses a small file whose header claims far more pixels than its data can hold, without decoding', () => {
    const bytes = hugeTiff(12_000, 12_000);
    const t0 = performance.now();
    expect(() => decodeImage(bytes, 'claims.tif')).toThrow(DecodeError);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

/** The error decodeImage throws, or null; with the time it took. */
function decodeError(bytes: Uint8Array, name: string): { error: LuxfuseError | null; ms: number } {
  const t0 = performance.now();
  try {
    decodeImage(bytes, name);
    return { error: null, ms: performance.now() - t0 };
  } catch (e) {
    return { error: e as LuxfuseError, ms: performance.now() - t0 };
  }
}

function withTiffValue(bytes: Uint8Array, tag: number, value: number, field: 'value' | 'count' = 'value'): Uint8Array {
  const out = bytes.slice();
  const { littleEndian, entries } = tiffEntries(out);
  const e = entries.find((x) => x.tag === tag)!;
  if (field === 'count') writeUint(out, e.at + 4, 4, value, littleEndian);
  else setTiffValue(out, e, value, littleEndian);
  return out;
}

describe('regressions the fuzzer found', () => {
  const tiff8 = (): Uint8Array => tiffSeeds()[0].bytes;

  it('a Deflate TIFF relabelled LZW ends with a DecodeError (utif2 LZW looped forever on it)', () => {
    const floatTiff = tiffSeeds()[2].bytes;
    const { error, ms } = decodeError(withTiffValue(floatTiff, 259, 5), 'relabelled.tif');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.message).toMatch(/LZW/);
    expect(ms).toBeLessThan(1000);
  });

  it('a tag claiming 2^31 values fails at once instead of utif2 reading them one by one', () => {
    const { error, ms } = decodeError(withTiffValue(tiff8(), 273, 0x7fffffff, 'count'), 'count.tif');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.message).toMatch(/tag 273 .*runs past the end/);
    expect(ms).toBeLessThan(500);
  });

  /** The 8-bit seed with its Exif pointer entry rewritten (type, count, value) and `tail` appended to the file. */
  function rewriteExifEntry(tag: number, type: number, count: number, tail: (offset: number, le: boolean) => Uint8Array): Uint8Array {
    const base = tiff8();
    const { littleEndian, entries } = tiffEntries(base);
    const e = entries.find((x) => x.tag === 34665)!;
    const extra = tail(base.length, littleEndian);
    const out = new Uint8Array(base.length + extra.length);
    out.set(base);
    out.set(extra, base.length);
    writeUint(out, e.at, 2, tag, littleEndian);
    writeUint(out, e.at + 2, 2, type, littleEndian);
    writeUint(out, e.at + 4, 4, count, littleEndian);
    return out;
  }

  it('an Exif pointer stored as a denormal DOUBLE is refused (utif2 read a count of 18,688 entries from byte 1 and spent a minute)', () => {
    const bytes = rewriteExifEntry(34665, 12, 1, (offset, le) => {
      const d = new Uint8Array(8);
      new DataView(d.buffer).setFloat64(0, 1.390788086980247e-309, le);
      return d;
    });
    // The value field points at the appended double.
    const { littleEndian, entries } = tiffEntries(bytes);
    writeUint(bytes, entries.find((x) => x.tag === 34665)!.at + 8, 4, bytes.length - 8, littleEndian);
    const { error, ms } = decodeError(bytes, 'denormal-exif.tif');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.message).toMatch(/tag 34665 points at a directory at an offset that is not a whole number/);
    expect(ms).toBeLessThan(500);
  });

  it('DNGPrivateData that utif2 follows as a directory is checked like one (a 2^31-value tag inside it)', () => {
    const bytes = rewriteExifEntry(50740, 1, 4, (offset, le) => {
      // A directory of one entry claiming 2^31 LONG values, at the offset the four BYTE values spell.
      const ifd = new Uint8Array(2 + 12 + 4);
      const v = new DataView(ifd.buffer);
      v.setUint16(0, 1, le);
      v.setUint16(2, 273, le);
      v.setUint16(4, 4, le);
      v.setUint32(6, 0x7fffffff, le);
      return ifd;
    });
    const { littleEndian, entries } = tiffEntries(bytes);
    const e = entries.find((x) => x.tag === 50740)!;
    const offset = bytes.length - 18;
    const spelled = littleEndian ? [offset & 255, (offset >> 8) & 255, (offset >> 16) & 255, offset >>> 24] : [offset >>> 24, (offset >> 16) & 255, (offset >> 8) & 255, offset & 255];
    bytes.set(spelled, e.at + 8);
    const { error, ms } = decodeError(bytes, 'private-data.tif');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.message).toMatch(/tag 273 .*runs past the end/);
    expect(ms).toBeLessThan(500);
  });

  it('a strip offset and width utif2 trips over give a message about the file, not "offset is out of bounds"', () => {
    const seed = tiffSeeds().find((x) => x.name.includes('tiff32-grey-float-deflate'))!;
    const { error } = decodeError(withTiffValue(withTiffValue(seed.bytes, 273, 8), 256, 1), 'layout.tif');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.message).toBe('truncated or corrupt TIFF: the pixel data does not fit the image layout its header describes');
  });

  it('an Exif IFD pointing back at IFD0 is a loop, not endless recursion', () => {
    const { error } = decodeError(withTiffValue(tiff8(), 34665, 8), 'exif-loop.tif');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.message).toMatch(/loop/);
  });

  it('a Deflate strip that inflates far past its size is cut at the size, not inflated whole', () => {
    const bomb = zlibSync(new Uint8Array(64 << 20), { level: 9 }); // 64 MB of zeros in about 64 KB
    const ifd0: TiffEntry[] = [
      { tag: 256, type: TIFF_LONG, value: [64] },
      { tag: 257, type: TIFF_LONG, value: [64] },
      { tag: 258, type: TIFF_SHORT, value: [8] },
      { tag: 259, type: TIFF_SHORT, value: [8] },
      { tag: 262, type: TIFF_SHORT, value: [1] },
      { tag: 278, type: TIFF_LONG, value: [64] },
    ];
    const before = process.memoryUsage().arrayBuffers;
    const img = decodeImage(writeTiffStructure({ littleEndian: true, ifd0, strips: [bomb] }), 'bomb.tif');
    expect([img.width, img.height]).toEqual([64, 64]);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 << 20);
  });

  it('a TIFF width stored as a FLOAT is refused, not decoded as a 1e-38-pixel-wide image', () => {
    const tiles = tiffSeeds()[4].bytes.slice();
    const { littleEndian, entries } = tiffEntries(tiles);
    writeUint(tiles, entries.find((e) => e.tag === 256)!.at + 2, 2, 11, littleEndian);
    expect(decodeError(tiles, 'float-width.tif').error?.message).toMatch(/image size .*x28/);
  });

  it('a TIFF without PhotometricInterpretation decodes (utif2 read t262[0] of nothing)', () => {
    const grey = tiffSeeds()[3].bytes.slice();
    const { littleEndian, entries } = tiffEntries(grey);
    writeUint(grey, entries.find((e) => e.tag === 262)!.at, 2, 2310, littleEndian); // an unknown tag instead
    const img = decodeImage(grey, 'no-photometric.tif');
    expect([img.width, img.height]).toEqual([W, H]);
  });

  it('JPEG scans and frames referring to undefined components or tables say so, not "Cannot set properties of undefined"', () => {
    const jpeg = jpegSeeds()[0].bytes;
    const sof = jpegSegments(jpeg).find((g) => g.marker === 0xc0)!;
    const sos = jpegSegments(jpeg).find((g) => g.marker === 0xda)!;
    const cases: [number, number, RegExp][] = [
      [sof.at + 10, 9, /scan refers to component 1, which the frame header does not define/],
      [sos.at + 6, 0xff, /Huffman table 15, which is not defined/],
      [sof.at + 12, 17, /quantization table 17, which is not defined/],
    ];
    for (const [at, value, message] of cases) {
      const bad = jpeg.slice();
      bad[at] = value;
      const { error } = decodeError(bad, 'tables.jpg');
      expect(error).toBeInstanceOf(DecodeError);
      expect(error!.message).toMatch(message);
    }
  });

  it('a JPEG cut inside its scan header or before it says it is cut short, not "component undefined" (seed 12)', () => {
    const jpeg = jpegSeeds()[1].bytes;
    const sos = jpegSegments(jpeg).find((g) => g.marker === 0xda)!;
    const cases: [number, RegExp][] = [
      [sos.at + 6, /cut short inside its headers \(segment FFDA\)/], // fuzz seed 12: truncate to 604 bytes
      [sos.at + 2, /cut short/],
      [sos.at, /cut short before its image data/],
    ];
    for (const [length, message] of cases) {
      const { error } = decodeError(jpeg.slice(0, length), 'cut.jpg');
      expect(error, `cut to ${length}`).toBeInstanceOf(DecodeError);
      expect(error!.file).toBe('cut.jpg');
      expect(error!.message).toMatch(message);
      expect(error!.message).not.toMatch(/undefined/);
    }
  });

  it('a JPEG cut inside its image data says it is cut short, not "marker was not found"', () => {
    const jpeg = jpegSeeds()[0].bytes;
    const sos = jpegSegments(jpeg).find((g) => g.marker === 0xda)!;
    const { error } = decodeError(jpeg.slice(0, sos.at + 2 + sos.length + 40), 'cut-data.jpg');
    expect(error).toBeInstanceOf(DecodeError);
    expect(error!.message).toBe('truncated or corrupt JPEG: the file ends before its end-of-image marker: it is cut short');
  });

  it('PNGs cut before IEND, with a zero height, or with rows missing fail with a named cause', () => {
    const png = pngSeeds()[0].bytes;
    const chunks = pngChunks(png);
    const iend = chunks.find((c) => c.type === 'IEND')!;
    expect(decodeError(png.slice(0, iend.at), 'no-iend.png').error?.message).toMatch(/ends before its IEND chunk/);
    const flat = png.slice();
    writeUint(flat, chunks[0].at + 12, 4, 0, false);
    fixPngCrc(flat, chunks[0]);
    expect(decodeError(flat, 'flat.png').error?.message).toMatch(/image size 40 x 0/);
    const tall = png.slice();
    writeUint(tall, chunks[0].at + 12, 4, 2000, false);
    fixPngCrc(tall, chunks[0]);
    expect(decodeError(tall, 'tall.png').error?.message).toMatch(/image data ends before the last row/);
  });
});

describe('luxfuse group over damaged files', () => {
  it('exits 0, lists each file with an unreadable header in errors with a message, and still groups the good ones', async () => {
    const folder = join(dir, 'shoot');
    mkdirSync(folder);
    const good = writeBracket(folder, { width: 64, height: 48, prefix: 'good' });
    const r = rng(SEED);
    const jpeg = encodeJpeg({ width: W, height: H, data: rgba(41) }, { exif });
    const bad: Record<string, Uint8Array> = {
      'empty.jpg': new Uint8Array(0),
      'header-cut.jpg': truncate(jpeg, 3),
      'garbage.tif': flipBits(new Uint8Array(600).fill(0x5a), r, 40),
      'not-a-png.png': new TextEncoder().encode('this is not an image at all'),
      'exr-cut.exr': truncate(exrSeeds()[0].bytes, 20),
      'tiff-ifd-past-end.tif': (() => {
        const t = tiffSeeds()[0].bytes.slice();
        writeUint(t, 4, 4, t.length + 100, true);
        return t;
      })(),
    };
    // Pixel-data damage a header scan cannot see: such files may be listed or grouped, but must not break the run.
    const damaged = [...makeCases('jpeg', jpegSeeds(), 20, SEED + 1), ...makeCases('tiff', tiffSeeds(), 20, SEED + 2)];
    for (const [name, bytes] of Object.entries(bad)) writeFileSync(join(folder, name), bytes);
    for (const c of damaged) writeFileSync(join(folder, `${c.id}.${c.ext}`), c.bytes);

    let out = '';
    let err = '';
    const code = await runCli(['group', '--json', folder], { out: (t) => (out += t), err: (t) => (err += t) });
    expect(err).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(out) as { groups: { files: string[] }[]; ungrouped: string[]; errors: { file: string; message: string }[] };
    for (const name of Object.keys(bad)) {
      const e = result.errors.find((x) => x.file === join(folder, name));
      expect(e, name).toBeDefined();
      expect(e!.message).toContain(join(folder, name));
    }
    expect(result.groups.some((g) => g.files.join() === good.join())).toBe(true);
    const listed = new Set([...result.groups.flatMap((g) => g.files), ...result.ungrouped, ...result.errors.map((e) => e.file)]);
    expect(listed.size).toBe(good.length + Object.keys(bad).length + damaged.length);
  });
});

describe('scanning awkward folders', () => {
  it('lists 5,000 non-image files quickly and reports none of them as errors', async () => {
    const folder = join(dir, 'documents');
    mkdirSync(folder);
    for (let i = 0; i < 5000; i++) writeFileSync(join(folder, `note-${i}.${['txt', 'pdf', 'xmp', 'json', ''][i % 5]}`), 'x');
    writeBracket(folder, { width: 32, height: 24 });
    const t0 = performance.now();
    const scan = await listImageFiles([folder]);
    const ms = performance.now() - t0;
    expect(scan.files).toHaveLength(3);
    expect(scan.errors).toEqual([]);
    expect(ms).toBeLessThan(2000);
  });

  it('does not loop on a symlink cycle under --recursive', async () => {
    const folder = join(dir, 'loop');
    mkdirSync(join(folder, 'a', 'b'), { recursive: true });
    writeBracket(join(folder, 'a'), { width: 32, height: 24 });
    symlinkSync(folder, join(folder, 'a', 'b', 'back-to-top'));
    symlinkSync(join(folder, 'a'), join(folder, 'a', 'self'));
    const scan = await listImageFiles([folder], { recursive: true });
    expect(scan.files).toHaveLength(3);
    expect(scan.errors).toEqual([]);
  });

  it.skipIf(isRoot)('reports an unreadable file (chmod 000) in errors with "permission denied" [skipped when run as root: root reads any file]', async () => {
    const folder = join(dir, 'locked');
    mkdirSync(folder);
    const [first] = writeBracket(folder, { width: 32, height: 24 });
    chmodSync(first, 0o000);
    try {
      let out = '';
      expect(await runCli(['group', '--json', folder], { out: (t) => (out += t), err: () => {} })).toBe(0);
      const result = JSON.parse(out) as { errors: { file: string; message: string }[] };
      expect(result.errors).toEqual([{ file: first, message: expect.stringMatching(/permission denied/) }]);
    } finally {
      chmodSync(first, 0o644);
    }
  });
});

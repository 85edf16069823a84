/**
 * Baseline JPEG encoder (ITU T.81): 8-bit 4:4:4 YCbCr, the spec's example quantisation tables scaled by
 * quality as libjpeg scales them, its example Huffman tables (Annex K), and a restart marker after every
 * row of 8x8 blocks. The restart markers make each block row independent (DC prediction restarts and the
 * bit stream is byte-aligned there), so horizontal strips of an image can be encoded on different threads
 * and joined (encodeJpegStrip, joinJpeg) into the same file, byte for byte, whoever encoded which strip.
 * They cost about 2.5 bytes a row (1.3 KB on a 24 MP image) and let a reader resynchronise after a
 * damaged row.
 */
import type { Rgba8Image } from '../image/linear-image';

/** Natural (row-major) index of each zig-zag position. */
const ZIGZAG = Uint8Array.from([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29,
  22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

/** T.81 Tables K.1 and K.2 (natural order): luminance and chrominance quantisation at quality 50. */
const LUMA_Q50 = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109,
  103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_Q50 = [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99];
while (CHROMA_Q50.length < 64) CHROMA_Q50.push(99);

/** A Huffman table as DHT stores it: code counts per length 1..16, then the symbols in code order. */
interface HuffmanSpec {
  counts: number[];
  symbols: number[];
}

const hexBytes = (s: string): number[] => Array.from({ length: s.length / 2 }, (_, i) => parseInt(s.slice(2 * i, 2 * i + 2), 16));
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/** T.81 Tables K.3 to K.6. */
const DC_LUMA: HuffmanSpec = { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: DC_SYMBOLS };
const DC_CHROMA: HuffmanSpec = { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: DC_SYMBOLS };
const AC_LUMA: HuffmanSpec = {
  counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  symbols: hexBytes(
    '01020300041105122131410613516107227114328191a1082342b1c11552d1f02433627282090a161718191a25262728292a3435363738393a434445464748494a535455565758595a' +
      '636465666768696a737475767778797a838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae1e2e3' +
      'e4e5e6e7e8e9eaf1f2f3f4f5f6f7f8f9fa',
  ),
};
const AC_CHROMA: HuffmanSpec = {
  counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  symbols: hexBytes(
    '000102031104052131061241510761711322328108144291a1b1c109233352f0156272d10a162434e125f11718191a262728292a35363738393a434445464748494a535455565758595a' +
      '636465666768696a737475767778797a82838485868788898a92939495969798999aa2a3a4a5a6a7a8a9aab2b3b4b5b6b7b8b9bac2c3c4c5c6c7c8c9cad2d3d4d5d6d7d8d9dae2e3' +
      'e4e5e6e7e8e9eaf2f3f4f5f6f7f8f9fa',
  ),
};

/** Code and length per symbol (T.81 Annex C), packed as code << 8 | length. */
function huffmanCodes(spec: HuffmanSpec): Int32Array {
  const out = new Int32Array(256);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < spec.counts[len - 1]; i++) out[spec.symbols[k++]] = (code++ << 8) | len;
    code <<= 1;
  }
  return out;
}

/** The quantisation table for quality 1..100 (natural order), as libjpeg's jpeg_quality_scaling and set_quality do. */
export function jpegQuantTable(base: readonly number[], quality: number): Uint8Array {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return Uint8Array.from(base, (b) => Math.min(255, Math.max(1, Math.floor((b * scale + 50) / 100))));
}

/** AAN's per-frequency scale factors (the float DCT's outputs are these times 8 too big). */
const AAN = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

/** 1 / (q * scale) in natural order: the DCT's output times this is the quantised coefficient before rounding. */
function divisors(q: Uint8Array): Float32Array {
  const out = new Float32Array(64);
  for (let i = 0; i < 64; i++) out[i] = 1 / (q[i] * AAN[i >> 3] * AAN[i & 7] * 8);
  return out;
}

interface Tables {
  quality: number;
  qLuma: Uint8Array;
  qChroma: Uint8Array;
  divLuma: Float32Array;
  divChroma: Float32Array;
  dcLuma: Int32Array;
  dcChroma: Int32Array;
  acLuma: Int32Array;
  acChroma: Int32Array;
}

let cached: Tables | null = null;

function tables(quality: number): Tables {
  if (cached?.quality === quality) return cached;
  const qLuma = jpegQuantTable(LUMA_Q50, quality);
  const qChroma = jpegQuantTable(CHROMA_Q50, quality);
  cached = {
    quality,
    qLuma,
    qChroma,
    divLuma: divisors(qLuma),
    divChroma: divisors(qChroma),
    dcLuma: huffmanCodes(DC_LUMA),
    dcChroma: huffmanCodes(DC_CHROMA),
    acLuma: huffmanCodes(AC_LUMA),
    acChroma: huffmanCodes(AC_CHROMA),
  };
  return cached;
}

function checkQuality(quality: number): void {
  if (!(quality >= 1 && quality <= 100)) throw new RangeError(`JPEG quality must be 1..100, got ${quality}`);
}

/** Throws RangeError unless the image's data is its width x height RGBA bytes. */
export function checkRgba(img: Rgba8Image): void {
  const want = img.width * img.height * 4;
  if (img.data.length !== want) throw new RangeError(`RGBA data holds ${img.data.length} bytes, expected ${want}`);
}

/** Throws RangeError unless a baseline JPEG can hold this size at this quality. */
export function checkJpegArgs(width: number, height: number, quality: number): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0 || width > 65535 || height > 65535) {
    throw new RangeError(`JPEG size must be 1..65535 pixels each way, got ${width}x${height}`);
  }
  checkQuality(quality);
}

/** An entropy-coded byte stream with 0xFF stuffing and restart markers. */
class BitWriter {
  bytes: Uint8Array;
  at = 0;
  private acc = 0;
  private bits = 0;

  constructor(capacity: number) {
    this.bytes = new Uint8Array(Math.max(4096, capacity));
  }

  /** Room for `extra` more bytes (grows by doubling). */
  reserve(extra: number): void {
    if (this.at + extra <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.at + extra));
    grown.set(this.bytes.subarray(0, this.at));
    this.bytes = grown;
  }

  /** Appends the low `len` bits of `value` (len <= 16). */
  put(value: number, len: number): void {
    const acc = (this.acc << len) | (value & ((1 << len) - 1));
    let bits = this.bits + len;
    const out = this.bytes;
    while (bits >= 8) {
      bits -= 8;
      const b = (acc >>> bits) & 255;
      out[this.at++] = b;
      if (b === 255) out[this.at++] = 0;
    }
    this.acc = acc & ((1 << bits) - 1);
    this.bits = bits;
  }

  /** Pads the last byte with 1 bits (T.81 F.1.2.3) so a marker can follow. */
  align(): void {
    if (this.bits > 0) this.put(0x7f, 8 - this.bits);
  }

  marker(code: number): void {
    this.bytes[this.at++] = 0xff;
    this.bytes[this.at++] = code;
  }
}

/** One 8-point AAN forward DCT over b[o], b[o + s], ..., b[o + 7s], in place (libjpeg's jfdctflt butterflies). */
function fdct8(b: Float64Array, o: number, s: number): void {
  const d0 = b[o];
  const d1 = b[o + s];
  const d2 = b[o + 2 * s];
  const d3 = b[o + 3 * s];
  const d4 = b[o + 4 * s];
  const d5 = b[o + 5 * s];
  const d6 = b[o + 6 * s];
  const d7 = b[o + 7 * s];
  const t0 = d0 + d7;
  const t7 = d0 - d7;
  const t1 = d1 + d6;
  const t6 = d1 - d6;
  const t2 = d2 + d5;
  const t5 = d2 - d5;
  const t3 = d3 + d4;
  const t4 = d3 - d4;
  // Even part.
  const t10 = t0 + t3;
  const t13 = t0 - t3;
  const t11 = t1 + t2;
  const t12 = t1 - t2;
  b[o] = t10 + t11;
  b[o + 4 * s] = t10 - t11;
  const z1 = (t12 + t13) * 0.707106781;
  b[o + 2 * s] = t13 + z1;
  b[o + 6 * s] = t13 - z1;
  // Odd part.
  const s10 = t4 + t5;
  const s11 = t5 + t6;
  const s12 = t6 + t7;
  const z5 = (s10 - s12) * 0.382683433;
  const z2 = 0.5411961 * s10 + z5;
  const z4 = 1.306562965 * s12 + z5;
  const z3 = s11 * 0.707106781;
  const z11 = t7 + z3;
  const z13 = t7 - z3;
  b[o + 5 * s] = z13 + z2;
  b[o + 3 * s] = z13 - z2;
  b[o + s] = z11 + z4;
  b[o + 7 * s] = z11 - z4;
}

/**
 * Forward DCT of the 8x8 block at plane[o] (rows `stride` apart), in place: rows, then columns. Quantises
 * with `div` into `out` in zig-zag order (rounded to nearest, halves up: no branch to mispredict); `at[k]`
 * is the plane offset of zig-zag position k from o (zigzagOffsets).
 */
function dctQuantise(plane: Float64Array, o: number, stride: number, div: Float32Array, at: Int32Array, out: Int32Array): void {
  for (let r = 0, ro = o; r < 8; r++, ro += stride) fdct8(plane, ro, 1);
  for (let c = 0; c < 8; c++) fdct8(plane, o + c, stride);
  for (let k = 0; k < 64; k++) out[k] = Math.round(plane[o + at[k]] * div[ZIGZAG[k]]);
}

/** Offsets in a plane `stride` wide of each zig-zag position of a block. */
function zigzagOffsets(stride: number): Int32Array {
  return Int32Array.from(ZIGZAG, (n) => (n >> 3) * stride + (n & 7));
}

/** Huffman-codes one quantised block (zig-zag order); returns its DC value, the next block's predictor. */
function codeBlock(w: BitWriter, q: Int32Array, prevDc: number, dc: Int32Array, ac: Int32Array): number {
  const diff = q[0] - prevDc;
  const mag = diff < 0 ? -diff : diff;
  const cat = mag === 0 ? 0 : 32 - Math.clz32(mag);
  const c = dc[cat];
  w.put(c >>> 8, c & 255);
  if (cat) w.put(diff < 0 ? diff - 1 : diff, cat);
  let run = 0;
  for (let k = 1; k < 64; k++) {
    const v = q[k];
    if (v === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      const zrl = ac[0xf0];
      w.put(zrl >>> 8, zrl & 255);
      run -= 16;
    }
    const m = v < 0 ? -v : v;
    const size = 32 - Math.clz32(m);
    const code = ac[(run << 4) | size];
    w.put(code >>> 8, code & 255);
    w.put(v < 0 ? v - 1 : v, size);
    run = 0;
  }
  if (run > 0) {
    const eob = ac[0];
    w.put(eob >>> 8, eob & 255);
  }
  return q[0];
}

/** Block rows of an image `height` pixels tall. */
export function jpegBlockRows(height: number): number {
  return Math.ceil(height / 8);
}

/**
 * The entropy-coded data of a horizontal strip: `strip` holds image rows 8 * firstBlockRow onwards (a
 * whole number of block rows, except the image's last strip), `totalBlockRows` is the whole image's. A
 * restart marker follows every block row but the image's last, numbered from the row's index in the
 * image, so strips concatenate in order into one scan (joinJpeg).
 */
export function encodeJpegStrip(strip: Rgba8Image, quality: number, firstBlockRow: number, totalBlockRows: number): Uint8Array {
  checkQuality(quality);
  const { width, height, data } = strip;
  const rows = jpegBlockRows(height);
  const last = firstBlockRow + rows === totalBlockRows;
  if (firstBlockRow + rows > totalBlockRows) throw new RangeError(`strip rows ${firstBlockRow}..${firstBlockRow + rows} run past the image's ${totalBlockRows}`);
  if (!last && height % 8 !== 0) throw new RangeError(`a JPEG strip that does not end the image must be a multiple of 8 rows, got ${height}`);
  checkRgba(strip);
  const t = tables(quality);
  const cols = Math.ceil(width / 8);
  const pw = cols * 8;
  // One block row of each plane, edges replicated to whole blocks; the DCT works on them in place.
  const yP = new Float64Array(8 * pw);
  const cbP = new Float64Array(8 * pw);
  const crP = new Float64Array(8 * pw);
  const at = zigzagOffsets(pw);
  const q = new Int32Array(64);
  const w = new BitWriter(width * height + 1024);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < 8; j++) {
      const sy = Math.min(r * 8 + j, height - 1);
      const s0 = sy * width * 4;
      const o0 = j * pw;
      for (let x = 0; x < pw; x++) {
        const s = s0 + (x < width ? x : width - 1) * 4;
        const R = data[s];
        const G = data[s + 1];
        const B = data[s + 2];
        yP[o0 + x] = 0.299 * R + 0.587 * G + 0.114 * B - 128;
        cbP[o0 + x] = -0.168735892 * R - 0.331264108 * G + 0.5 * B;
        crP[o0 + x] = 0.5 * R - 0.418687589 * G - 0.081312411 * B;
      }
    }
    // A block row's worst case: a block codes in at most 64 x (16 + 11) bits = 216 bytes, 432 if every byte
    // were 0xFF and stuffed; three blocks per column, then the padding byte and a marker.
    w.reserve(cols * 3 * 432 + 8);
    let dcY = 0;
    let dcCb = 0;
    let dcCr = 0;
    for (let x0 = 0; x0 < pw; x0 += 8) {
      dctQuantise(yP, x0, pw, t.divLuma, at, q);
      dcY = codeBlock(w, q, dcY, t.dcLuma, t.acLuma);
      dctQuantise(cbP, x0, pw, t.divChroma, at, q);
      dcCb = codeBlock(w, q, dcCb, t.dcChroma, t.acChroma);
      dctQuantise(crP, x0, pw, t.divChroma, at, q);
      dcCr = codeBlock(w, q, dcCr, t.dcChroma, t.acChroma);
    }
    w.align();
    const index = firstBlockRow + r;
    if (index < totalBlockRows - 1) w.marker(0xd0 + (index & 7));
  }
  return w.bytes.slice(0, w.at);
}

function segment(marker: number, body: readonly number[] | Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  out.set([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 255]);
  out.set(body, 4);
  return out;
}

export interface JpegHeaderOptions {
  width: number;
  height: number;
  quality: number;
  /** An Exif APP1 body (from exifApp1Segment), written straight after SOI in place of JFIF's APP0. */
  exif?: Uint8Array | null;
  /** APP2 ICC_PROFILE segments, marker included, after the APP0 or APP1. */
  icc?: readonly Uint8Array[];
}

/** Everything before the entropy-coded data: SOI, APP0 (JFIF) or APP1 (Exif), APP2 (ICC), DQT, SOF0, DHT, DRI, SOS. */
export function jpegHeader(opts: JpegHeaderOptions): Uint8Array {
  const { width, height, quality } = opts;
  checkJpegArgs(width, height, quality);
  const t = tables(quality);
  const parts: Uint8Array[] = [new Uint8Array([0xff, 0xd8])];
  if (opts.exif) {
    if (opts.exif.length > 65533) throw new RangeError(`EXIF block of ${opts.exif.length} bytes does not fit one APP1 segment`);
    parts.push(segment(0xe1, opts.exif));
  } else {
    // JFIF 1.01, no units, 1:1 aspect, no thumbnail.
    parts.push(segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]));
  }
  parts.push(...(opts.icc ?? []));
  const dqt: number[] = [0];
  for (let k = 0; k < 64; k++) dqt.push(t.qLuma[ZIGZAG[k]]);
  dqt.push(1);
  for (let k = 0; k < 64; k++) dqt.push(t.qChroma[ZIGZAG[k]]);
  parts.push(segment(0xdb, dqt));
  // Baseline, 8 bits, three components at full resolution: Y with table 0, Cb and Cr with table 1.
  parts.push(segment(0xc0, [8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1]));
  const dht: number[] = [];
  for (const [id, spec] of [
    [0x00, DC_LUMA],
    [0x10, AC_LUMA],
    [0x01, DC_CHROMA],
    [0x11, AC_CHROMA],
  ] as const) {
    dht.push(id, ...spec.counts, ...spec.symbols);
  }
  parts.push(segment(0xc4, dht));
  const interval = Math.ceil(width / 8);
  parts.push(segment(0xdd, [interval >> 8, interval & 255]));
  parts.push(segment(0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]));
  return concat(parts);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The file: header, the strips' data in image order, EOI. */
export function joinJpeg(header: Uint8Array, strips: readonly Uint8Array[]): Uint8Array {
  return concat([header, ...strips, new Uint8Array([0xff, 0xd9])]);
}

/**
 * Block rows per strip when an image is cut for several encoders: about `parts` strips, none under 16
 * block rows (smaller ones cost more in hand-over than they save).
 */
export function jpegStripRows(height: number, parts: number): number {
  const rows = jpegBlockRows(height);
  return Math.max(16, Math.ceil(rows / Math.max(1, parts)));
}

/** Rows [8 * firstBlockRow, 8 * (firstBlockRow + blockRows)) of an RGBA image as a strip sharing its memory. */
export function jpegStripView(img: Rgba8Image, firstBlockRow: number, blockRows: number): Rgba8Image {
  const y0 = firstBlockRow * 8;
  const y1 = Math.min(img.height, (firstBlockRow + blockRows) * 8);
  return { width: img.width, height: y1 - y0, data: img.data.subarray(y0 * img.width * 4, y1 * img.width * 4) };
}

/**
 * Encodes strips of `image` (stripRows block rows each, in image order) as long as unclaimed ones remain,
 * claiming each with an atomic add on claim[0]: the threads sharing one image and one counter encode every
 * strip exactly once between them. Returns [strip index, data] for the strips this caller encoded.
 */
export function claimJpegStrips(image: Rgba8Image, quality: number, stripRows: number, claim: Int32Array): Array<[number, Uint8Array]> {
  const total = jpegBlockRows(image.height);
  const strips = Math.ceil(total / stripRows);
  const done: Array<[number, Uint8Array]> = [];
  for (let i = Atomics.add(claim, 0, 1); i < strips; i = Atomics.add(claim, 0, 1)) {
    const first = i * stripRows;
    done.push([i, encodeJpegStrip(jpegStripView(image, first, Math.min(stripRows, total - first)), quality, first, total)]);
  }
  return done;
}

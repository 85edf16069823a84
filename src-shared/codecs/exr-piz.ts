/**
 * OpenEXR PIZ block coding, written from the format as OpenEXR's internal_piz.c defines it: the block's
 * 16-bit words regrouped channel by channel, a bitmap of the values used, those values renumbered densely
 * (forward LUT), a 2D Haar wavelet over each channel (the 14-bit form when the renumbered values fit, the
 * modulo 16-bit form otherwise), then OpenEXR's Huffman coder. Layout of a block:
 * u16 minNonZero, u16 maxNonZero, bitmap bytes minNonZero..maxNonZero, u32 Huffman length, Huffman data.
 */
import { hufCompress, hufDecompress } from './exr-huf';

const BITMAP_SIZE = 8192; // one bit per 16-bit value

// Results of the wavelet butterflies, kept in module variables so the inner loops allocate nothing.
let outL = 0;
let outH = 0;

const int16 = (v: number): number => (v << 16) >> 16;

function enc14(a: number, b: number): void {
  const as = int16(a);
  const bs = int16(b);
  outL = ((as + bs) >> 1) & 0xffff;
  outH = (as - bs) & 0xffff;
}

function dec14(l: number, h: number): void {
  const hs = int16(h);
  const ai = int16(l) + (hs & 1) + (hs >> 1);
  outL = ai & 0xffff; // a
  outH = (ai - hs) & 0xffff; // b
}

function enc16(a: number, b: number): void {
  const ao = (a + 0x8000) & 0xffff;
  let m = (ao + b) >> 1;
  const d = ao - b;
  if (d < 0) m = (m + 0x8000) & 0xffff;
  outL = m;
  outH = d & 0xffff;
}

function dec16(l: number, h: number): void {
  const b = (l - (h >> 1)) & 0xffff;
  outL = (h + b - 0x8000) & 0xffff; // a
  outH = b;
}

/** Forward 2D wavelet in place over nx by ny words at buf[start + x*ox + y*oy]. */
function waveletEncode(buf: Uint16Array, start: number, nx: number, ox: number, ny: number, oy: number, maxValue: number): void {
  const enc = maxValue < 1 << 14 ? enc14 : enc16;
  const n = Math.min(nx, ny);
  for (let p = 1, p2 = 2; p2 <= n; p = p2, p2 <<= 1) {
    const ey = start + oy * (ny - p2);
    const [oy1, oy2, ox1, ox2] = [oy * p, oy * p2, ox * p, ox * p2];
    let py = start;
    for (; py <= ey; py += oy2) {
      const ex = py + ox * (nx - p2);
      let px = py;
      for (; px <= ex; px += ox2) {
        const p01 = px + ox1;
        const p10 = px + oy1;
        const p11 = p10 + ox1;
        enc(buf[px], buf[p01]);
        const i00 = outL;
        const i01 = outH;
        enc(buf[p10], buf[p11]);
        const i10 = outL;
        const i11 = outH;
        enc(i00, i10);
        buf[px] = outL;
        buf[p10] = outH;
        enc(i01, i11);
        buf[p01] = outL;
        buf[p11] = outH;
      }
      if (nx & p) {
        // Odd column: 1D in y.
        const p10 = px + oy1;
        enc(buf[px], buf[p10]);
        buf[px] = outL;
        buf[p10] = outH;
      }
    }
    if (ny & p) {
      // Odd line: 1D in x.
      const ex = py + ox * (nx - p2);
      for (let px = py; px <= ex; px += ox2) {
        const p01 = px + ox1;
        enc(buf[px], buf[p01]);
        buf[px] = outL;
        buf[p01] = outH;
      }
    }
  }
}

/** Inverse of waveletEncode. */
function waveletDecode(buf: Uint16Array, start: number, nx: number, ox: number, ny: number, oy: number, maxValue: number): void {
  const dec = maxValue < 1 << 14 ? dec14 : dec16;
  const n = Math.min(nx, ny);
  let p = 1;
  while (p <= n) p <<= 1;
  p >>= 1;
  let p2 = p;
  p >>= 1;
  for (; p >= 1; p2 = p, p >>= 1) {
    const ey = start + oy * (ny - p2);
    const [oy1, oy2, ox1, ox2] = [oy * p, oy * p2, ox * p, ox * p2];
    let py = start;
    for (; py <= ey; py += oy2) {
      const ex = py + ox * (nx - p2);
      let px = py;
      for (; px <= ex; px += ox2) {
        const p01 = px + ox1;
        const p10 = px + oy1;
        const p11 = p10 + ox1;
        dec(buf[px], buf[p10]);
        const i00 = outL;
        const i10 = outH;
        dec(buf[p01], buf[p11]);
        const i01 = outL;
        const i11 = outH;
        dec(i00, i01);
        buf[px] = outL;
        buf[p01] = outH;
        dec(i10, i11);
        buf[p10] = outL;
        buf[p11] = outH;
      }
      if (nx & p) {
        const p10 = px + oy1;
        dec(buf[px], buf[p10]);
        buf[px] = outL;
        buf[p10] = outH;
      }
    }
    if (ny & p) {
      const ex = py + ox * (nx - p2);
      for (let px = py; px <= ex; px += ox2) {
        const p01 = px + ox1;
        dec(buf[px], buf[p01]);
        buf[px] = outL;
        buf[p01] = outH;
      }
    }
  }
}

/** Where each channel's words start in the channel-major layout, and the words per sample (1 half, 2 float/uint). */
function planes(width: number, lines: number, channelBytes: readonly number[]): { starts: number[]; wc: number[]; words: number } {
  const starts: number[] = [];
  const wc = channelBytes.map((b) => b >> 1);
  let words = 0;
  for (const w of wc) {
    starts.push(words);
    words += width * lines * w;
  }
  return { starts, wc, words };
}

/**
 * Compresses one block: `raw` holds `lines` scanlines, each the channels in file order with `width` samples
 * of channelBytes[c] bytes, little-endian. Returns the PIZ data, or a copy of raw when that is not smaller
 * (readers tell the two apart by size, as OpenEXR does).
 */
export function pizCompressBlock(raw: Uint8Array, width: number, lines: number, channelBytes: readonly number[]): Uint8Array {
  const { starts, wc, words } = planes(width, lines, channelBytes);
  if (words * 2 !== raw.length) throw new RangeError(`PIZ block of ${raw.length} bytes, expected ${words * 2}`);
  const buf = new Uint16Array(words);
  let at = 0;
  for (let y = 0; y < lines; y++) {
    for (let c = 0; c < wc.length; c++) {
      const rowWords = width * wc[c];
      let o = starts[c] + y * rowWords;
      for (let k = 0; k < rowWords; k++, at += 2) buf[o++] = raw[at] | (raw[at + 1] << 8);
    }
  }

  const bitmap = new Uint8Array(BITMAP_SIZE);
  for (let i = 0; i < words; i++) bitmap[buf[i] >> 3] |= 1 << (buf[i] & 7);
  bitmap[0] &= ~1; // zero is implied, never stored
  let minNonZero = BITMAP_SIZE - 1;
  let maxNonZero = 0;
  for (let i = 0; i < BITMAP_SIZE; i++) {
    if (bitmap[i]) {
      minNonZero = Math.min(minNonZero, i);
      maxNonZero = i;
    }
  }
  const lut = new Uint16Array(65536);
  let k = 0;
  for (let v = 0; v < 65536; v++) if (v === 0 || bitmap[v >> 3] & (1 << (v & 7))) lut[v] = k++;
  const maxValue = k - 1;
  for (let i = 0; i < words; i++) buf[i] = lut[buf[i]];

  for (let c = 0; c < wc.length; c++) {
    for (let j = 0; j < wc[c]; j++) waveletEncode(buf, starts[c] + j, width, wc[c], lines, wc[c] * width, maxValue);
  }
  const huf = hufCompress(buf);

  const bitmapBytes = minNonZero <= maxNonZero ? maxNonZero - minNonZero + 1 : 0;
  const size = 4 + bitmapBytes + 4 + huf.length;
  if (size >= raw.length) return raw.slice();
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint16(0, minNonZero, true);
  view.setUint16(2, maxNonZero, true);
  out.set(bitmap.subarray(minNonZero, minNonZero + bitmapBytes), 4);
  view.setUint32(4 + bitmapBytes, huf.length, true);
  out.set(huf, 8 + bitmapBytes);
  return out;
}

/** Expands one PIZ block into out[0..expected) in scanline layout. Throws a plain Error on corrupt data. */
export function pizDecompressBlock(packed: Uint8Array, out: Uint8Array, width: number, lines: number, channelBytes: readonly number[]): void {
  const { starts, wc, words } = planes(width, lines, channelBytes);
  if (out.length < words * 2) throw new RangeError('PIZ output buffer too small');
  if (packed.length < 4) throw new Error('PIZ block too short');
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const minNonZero = view.getUint16(0, true);
  const maxNonZero = view.getUint16(2, true);
  if (maxNonZero >= BITMAP_SIZE) throw new Error('PIZ bitmap out of range');
  const bitmap = new Uint8Array(BITMAP_SIZE);
  let at = 4;
  if (minNonZero <= maxNonZero) {
    const n = maxNonZero - minNonZero + 1;
    if (at + n > packed.length) throw new Error('PIZ bitmap runs past the block');
    bitmap.set(packed.subarray(at, at + n), minNonZero);
    at += n;
  }
  const lut = new Uint16Array(65536);
  let k = 0;
  for (let v = 0; v < 65536; v++) if (v === 0 || bitmap[v >> 3] & (1 << (v & 7))) lut[k++] = v;
  const maxValue = k - 1;

  if (at + 4 > packed.length) throw new Error('PIZ block too short');
  const hufLength = view.getUint32(at, true);
  at += 4;
  if (at + hufLength > packed.length) throw new Error('PIZ Huffman data runs past the block');
  const buf = new Uint16Array(words);
  hufDecompress(packed.subarray(at, at + hufLength), buf);

  for (let c = 0; c < wc.length; c++) {
    for (let j = 0; j < wc[c]; j++) waveletDecode(buf, starts[c] + j, width, wc[c], lines, wc[c] * width, maxValue);
  }
  for (let i = 0; i < words; i++) buf[i] = lut[buf[i]];

  let o = 0;
  for (let y = 0; y < lines; y++) {
    for (let c = 0; c < wc.length; c++) {
      const rowWords = width * wc[c];
      let s = starts[c] + y * rowWords;
      for (let w = 0; w < rowWords; w++, o += 2) {
        const v = buf[s++];
        out[o] = v & 0xff;
        out[o + 1] = v >> 8;
      }
    }
  }
}

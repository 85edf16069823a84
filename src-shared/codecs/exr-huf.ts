/**
 * OpenEXR's Huffman coder for 16-bit symbols (the entropy stage of PIZ), written from the format as
 * OpenEXR's internal_huf.c defines it: a 20-byte header (im, iM, table length, bit count, 0), code lengths
 * of symbols im..iM packed as 6-bit values with zero-run codes, then MSB-first codes. Symbol iM is a
 * pseudo-symbol meaning "repeat the previous value n times" (n in the next 8 bits). Canonical codes follow
 * OpenEXR's rule: among lengths, shorter codes are numerically higher; within a length, codes rise with the symbol.
 */

const ENC_SIZE = 65537; // every 16-bit value plus the run pseudo-symbol
const SHORT_ZEROCODE_RUN = 59;
const LONG_ZEROCODE_RUN = 63;
const SHORTEST_LONG_RUN = 2 + LONG_ZEROCODE_RUN - SHORT_ZEROCODE_RUN;
const LONGEST_LONG_RUN = 255 + SHORTEST_LONG_RUN;
/** Longest code OpenEXR's decoders accept. */
const MAX_CODE_LENGTH = 58;
/** Widest primary decoding table: codes up to this long decode with one lookup. */
const MAX_TABLE_BITS = 16;

/** MSB-first bit writer into a buffer sized up front; holds fewer than 8 pending bits between calls. */
class BitWriter {
  readonly bytes: Uint8Array;
  at = 0;
  private acc = 0;
  private n = 0;
  constructor(capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  /** Appends the low `count` bits of `value` (count up to 58; values above 2^32 are plain numbers). */
  bits(count: number, value: number): void {
    if (count > 24) {
      this.bits(count - 24, Math.floor(value / 0x1000000));
      this.bits(24, value % 0x1000000);
      return;
    }
    let acc = ((this.acc << count) | value) >>> 0; // acc < 2^8 before, so at most 32 bits here
    let n = this.n + count;
    while (n >= 8) {
      n -= 8;
      this.bytes[this.at++] = acc >>> n;
    }
    acc &= (1 << n) - 1;
    this.acc = acc;
    this.n = n;
  }
  /** The fewer than 8 bits not yet written, for callers that write bits themselves. */
  getPending(): [number, number] {
    return [this.acc, this.n];
  }
  setPending(acc: number, n: number): void {
    this.acc = acc;
    this.n = n;
  }
  /** Pads the last byte with zero bits; returns the number of bits written before padding. */
  finish(): number {
    const total = this.at * 8 + this.n;
    if (this.n > 0) this.bits(8 - this.n, 0);
    return total;
  }
}

/** Code lengths for the symbol counts (an ordinary Huffman tree; ties broken by symbol for reproducible output). */
function codeLengths(freq: Float64Array, used: number[]): Uint8Array {
  const lengths = new Uint8Array(ENC_SIZE);
  if (used.length === 1) {
    lengths[used[0]] = 1; // cannot happen (the run symbol is always there); kept for safety
    return lengths;
  }
  // Two-queue construction over leaves sorted by count (then symbol): a numeric typed-array sort of
  // count * 2^17 + symbol, exact below 2^53, and fast even with all 65537 symbols in use.
  const m = used.length;
  const keys = new Float64Array(m);
  for (let i = 0; i < m; i++) keys[i] = freq[used[i]] * 131072 + used[i];
  keys.sort();
  const leaves = new Int32Array(m);
  for (let i = 0; i < m; i++) leaves[i] = keys[i] % 131072;
  const weight = new Float64Array(2 * m - 1);
  const parent = new Int32Array(2 * m - 1);
  for (let i = 0; i < m; i++) weight[i] = freq[leaves[i]];
  let leaf = 0;
  let node = m;
  for (let next = m; next < 2 * m - 1; next++) {
    // The two lightest of the next leaf and the next internal node, twice.
    const a = leaf < m && (node >= next || weight[leaf] <= weight[node]) ? leaf++ : node++;
    const b = leaf < m && (node >= next || weight[leaf] <= weight[node]) ? leaf++ : node++;
    weight[next] = weight[a] + weight[b];
    parent[a] = parent[b] = next;
  }
  const depth = new Uint8Array(2 * m - 1);
  for (let i = 2 * m - 3; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
  for (let i = 0; i < m; i++) lengths[leaves[i]] = depth[i];
  return lengths;
}

/** OpenEXR's canonical code values from code lengths (hufCanonicalCodeTable). */
function canonicalCodes(lengths: Uint8Array, from: number, to: number): Float64Array {
  const count = new Float64Array(MAX_CODE_LENGTH + 1);
  for (let s = from; s <= to; s++) count[lengths[s]]++;
  let c = 0;
  for (let l = MAX_CODE_LENGTH; l > 0; l--) {
    const nc = Math.floor((c + count[l]) / 2);
    count[l] = c;
    c = nc;
  }
  const codes = new Float64Array(ENC_SIZE);
  for (let s = from; s <= to; s++) if (lengths[s] > 0) codes[s] = count[lengths[s]]++;
  return codes;
}

/** Huffman-codes 16-bit values in OpenEXR's format. An empty input gives an empty result. */
export function hufCompress(values: Uint16Array): Uint8Array {
  const n = values.length;
  if (n === 0) return new Uint8Array(0);
  const freq = new Float64Array(ENC_SIZE);
  for (let i = 0; i < n; i++) freq[values[i]]++;
  let im = 0;
  while (!freq[im]) im++;
  let iM = 65535;
  while (!freq[iM]) iM--;
  const rlc = ++iM; // the run pseudo-symbol, one past the largest value
  freq[rlc] = 1;
  const used: number[] = [];
  for (let s = im; s <= iM; s++) if (freq[s]) used.push(s);
  const lengths = codeLengths(freq, used);
  for (const s of used) if (lengths[s] > MAX_CODE_LENGTH) throw new RangeError('Huffman code longer than 58 bits');
  const codes = canonicalCodes(lengths, im, iM);

  // Room for the header, a table of at most 14 bits a symbol, and every value coded literally (runs only save).
  let dataBits = 0;
  for (const sym of used) if (sym !== rlc) dataBits += freq[sym] * lengths[sym];
  const w = new BitWriter(20 + Math.ceil(((iM - im + 1) * 14) / 8) + 1 + Math.ceil(dataBits / 8) + 1);
  w.at = 20;
  // Code length table, zero runs shortened.
  for (let s = im; s <= iM; s++) {
    const l = lengths[s];
    if (l === 0) {
      let run = 1;
      while (s < iM && run < LONGEST_LONG_RUN && lengths[s + 1] === 0) {
        s++;
        run++;
      }
      if (run >= SHORTEST_LONG_RUN) {
        w.bits(6, LONG_ZEROCODE_RUN);
        w.bits(8, run - SHORTEST_LONG_RUN);
        continue;
      }
      if (run >= 2) {
        w.bits(6, SHORT_ZEROCODE_RUN + run - 2);
        continue;
      }
    }
    w.bits(6, l);
  }
  w.finish();
  const tableLength = w.at - 20;
  const dataStart = w.at;

  // The values, MSB first. Codes up to 24 bits go straight into a local accumulator (fewer than 8 bits
  // pending between codes); longer ones, which need thousands of values per block to occur, through w.bits.
  const bytes = w.bytes;
  let at = w.at;
  let acc = 0;
  let pending = 0;
  const put = (len: number, code: number): void => {
    if (len > 24) {
      w.at = at;
      w.setPending(acc, pending);
      w.bits(len, code);
      at = w.at;
      [acc, pending] = w.getPending();
      return;
    }
    acc = ((acc << len) | code) >>> 0;
    pending += len;
    while (pending >= 8) {
      pending -= 8;
      bytes[at++] = acc >>> pending;
    }
    acc &= (1 << pending) - 1;
  };
  const runLength = lengths[rlc];
  const runCode = codes[rlc];
  let s = values[0];
  let repeats = 0;
  for (let i = 1; i <= n; i++) {
    if (i < n && values[i] === s && repeats < 255) {
      repeats++;
      continue;
    }
    // A value and its repeats: as a run (value, run code, 8-bit count) when that is shorter, else literally.
    const l = lengths[s];
    const c = codes[s];
    if (l + runLength + 8 < l * repeats) {
      put(l, c);
      put(runLength, runCode);
      put(8, repeats);
    } else {
      for (let k = 0; k <= repeats; k++) put(l, c);
    }
    repeats = 0;
    if (i < n) s = values[i];
  }
  w.at = at;
  w.setPending(acc, pending);
  const nBits = w.finish() - dataStart * 8;

  const out = w.bytes.subarray(0, w.at);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  [im, iM, tableLength, nBits, 0].forEach((v, k) => view.setUint32(k * 4, v, true));
  return out.slice();
}

/**
 * Decodes hufCompress output (or OpenEXR's) into out (exactly out.length values). Throws a plain Error on
 * corrupt data; the caller adds context.
 */
export function hufDecompress(bytes: Uint8Array, out: Uint16Array): void {
  const no = out.length;
  if (bytes.length < 20) {
    if (no !== 0) throw new Error('Huffman block too short');
    return;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const im = view.getUint32(0, true);
  const iM = view.getUint32(4, true);
  const nBits = view.getUint32(12, true);
  if (im > iM || iM >= ENC_SIZE) throw new Error('bad Huffman symbol range');

  // Bit reader over the whole block, MSB first.
  let pos = 20; // next byte
  let acc = 0;
  let n = 0; // bits in acc (at most 31)
  const need = (k: number): void => {
    while (n < k) {
      if (pos >= bytes.length) throw new Error('Huffman data runs past the end of the block');
      acc = ((acc << 8) | bytes[pos++]) >>> 0;
      n += 8;
    }
  };
  const read = (k: number): number => {
    need(k);
    n -= k;
    const v = (acc >>> n) & ((1 << k) - 1);
    acc &= (1 << n) - 1;
    return v;
  };

  const lengths = new Uint8Array(ENC_SIZE);
  for (let s = im; s <= iM; s++) {
    const l = read(6);
    if (l === LONG_ZEROCODE_RUN) {
      const run = read(8) + SHORTEST_LONG_RUN;
      if (s + run > iM + 1) throw new Error('Huffman table zero run past its end');
      s += run - 1;
    } else if (l >= SHORT_ZEROCODE_RUN) {
      const run = l - SHORT_ZEROCODE_RUN + 2;
      if (s + run > iM + 1) throw new Error('Huffman table zero run past its end');
      s += run - 1;
    } else lengths[s] = l;
  }
  // The code data starts on the next byte boundary.
  acc = 0;
  n = 0;
  const dataEnd = pos + Math.ceil(nBits / 8);
  if (dataEnd > bytes.length) throw new Error('Huffman data runs past the end of the block');
  const codes = canonicalCodes(lengths, im, iM);

  let maxLength = 0;
  for (let s = im; s <= iM; s++) maxLength = Math.max(maxLength, lengths[s]);
  // Primary table: for codes up to tableBits long, entry = symbol << 6 | length; 0 = a longer code (or none).
  const tableBits = Math.max(1, Math.min(maxLength, MAX_TABLE_BITS));
  const table = new Int32Array(1 << tableBits);
  // Longer codes by length: the first code of each length and its symbols in code order.
  const longFirst = new Float64Array(MAX_CODE_LENGTH + 1);
  const longSymbols: number[][] = Array.from({ length: MAX_CODE_LENGTH + 1 }, () => []);
  for (let s = im; s <= iM; s++) {
    const l = lengths[s];
    if (l === 0) continue;
    const c = codes[s];
    if (c >= 2 ** l) throw new Error('bad Huffman code table');
    if (l <= tableBits) {
      const start = c << (tableBits - l);
      const end = start + (1 << (tableBits - l));
      for (let k = start; k < end; k++) {
        if (table[k]) throw new Error('bad Huffman code table');
        table[k] = (s << 6) | l;
      }
    } else {
      if (longSymbols[l].length === 0) longFirst[l] = c;
      longSymbols[l].push(s);
    }
  }

  // acc holds the n (<= 32) unread bits; codes are read MSB first.
  const rlc = iM;
  const mask = (1 << tableBits) - 1;
  let o = 0;
  let bitsLeft = nBits;
  while (bitsLeft > 0) {
    while (n <= 24 && pos < dataEnd) {
      acc = ((acc << 8) | bytes[pos++]) >>> 0;
      n += 8;
    }
    // The next tableBits bits, zero-padded past the end of the data.
    const peek = n >= tableBits ? (acc >>> (n - tableBits)) & mask : (acc << (tableBits - n)) & mask;
    const entry = table[peek];
    let symbol: number;
    if (entry) {
      const length = entry & 63;
      if (length > bitsLeft || length > n) throw new Error('Huffman data ends inside a code');
      n -= length;
      acc = n ? acc & ((1 << n) - 1) : 0;
      bitsLeft -= length;
      symbol = entry >>> 6;
    } else {
      // A long code: try each longer length against the bits at hand (codes of one length are consecutive),
      // then, for codes longer than those bits (never seen in practice), go a bit at a time.
      symbol = -1;
      let length = tableBits + 1;
      for (; length <= maxLength && length <= n && length <= bitsLeft; length++) {
        const list = longSymbols[length];
        if (list.length === 0) continue;
        const idx = (acc >>> (n - length)) - longFirst[length];
        if (idx >= 0 && idx < list.length) {
          symbol = list[idx];
          break;
        }
      }
      if (symbol >= 0) {
        n -= length;
        acc = n ? acc & ((1 << n) - 1) : 0;
        bitsLeft -= length;
      } else {
        let code = 0;
        for (length = 1; symbol < 0; length++) {
          if (length > maxLength || bitsLeft === 0) throw new Error('invalid Huffman code');
          if (n === 0) {
            acc = bytes[pos++];
            n = 8;
          }
          n--;
          code = code * 2 + ((acc >>> n) & 1);
          acc = n ? acc & ((1 << n) - 1) : 0;
          bitsLeft--;
          if (length > tableBits) {
            const idx = code - longFirst[length];
            if (idx >= 0 && idx < longSymbols[length].length) symbol = longSymbols[length][idx];
          }
        }
      }
    }
    if (symbol === rlc) {
      if (bitsLeft < 8) throw new Error('Huffman run count missing');
      while (n < 8) {
        acc = ((acc << 8) | bytes[pos++]) >>> 0;
        n += 8;
      }
      n -= 8;
      const count = (acc >>> n) & 0xff;
      acc = n ? acc & ((1 << n) - 1) : 0;
      bitsLeft -= 8;
      if (o === 0 || o + count > no) throw new Error('Huffman run outside the block');
      out.fill(out[o - 1], o, o + count);
      o += count;
    } else {
      if (o >= no) throw new Error('Huffman data holds more values than the block');
      out[o++] = symbol;
    }
  }
  if (o !== no) throw new Error(`Huffman data holds ${o} values, expected ${no}`);
}

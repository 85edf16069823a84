/** Plans one deflate block for zlibRle: literal/run symbol counts, Huffman code lengths, and the coded tree header. */
import { canonicalCodes, huffmanLengths } from './huffman';

// Deflate length codes 257..285: base length and extra bits (RFC 1951, 3.2.5).
export const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
export const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
export const LENGTH_SYMBOL = new Uint16Array(259);
for (let code = 0; code < 29; code++) {
  const end = code < 28 ? LENGTH_BASE[code + 1] : 259;
  for (let len = LENGTH_BASE[code]; len < end; len++) LENGTH_SYMBOL[len] = code;
}
/** Order in which code-length code lengths are sent. */
export const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const MAX_RUN = 258;

export interface BlockPlan {
  start: number;
  end: number;
  litLengths: Uint8Array;
  litCodes: Uint16Array;
  /** Code-length alphabet symbols describing the trees, with their extra-bit values. */
  clSymbols: number[];
  clExtra: number[];
  clLengths: Uint8Array;
  clCodes: Uint16Array;
  hlit: number;
  hclen: number;
  bits: number;
}

/** Run length of data[i-1] repeated from i (0 when shorter than deflate's minimum match of 3). */
export function runAt(data: Uint8Array, i: number, end: number): number {
  if (i === 0) return 0;
  const b = data[i - 1];
  const max = Math.min(MAX_RUN, end - i);
  let r = 0;
  while (r < max && data[i + r] === b) r++;
  return r >= 3 ? r : 0;
}

/** Counts one block's symbols and builds its Huffman tables and table header; `bits` is its exact coded size. */
export function planBlock(data: Uint8Array, start: number, end: number): BlockPlan {
  const freq = new Uint32Array(286);
  let extraBits = 0;
  let matches = 0;
  for (let i = start; i < end; ) {
    const r = i > 0 && data[i] === data[i - 1] ? runAt(data, i, end) : 0;
    if (r) {
      const code = LENGTH_SYMBOL[r];
      freq[257 + code]++;
      extraBits += LENGTH_EXTRA[code];
      matches++;
      i += r;
    } else {
      freq[data[i++]]++;
    }
  }
  freq[256] = 1; // end of block
  const litLengths = huffmanLengths(freq, 15);
  let hlit = 286;
  while (hlit > 257 && litLengths[hlit - 1] === 0) hlit--;
  // Distances are always 1 (code 0); two one-bit codes keep the distance code complete.
  const all = [...litLengths.subarray(0, hlit), 1, 1];
  const clSymbols: number[] = [];
  const clExtra: number[] = [];
  for (let i = 0; i < all.length; ) {
    const v = all[i];
    let run = 1;
    while (i + run < all.length && all[i + run] === v) run++;
    let left = run;
    if (v === 0) {
      while (left >= 11) { const k = Math.min(left, 138); clSymbols.push(18); clExtra.push(k - 11); left -= k; }
      if (left >= 3) { clSymbols.push(17); clExtra.push(left - 3); left = 0; }
    } else {
      clSymbols.push(v); clExtra.push(0); left--;
      while (left >= 3) { const k = Math.min(left, 6); clSymbols.push(16); clExtra.push(k - 3); left -= k; }
    }
    for (; left > 0; left--) { clSymbols.push(v); clExtra.push(0); }
    i += run;
  }
  const clFreq = new Uint32Array(19);
  for (const s of clSymbols) clFreq[s]++;
  const clLengths = huffmanLengths(clFreq, 7);
  let hclen = 19;
  while (hclen > 4 && clLengths[CL_ORDER[hclen - 1]] === 0) hclen--;
  let bits = 3 + 5 + 5 + 4 + 3 * hclen + extraBits + matches; // matches: one bit each for the distance code
  for (const s of clSymbols) bits += clLengths[s] + (s === 16 ? 2 : s === 17 ? 3 : s === 18 ? 7 : 0);
  for (let s = 0; s < 286; s++) bits += freq[s] * litLengths[s];
  return {
    start, end, litLengths, litCodes: canonicalCodes(litLengths), clSymbols, clExtra,
    clLengths, clCodes: canonicalCodes(clLengths), hlit, hclen, bits,
  };
}

/**
 * Tables for a profile's tone curves in hot loops: decode tables per integer code (the frames' linearisation) and
 * encode tables over the square root of linear light (an output that keeps the frames' profile). A power curve such
 * as Adobe RGB's 1/2.2 is steep at black: sampled over linear 0..1 its first interval is 1.2 8-bit levels off at
 * worst; over sqrt(linear) the curve is nearly straight there and every interval is within 0.001 of a level.
 */
import type { ProfileTransfer } from '../codecs/icc-trc';
import type { LinearImage } from './linear-image';
import { srgb16ToLinearLut, srgb8ToLinearLut, srgbToLinear } from './srgb';
import { buildUnitTable, readTable, srgbEncodeTable } from './srgb-tables';

const encodeTables = new WeakMap<ProfileTransfer, [Float32Array, Float32Array, Float32Array]>();

/** Per channel, the encoded value at linear (i / SRGB_TABLE_SIZE)^2: read with readRootTable. Cached per transfer. */
export function transferEncodeTables(transfer: ProfileTransfer): [Float32Array, Float32Array, Float32Array] {
  let t = encodeTables.get(transfer);
  if (!t) {
    const [r, g, b] = transfer.channels.map((ch) => buildUnitTable((u) => ch.encode(u * u)));
    // Channels that share a curve (the usual case) share a table.
    const same = transfer.channels[1] === transfer.channels[0] && transfer.channels[2] === transfer.channels[0];
    t = same ? [r, r, r] : [r, g, b];
    encodeTables.set(transfer, t);
  }
  return t;
}

/** A transferEncodeTables table at linear v, clamped to 0..1 (NaN and negatives read as 0). */
export function readRootTable(t: Float32Array, v: number): number {
  return readTable(t, v > 0 ? Math.sqrt(v) : 0);
}

/** The linear value of every code 0..2^bits - 1 as the decoders read it with the sRGB curve (their own tables where they have them). */
function srgbCodes(bits: number): Float32Array {
  if (bits === 8) return srgb8ToLinearLut();
  if (bits === 16) return srgb16ToLinearLut();
  const max = 2 ** bits - 1;
  return Float32Array.from({ length: max + 1 }, (_, v) => srgbToLinear(v / max));
}

/**
 * Re-reads, in place, an integer frame the decoders linearised with the sRGB curve (sourceTransfer 'srgb') through its
 * profile's own curves: each sample goes back to its code (exactly: the decoders' values are table entries) and
 * through the channel's decode. Nothing to do for a transfer that is sRGB's, or for float or linear frames.
 */
export function relinearise(img: LinearImage, transfer: ProfileTransfer): void {
  const bits = img.meta.sourceBits ?? 0;
  if (transfer.srgb || img.meta.sourceTransfer !== 'srgb' || !(bits >= 1 && bits <= 16)) return;
  const max = 2 ** bits - 1;
  const codes = srgbCodes(bits);
  const decoded = transfer.channels.map((ch) => Float32Array.from({ length: max + 1 }, (_, k) => ch.decode(k / max)));
  const enc = srgbEncodeTable();
  const read = readTable;
  const { data, channels: ch } = img;
  const used = Math.min(ch, 3); // alpha, in a 4th channel, stays
  for (let c = 0; c < used; c++) {
    const table = decoded[c];
    for (let i = c; i < data.length; i += ch) {
      const v = data[i];
      // The encode table is within a third of a 16-bit code of the curve: its rounding is the code, or one step off.
      let k = Math.round(read(enc, v) * max);
      if (codes[k] !== v) k = nearestCode(codes, v, k, max);
      data[i] = table[k];
    }
  }
}

/** The code whose sRGB value is nearest v, from a guess at most one step off (a value no decoder made, or a rounding). */
function nearestCode(codes: Float32Array, v: number, k: number, max: number): number {
  if (k < max && Math.abs(codes[k + 1] - v) < Math.abs(codes[k] - v)) return k + 1;
  if (k > 0 && Math.abs(codes[k - 1] - v) < Math.abs(codes[k] - v)) return k - 1;
  return k;
}

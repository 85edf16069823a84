/**
 * The tone reproduction curves (rTRC, gTRC, bTRC) of a matrix/TRC ICC profile, both ways: encoded value (0..1) ->
 * linear light, and its inverse. 'curv' (ICC.1:2010 10.6: identity, a u8Fixed8 gamma, or a table of u16 values) and
 * 'para' (10.18, function types 0-4). Adobe RGB's 563/256 power puts its code 10/255 at 0.00081 linear where the
 * sRGB curve reads 0.0030: frames are linearised with their own curve, and kept-profile outputs encoded with it.
 */
import { linearToSrgb, srgbToLinear } from '../image/srgb';

/** One channel's curve, as the profile states it. */
export type TrcCurve =
  /** The sRGB curve: a profile without usable curves falls back to it, and one within half a level of it is read as it. */
  | { kind: 'srgb' }
  /** 'curv' with one entry (a u8Fixed8 power), or no entry (power 1). */
  | { kind: 'gamma'; gamma: number }
  /** 'para': function type 0..4 with its 1, 3, 4, 5 or 7 parameters (g, a, b, c, d, e, f). */
  | { kind: 'parametric'; type: 0 | 1 | 2 | 3 | 4; params: number[] }
  /** 'curv' with n > 1 entries: linear values (0..1) at encoded values i / (n - 1). */
  | { kind: 'table'; table: Float64Array };

export interface ChannelTransfer {
  curve: TrcCurve;
  /** Encoded value (clamped to 0..1) -> linear light. */
  decode(v: number): number;
  /** Linear light -> encoded value in 0..1: the inverse of decode (numerical, monotone, for a table). */
  encode(v: number): number;
}

export interface ProfileTransfer {
  /** R, G, B. */
  channels: [ChannelTransfer, ChannelTransfer, ChannelTransfer];
  /** Every channel is the sRGB curve, or within half an 8-bit level of it: the decoders' sRGB reading stands. */
  srgb: boolean;
  /** Why the profile's curves were not used (missing, unreadable, not increasing): they are read as sRGB. */
  problem?: string;
}

/** The most an 8-bit level a curve may be from sRGB's and be taken for it (profiles write sRGB's curve in several ways). */
const SRGB_LEVELS = 0.5;

const SRGB_CHANNEL: ChannelTransfer = { curve: { kind: 'srgb' }, decode: (v) => srgbToLinear(clamp01(v)), encode: (v) => linearToSrgb(clamp01(v)) };

/** The sRGB curve on all three channels. */
export const SRGB_TRANSFER: ProfileTransfer = { channels: [SRGB_CHANNEL, SRGB_CHANNEL, SRGB_CHANNEL], srgb: true };

class TrcError extends Error {}

function clamp01(v: number): number {
  return v > 0 ? (v < 1 ? v : 1) : 0;
}

/** Parameter counts of 'para' function types 0..4 (ICC.1:2010 Table 68). */
const PARA_PARAMS = [1, 3, 4, 5, 7] as const;

/** The curve in a 'curv' or 'para' tag body; throws TrcError for one that cannot be read. */
export function parseTrc(t: Uint8Array): TrcCurve {
  if (t.length < 12) throw new TrcError('a tone curve tag is cut short');
  const view = new DataView(t.buffer, t.byteOffset, t.byteLength);
  const type = String.fromCharCode(...t.subarray(0, 4));
  if (type === 'curv') {
    const n = view.getUint32(8);
    if (t.length < 12 + 2 * n) throw new TrcError(`a 'curv' tag of ${n} entries is cut short`);
    if (n === 0) return { kind: 'gamma', gamma: 1 };
    if (n === 1) return { kind: 'gamma', gamma: view.getUint16(12) / 256 };
    return { kind: 'table', table: Float64Array.from({ length: n }, (_, i) => view.getUint16(12 + 2 * i) / 65535) };
  }
  if (type === 'para') {
    const fn = view.getUint16(8);
    if (fn > 4) throw new TrcError(`'para' function type ${fn} is not one of 0-4`);
    const count = PARA_PARAMS[fn];
    if (t.length < 12 + 4 * count) throw new TrcError(`a 'para' tag of function type ${fn} is cut short`);
    const params = Array.from({ length: count }, (_, k) => view.getInt32(12 + 4 * k) / 65536);
    return { kind: 'parametric', type: fn as 0 | 1 | 2 | 3 | 4, params };
  }
  throw new TrcError(`a tone curve of type '${type.replace(/[^\x20-\x7e]/g, '?')}' (not 'curv' or 'para')`);
}

/** Type 4's seven parameters for any function type: Y = (aX + b)^g + e for X >= d, else cX + f. */
function generalParams(type: number, p: number[]): [number, number, number, number, number, number, number] {
  const [g, a = 1, b = 0] = p;
  switch (type) {
    case 0:
      return [g, 1, 0, 0, 0, 0, 0];
    case 1:
      return [g, a, b, 0, -b / a, 0, 0];
    case 2:
      return [g, a, b, 0, -b / a, p[3], p[3]];
    case 3:
      return [g, a, b, p[3], p[4], 0, 0];
    default:
      return [g, a, b, p[3], p[4], p[5], p[6]];
  }
}

function parametric(type: number, p: number[]): Pick<ChannelTransfer, 'decode' | 'encode'> {
  const [g, a, b, c, d, e, f] = generalParams(type, p);
  if (!(g > 0) || !(a > 0) || !Number.isFinite(d)) throw new TrcError(`'para' function type ${type} with parameters ${p.map((x) => +x.toFixed(5)).join(', ')} does not rise`);
  const decode = (v: number): number => {
    const x = clamp01(v);
    return x >= d ? Math.pow(Math.max(0, a * x + b), g) + e : c * x + f;
  };
  // Where the power branch starts, and the range of the whole curve.
  const yd = Math.pow(Math.max(0, a * Math.max(0, d) + b), g) + e;
  const lo = decode(0);
  const hi = decode(1);
  const encode = (y: number): number => {
    if (!(y > lo)) return 0;
    if (y >= hi) return 1;
    if (y >= yd || d <= 0) return clamp01((Math.pow(Math.max(0, y - e), 1 / g) - b) / a);
    // Below the power branch: the linear part, up to d (a curve that jumps at d leaves a gap the inverse puts at d).
    return c > 0 ? clamp01(Math.min(d, (y - f) / c)) : clamp01(d);
  };
  return { decode, encode };
}

function tabulated(table: Float64Array): Pick<ChannelTransfer, 'decode' | 'encode'> {
  const n = table.length;
  const top = n - 1;
  // The inverse reads a non-decreasing copy: a table that dips (rounding in a profile maker) is read as its running maximum.
  const rising = new Float64Array(n);
  for (let i = 0, m = -Infinity; i < n; i++) rising[i] = m = Math.max(m, table[i]);
  if (!(rising[top] > rising[0])) throw new TrcError(`a 'curv' table of ${n} entries that does not rise`);
  const decode = (v: number): number => {
    const x = clamp01(v) * top;
    const i = Math.min(top - 1, Math.floor(x));
    return table[i] + (x - i) * (table[i + 1] - table[i]);
  };
  const encode = (y: number): number => {
    if (!(y > rising[0])) return 0;
    if (y >= rising[top]) return 1;
    // The last i with rising[i] <= y; then rising[i] <= y < rising[i + 1], a segment that rises.
    let lo = 0;
    let hi = top;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (rising[mid] <= y) lo = mid;
      else hi = mid;
    }
    return (lo + (y - rising[lo]) / (rising[lo + 1] - rising[lo])) / top;
  };
  return { decode, encode };
}

/** A channel's decode and encode; throws TrcError for a curve that does not rise from black. */
export function channelTransfer(curve: TrcCurve): ChannelTransfer {
  if (curve.kind === 'srgb') return SRGB_CHANNEL;
  if (curve.kind === 'gamma') {
    const g = curve.gamma;
    if (!(g > 0)) throw new TrcError(`a 'curv' gamma of ${g}`);
    return { curve, decode: (v) => Math.pow(clamp01(v), g), encode: (y) => Math.pow(clamp01(y), 1 / g) };
  }
  if (curve.kind === 'table') return { curve, ...tabulated(curve.table) };
  const fns = parametric(curve.type, curve.params);
  // Parameters that make the function fall somewhere (a negative c, an e below the linear part's end) cannot be inverted.
  for (let k = 1, last = fns.decode(0); k <= 1024; k++) {
    const y = fns.decode(k / 1024);
    if (!(y >= last - 1e-6)) throw new TrcError(`'para' function type ${curve.type} with parameters ${curve.params.map((x) => +x.toFixed(5)).join(', ')} falls between ${(k - 1) / 1024} and ${k / 1024}`);
    last = y;
  }
  if (!(fns.decode(1) > fns.decode(0))) throw new TrcError(`'para' function type ${curve.type} that does not rise`);
  return { curve, ...fns };
}

/** True when the curve reads every 8-bit code within SRGB_LEVELS of where the sRGB curve does. */
function nearSrgb(ch: ChannelTransfer): boolean {
  if (ch.curve.kind === 'srgb') return true;
  for (let k = 0; k <= 255; k++) if (Math.abs(linearToSrgb(ch.decode(k / 255)) * 255 - k) > SRGB_LEVELS) return false;
  return true;
}

/**
 * The transfer of a profile whose curves are the tag bodies rTRC, gTRC, bTRC (null where a tag is missing). Never
 * throws: curves that are missing or cannot be read give SRGB_TRANSFER with `problem` saying why.
 */
export function profileTransfer(tags: readonly (Uint8Array | null)[]): ProfileTransfer {
  try {
    const channels = tags.map((t, i) => {
      if (!t) throw new TrcError(`it has no ${['rTRC', 'gTRC', 'bTRC'][i]} tag`);
      return channelTransfer(parseTrc(t));
    }) as ProfileTransfer['channels'];
    if (channels.length !== 3) throw new TrcError('it has no three tone curves');
    if (channels.every(nearSrgb)) return { channels: SRGB_TRANSFER.channels, srgb: true };
    return { channels, srgb: false };
  } catch (e) {
    if (!(e instanceof TrcError)) throw e;
    return { ...SRGB_TRANSFER, problem: e.message };
  }
}

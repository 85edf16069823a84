/**
 * ICC v4.3 matrix/TRC display profiles for our output spaces (sRGB, Display P3), built from their
 * chromaticities: colorants adapted from D65 to the D50 PCS with Bradford (recorded in 'chad'), and the
 * sRGB transfer curve as an exact 'para' function type 3 (or identity for linear data). About 500 bytes.
 */
import { DISPLAY_P3_PRIMARIES, invert, multiply, SRGB_PRIMARIES, rgbToXyz, type Mat3, type OutputSpace, type Primaries } from '../tonemap/output-space';

/** ICC PCS illuminant D50 (ICC.1:2022 7.2.16), as the header and a v4 display profile's wtpt carry it. */
const D50 = [0.9642, 1, 0.8249] as const;

const BRADFORD: Mat3 = [0.8951, 0.2664, -0.1614, -0.7502, 1.7135, 0.0367, 0.0389, -0.0685, 1.0296];

export interface IccOptions {
  /** Tone response of the encoded values: 'srgb' (default, IEC 61966-2-1) or 'linear' (for linear 16-bit/float files). */
  transfer?: 'srgb' | 'linear';
}

function apply(m: Mat3, v: readonly number[]): number[] {
  return [0, 1, 2].map((r) => m[r * 3] * v[0] + m[r * 3 + 1] * v[1] + m[r * 3 + 2] * v[2]);
}

/** Bradford chromatic adaptation from white xy to D50 (row-major, acts on XYZ columns). */
export function bradfordToD50(white: readonly [number, number]): Mat3 {
  const [x, y] = white;
  const src = apply(BRADFORD, [x / y, 1, (1 - x - y) / y]);
  const dst = apply(BRADFORD, D50);
  const scale: Mat3 = [dst[0] / src[0], 0, 0, 0, dst[1] / src[1], 0, 0, 0, dst[2] / src[2]];
  return multiply(invert(BRADFORD), multiply(scale, BRADFORD));
}

/** Linear RGB -> D50 PCS XYZ: rgbToXyz adapted by Bradford; its columns are the rXYZ, gXYZ, bXYZ tags. */
export function iccColorants(p: Primaries): Mat3 {
  return multiply(bradfordToD50(p.white), rgbToXyz(p));
}

const s15 = (v: number): number => Math.round(v * 65536);

/**
 * Colorants as s15Fixed16 integers, row-major. Each row is rounded so that it sums exactly to the
 * rounded D50 white: RGB (1,1,1) then lands on the PCS white with no drift, as careful profile
 * makers (Apple, Skia) do; the correction goes to the largest entry of the row, where it matters least.
 */
function fixedColorants(m: Mat3): number[] {
  const out: number[] = [];
  for (let r = 0; r < 3; r++) {
    const row = [m[r * 3], m[r * 3 + 1], m[r * 3 + 2]];
    const q = row.map(s15);
    const big = row.indexOf(Math.max(...row));
    q[big] += s15(D50[r]) - (q[0] + q[1] + q[2]);
    out.push(...q);
  }
  return out;
}

/** Big-endian byte builder for the profile. */
class IccWriter {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u16(v: number): void {
    this.view.setUint16(this.at, v);
    this.at += 2;
  }
  u32(v: number): void {
    this.view.setUint32(this.at, v >>> 0);
    this.at += 4;
  }
  fixed(v: number): void {
    this.view.setInt32(this.at, v);
    this.at += 4;
  }
  sig(s: string): void {
    for (let i = 0; i < 4; i++) this.bytes[this.at++] = s.charCodeAt(i);
  }
}

type TagBody = (w: IccWriter) => void;

/** A tag body with its size known up front, so the layout can be computed before writing. */
interface Tag {
  sig: string;
  size: number;
  body: TagBody;
}

function mlucTag(sig: string, text: string): Tag {
  // One en-US record, UTF-16BE (our texts are ASCII).
  return {
    sig,
    size: 28 + text.length * 2,
    body: (w) => {
      w.sig('mluc');
      w.u32(0);
      w.u32(1); // records
      w.u32(12); // record size
      w.sig('enUS');
      w.u32(text.length * 2);
      w.u32(28); // offset of the string from the tag start
      for (let i = 0; i < text.length; i++) w.u16(text.charCodeAt(i));
    },
  };
}

function xyzTag(sig: string, xyz: number[]): Tag {
  return { sig, size: 20, body: (w) => { w.sig('XYZ '); w.u32(0); xyz.forEach((v) => w.fixed(v)); } };
}

/** Adobe RGB (1998)'s tone curve: a pure power of 563/256 (its specification, 4.3.1.2). */
const ADOBE_GAMMA = 563 / 256;

function paraTag(sig: string, transfer: 'srgb' | 'linear' | 'adobe'): Tag {
  // Type 3: Y = (aX + b)^g for X >= d, Y = cX below d. Linear and Adobe RGB's power are type 0: Y = X^g.
  const params = transfer === 'srgb' ? [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045] : [transfer === 'adobe' ? ADOBE_GAMMA : 1];
  return {
    sig,
    size: 12 + params.length * 4,
    body: (w) => {
      w.sig('para');
      w.u32(0);
      w.u16(params.length === 1 ? 0 : 3);
      w.u16(0);
      params.forEach((v) => w.fixed(s15(v)));
    },
  };
}

const NAMES: Record<OutputSpace, string> = { srgb: 'sRGB', 'display-p3': 'Display P3' };
const PRIMARIES: Record<OutputSpace, Primaries> = { srgb: SRGB_PRIMARIES, 'display-p3': DISPLAY_P3_PRIMARIES };

/**
 * An ICC v4.3 display ('mntr') RGB profile for the space: desc, cprt, wtpt, chad, rXYZ/gXYZ/bXYZ and
 * rTRC/gTRC/bTRC (the three curves share one tag body). The bytes are deterministic: fixed creation
 * date, no profile ID (an all-zero ID is allowed and means "not computed").
 */
export function iccProfile(space: OutputSpace, opts: IccOptions = {}): Uint8Array {
  const p = PRIMARIES[space];
  if (!p) throw new RangeError(`no ICC profile for output space ${String(space)}`);
  const transfer = opts.transfer ?? 'srgb';
  if (transfer !== 'srgb' && transfer !== 'linear') throw new RangeError(`unknown ICC transfer ${String(transfer)}`);
  return buildProfile(p, transfer === 'srgb' ? NAMES[space] : `${NAMES[space]} (linear)`, transfer);
}

/** Adobe RGB (1998) primaries (its specification, 4.3.1.1), D65 white. */
export const ADOBE_RGB_PRIMARIES: Primaries = { r: [0.64, 0.33], g: [0.21, 0.71], b: [0.15, 0.06], white: SRGB_PRIMARIES.white };

let adobe: Uint8Array | null = null;

/**
 * An Adobe RGB (1998) profile, built as iccProfile builds ours: for frames whose EXIF says they are Adobe RGB
 * (a camera set to it writes no profile), so what is made from them says so too.
 */
export function adobeRgbProfile(): Uint8Array {
  adobe ??= buildProfile(ADOBE_RGB_PRIMARIES, 'Adobe RGB (1998)', 'adobe');
  return adobe;
}

function buildProfile(p: Primaries, name: string, transfer: 'srgb' | 'linear' | 'adobe'): Uint8Array {
  const m = fixedColorants(iccColorants(p));
  const chad = bradfordToD50(p.white).map(s15);
  const trc = paraTag('rTRC', transfer);
  const tags: Tag[] = [
    mlucTag('desc', name),
    mlucTag('cprt', 'No copyright, use freely'),
    xyzTag('wtpt', D50.map(s15)),
    { sig: 'chad', size: 44, body: (w) => { w.sig('sf32'); w.u32(0); chad.forEach((v) => w.fixed(v)); } },
    xyzTag('rXYZ', [m[0], m[3], m[6]]),
    xyzTag('gXYZ', [m[1], m[4], m[7]]),
    xyzTag('bXYZ', [m[2], m[5], m[8]]),
    trc,
  ];
  const shared = ['gTRC', 'bTRC'];
  const entries = tags.length + shared.length;
  const align = (n: number): number => (n + 3) & ~3;
  let at = 128 + 4 + entries * 12;
  const offsets = tags.map((t) => {
    const here = at;
    at = align(at + t.size);
    return here;
  });
  const size = at;

  const w = new IccWriter(size);
  w.u32(size);
  w.u32(0); // preferred CMM: none
  w.u32(0x04300000); // version 4.3
  w.sig('mntr');
  w.sig('RGB ');
  w.sig('XYZ ');
  [2024, 1, 1, 0, 0, 0].forEach((v) => w.u16(v)); // creation date, fixed so output is reproducible
  w.sig('acsp');
  w.u32(0); // platform
  w.u32(0); // flags: not embedded-only, may be used independently
  w.u32(0); // manufacturer
  w.u32(0); // model
  w.u32(0); // attributes (8 bytes): reflective, glossy, positive, colour
  w.u32(0);
  w.u32(0); // rendering intent: perceptual
  D50.forEach((v) => w.fixed(s15(v)));
  w.sig('lxfs'); // creator
  w.at = 128; // profile ID and reserved bytes stay zero

  w.u32(entries);
  tags.forEach((t, i) => {
    w.sig(t.sig);
    w.u32(offsets[i]);
    w.u32(t.size);
  });
  for (const s of shared) {
    w.sig(s);
    w.u32(offsets[tags.length - 1]);
    w.u32(trc.size);
  }
  tags.forEach((t, i) => {
    w.at = offsets[i];
    t.body(w);
    if (w.at - offsets[i] !== t.size) throw new Error(`ICC tag ${t.sig}: wrote ${w.at - offsets[i]} bytes, declared ${t.size}`);
  });
  return w.bytes;
}

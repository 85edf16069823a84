/**
 * The ICC profile a JPEG, PNG or TIFF carries, what it is called, and whether it is sRGB: frames from a camera
 * set to Adobe RGB, or a phone's Display P3, hold wider-gamut values that read as sRGB look washed out. The
 * decoders read every frame as sRGB; this says when that is not what the file is.
 */
import type { Mat3 } from '../tonemap/output-space';
import { iccProfile } from './icc';
import { profileTransfer, type ProfileTransfer } from './icc-trc';
import { zlibBackend } from './zlib-backend';

/** Largest profile read from a PNG (printer LUT profiles run to a few MB; display profiles are under 10 kB). */
const MAX_PNG_PROFILE = 8 << 20;

/** The profile's bytes, or null when the file carries none (or one that does not hold together). */
export function embeddedIcc(bytes: Uint8Array): Uint8Array | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegIcc(bytes);
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return pngIcc(bytes);
  if (bytes.length > 8 && ((bytes[0] === 0x49 && bytes[1] === 0x49) || (bytes[0] === 0x4d && bytes[1] === 0x4d))) return tiffIcc(bytes);
  return null;
}

const ICC_MARKER = 'ICC_PROFILE\0';

/** APP2 "ICC_PROFILE" segments before the first scan, joined in their sequence order (ICC.1 Annex B.4). */
function jpegIcc(b: Uint8Array): Uint8Array | null {
  const parts = new Map<number, Uint8Array>();
  let count = 0;
  let p = 2;
  while (p + 4 <= b.length && b[p] === 0xff) {
    const marker = b[p + 1];
    if (marker === 0xda || marker === 0xd9) break;
    if (marker === 0xff) {
      p++;
      continue;
    }
    const len = (b[p + 2] << 8) | b[p + 3];
    if (len < 2 || p + 2 + len > b.length) break;
    if (marker === 0xe2 && len >= 16 && String.fromCharCode(...b.subarray(p + 4, p + 16)) === ICC_MARKER) {
      parts.set(b[p + 16], b.subarray(p + 18, p + 2 + len));
      count = b[p + 17];
    }
    p += 2 + len;
  }
  if (count === 0 || parts.size !== count) return null;
  const ordered = Array.from({ length: count }, (_, i) => parts.get(i + 1));
  if (ordered.some((x) => x === undefined)) return null;
  return checked(concat(ordered as Uint8Array[]));
}

/** The iCCP chunk: a name, a zero, compression method 0, then the zlib-compressed profile. */
function pngIcc(b: Uint8Array): Uint8Array | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 8;
  while (p + 12 <= b.length) {
    const len = view.getUint32(p);
    const type = String.fromCharCode(...b.subarray(p + 4, p + 8));
    if (type === 'IDAT' || type === 'IEND' || p + 12 + len > b.length) break;
    if (type === 'iCCP') {
      const data = b.subarray(p + 8, p + 8 + len);
      const nul = data.indexOf(0);
      if (nul < 1 || nul + 2 > data.length || data[nul + 1] !== 0) return null;
      try {
        // A zlib stream: its 2-byte header, then raw Deflate.
        return checked(zlibBackend().inflateRaw(data.subarray(nul + 4), MAX_PNG_PROFILE));
      } catch {
        return null;
      }
    }
    p += 12 + len;
  }
  return null;
}

/** Tag 34675 (InterColorProfile) of the first IFD. */
function tiffIcc(b: Uint8Array): Uint8Array | null {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = b[0] === 0x49;
  if (view.getUint16(2, le) !== 42) return null;
  const ifd = view.getUint32(4, le);
  if (ifd + 2 > b.length) return null;
  const n = view.getUint16(ifd, le);
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > b.length) return null;
    if (view.getUint16(e, le) !== 34675) continue;
    const count = view.getUint32(e + 4, le);
    const offset = count <= 4 ? e + 8 : view.getUint32(e + 8, le);
    if (offset + count > b.length) return null;
    // A copy, as a plain Uint8Array whatever `b` is (a Buffer's slice would be a Buffer sharing its memory).
    return checked(new Uint8Array(b.subarray(offset, offset + count)));
  }
  return null;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, x) => s + x.length, 0));
  let at = 0;
  for (const x of parts) {
    out.set(x, at);
    at += x.length;
  }
  return out;
}

/** The profile, cut to the size its header gives, if that size and the signature hold (bytes 0-3 the size, 36-39 'acsp'); else null. */
function checked(icc: Uint8Array): Uint8Array | null {
  if (icc.length < 132) return null;
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const size = view.getUint32(0);
  if (size < 132 || size > icc.length || String.fromCharCode(...icc.subarray(36, 40)) !== 'acsp') return null;
  return icc.subarray(0, size);
}

/** The body of tag `sig` from the profile's tag table, or null. */
function tag(icc: Uint8Array, sig: string): Uint8Array | null {
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  const n = view.getUint32(128);
  for (let i = 0; i < n && 132 + i * 12 + 12 <= icc.length; i++) {
    const e = 132 + i * 12;
    if (String.fromCharCode(...icc.subarray(e, e + 4)) !== sig) continue;
    const offset = view.getUint32(e + 4);
    const size = view.getUint32(e + 8);
    return offset + size <= icc.length ? icc.subarray(offset, offset + size) : null;
  }
  return null;
}

/** The profile's description ('desc': ICC v2 text or v4 multi-localised), or null. */
export function iccDescription(icc: Uint8Array): string | null {
  const d = tag(icc, 'desc');
  if (!d || d.length < 12) return null;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const type = String.fromCharCode(...d.subarray(0, 4));
  let text = '';
  if (type === 'desc') {
    const len = view.getUint32(8);
    text = String.fromCharCode(...d.subarray(12, Math.min(d.length, 12 + len)));
  } else if (type === 'mluc' && d.length >= 28) {
    const len = view.getUint32(20);
    const offset = view.getUint32(24);
    for (let i = offset; i + 1 < Math.min(d.length, offset + len); i += 2) text += String.fromCharCode(view.getUint16(i));
  }
  text = text.replace(/\0+$/, '').trim();
  return text || null;
}

/** The colorant tags (rXYZ, gXYZ, bXYZ) as nine numbers, or null where one is missing. */
function colorants(icc: Uint8Array): number[] | null {
  const out: number[] = [];
  for (const sig of ['rXYZ', 'gXYZ', 'bXYZ']) {
    const t = tag(icc, sig);
    if (!t || t.length < 20) return null;
    const view = new DataView(t.buffer, t.byteOffset, t.byteLength);
    for (let k = 0; k < 3; k++) out.push(view.getInt32(8 + k * 4) / 65536);
  }
  return out;
}

/**
 * The profile's linear RGB -> D50 XYZ matrix (row-major; its columns are rXYZ, gXYZ, bXYZ), or null for a
 * profile without colorants (a LUT profile).
 */
export function iccColorantMatrix(icc: Uint8Array): Mat3 | null {
  const c = colorants(icc);
  return c ? [c[0], c[3], c[6], c[1], c[4], c[7], c[2], c[5], c[8]] : null;
}

let srgbColorants: number[] | null = null;

/** How far colorants may be from sRGB's and still be sRGB (profiles round them differently, and some adapt them by another method). */
const COLORANT_TOLERANCE = 0.01;

/**
 * True when the profile is sRGB by its colorants (within COLORANT_TOLERANCE of sRGB's, D50-adapted), or, for
 * a profile without colorants (a LUT profile), by its description. Its tone curve is not compared: sRGB's is
 * written in several ways, all within a level of each other.
 */
export function iccIsSrgb(icc: Uint8Array): boolean {
  const c = colorants(icc);
  if (!c) return /\bsrgb\b/i.test(iccDescription(icc) ?? '');
  srgbColorants ??= colorants(iccProfile('srgb'));
  return c.every((v, i) => Math.abs(v - srgbColorants![i]) <= COLORANT_TOLERANCE);
}

/**
 * The profile's tone curves (rTRC, gTRC, bTRC) as decode and encode per channel. Never throws: a profile whose curves
 * are missing or unreadable gives the sRGB curve, with `problem` saying why (a LUT profile has none).
 */
export function iccTransfer(icc: Uint8Array): ProfileTransfer {
  return profileTransfer(['rTRC', 'gTRC', 'bTRC'].map((sig) => tag(icc, sig)));
}

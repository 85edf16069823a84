/** Radiance RGBE (.hdr) writer: linear RGB to 32-bit_rle_rgbe, new-style RLE scanlines (flat where RLE cannot apply). */
import type { LinearImage } from '../image/linear-image';

export interface HdrEncodeOptions {
  /**
   * Written as EXPOSURE=: the factor the pixels were already multiplied by relative to scene radiance
   * (Radiance's convention; readers that care divide by it). The pixels themselves are written as given.
   */
  exposure?: number;
  /** A comment line after the signature, e.g. the software name. */
  comment?: string;
  /** Rec.709/sRGB chromaticities (our linear data) as a PRIMARIES= line; default true. */
  primaries?: boolean;
  /** New-style run-length coding; default true. Widths under 8 or over 32767 are always written flat. */
  rle?: boolean;
}

/** Runs shorter than this stay inside literal stretches, as Radiance's own writer (MINRUN) does. */
const MIN_RUN = 4;

/** Largest finite RGBE value: mantissa 255, exponent byte 255. Larger (and infinite) values clip to it. */
const RGBE_MAX = 255 * 2 ** (255 - 136);

/**
 * One pixel to RGBE at scan[o..o+4). The exponent is frexp's of the largest channel; mantissas are rounded
 * to nearest (not truncated as rgbe.c does), so readers that decode as m * 2^(e-136) - rgbe.c, OpenCV,
 * stb_image, ours - are within half a step: relative error at most 1/256 of the largest channel.
 */
function toRgbe(scan: Uint8Array, o: number, r: number, g: number, b: number): void {
  // NaN and negatives have no RGBE form: they become 0.
  r = r > 0 ? Math.min(r, RGBE_MAX) : 0;
  g = g > 0 ? Math.min(g, RGBE_MAX) : 0;
  b = b > 0 ? Math.min(b, RGBE_MAX) : 0;
  const v = Math.max(r, g, b);
  if (!(v >= 2 ** -128)) {
    // Below the smallest exponent (2^-128 at mantissa 128): black, as rgbe.c writes values under 1e-32.
    scan[o] = scan[o + 1] = scan[o + 2] = scan[o + 3] = 0;
    return;
  }
  let e = Math.floor(Math.log2(v)) + 1; // v = m * 2^e with m in [0.5, 1)
  if (v >= 2 ** e) e++;
  else if (v < 2 ** (e - 1)) e--;
  let scale = 2 ** (8 - e);
  if (Math.round(v * scale) > 255) {
    // Rounding carried the largest mantissa to 256: go up one exponent.
    e++;
    scale /= 2;
  }
  if (e + 128 > 255) {
    // Only RGBE_MAX itself rounds up past the top exponent: stay at it, mantissas clipped to 255.
    scale = 2 ** (8 - 127);
    scan[o] = Math.min(255, Math.round(r * scale));
    scan[o + 1] = Math.min(255, Math.round(g * scale));
    scan[o + 2] = Math.min(255, Math.round(b * scale));
    scan[o + 3] = 255;
    return;
  }
  scan[o] = Math.round(r * scale);
  scan[o + 1] = Math.round(g * scale);
  scan[o + 2] = Math.round(b * scale);
  scan[o + 3] = e + 128;
}

/** Appends the run-length coding of plane c of an RGBE scanline (4 bytes per pixel) to out from at; returns the new end. */
function rlePlane(scan: Uint8Array, c: number, width: number, out: Uint8Array, at: number): number {
  const v = (x: number): number => scan[x * 4 + c];
  let x = 0;
  while (x < width) {
    let run = 1;
    while (x + run < width && run < 127 && v(x + run) === v(x)) run++;
    if (run >= MIN_RUN) {
      out[at++] = 128 + run;
      out[at++] = v(x);
      x += run;
      continue;
    }
    // Literals until a run worth coding starts, at most 128 of them.
    let end = x + 1;
    while (end < width && end - x < 128) {
      if (end + MIN_RUN <= width && v(end) === v(end + 1) && v(end) === v(end + 2) && v(end) === v(end + 3)) break;
      end++;
    }
    out[at++] = end - x;
    for (; x < end; x++) out[at++] = v(x);
  }
  return at;
}

/** ASCII bytes of header text (the header is plain ASCII by construction). */
function ascii(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0x7f);
}

/**
 * Encodes img (linear; grey is written as R=G=B, alpha dropped) as a Radiance HDR file. Header lines come
 * in the order strict readers (rgbe.c, OpenCV) want: everything else, then FORMAT, then the blank line.
 */
export function encodeHdr(img: LinearImage, opts: HdrEncodeOptions = {}): Uint8Array {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new RangeError(`HDR needs 1, 3 or 4 channels, got ${channels}`);
  if (data.length !== width * height * channels) {
    throw new RangeError(`image data holds ${data.length} samples, expected ${width * height * channels}`);
  }
  if (opts.exposure !== undefined && !(opts.exposure > 0 && Number.isFinite(opts.exposure))) {
    throw new RangeError(`HDR exposure must be a positive number, got ${opts.exposure}`);
  }
  if (opts.comment !== undefined && /[\n\r]|[^\x20-\x7e]/.test(opts.comment)) {
    throw new RangeError('HDR comment must be one line of printable ASCII');
  }
  const lines = ['#?RADIANCE'];
  if (opts.comment !== undefined) lines.push(`# ${opts.comment}`);
  if (opts.exposure !== undefined) lines.push(`EXPOSURE=${opts.exposure}`);
  if (opts.primaries ?? true) lines.push('PRIMARIES= 0.6400 0.3300 0.3000 0.6000 0.1500 0.0600 0.3127 0.3290');
  lines.push('FORMAT=32-bit_rle_rgbe', '', `-Y ${height} +X ${width}`, '');
  const header = ascii(lines.join('\n'));

  const rle = (opts.rle ?? true) && width >= 8 && width <= 0x7fff;
  // Worst case per scanline: 4 marker bytes, then each plane as literals (one count byte per 128 values).
  const lineMax = rle ? 4 + 4 * (width + Math.ceil(width / 128)) : width * 4;
  const body = new Uint8Array(height * lineMax);
  const scan = new Uint8Array(width * 4);
  const [gi, bi] = channels === 1 ? [0, 0] : [1, 2];
  let at = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0, s = y * width * channels; x < width; x++, s += channels) toRgbe(scan, x * 4, data[s], data[s + gi], data[s + bi]);
    if (!rle) {
      body.set(scan, at);
      at += scan.length;
      continue;
    }
    body[at++] = 2;
    body[at++] = 2;
    body[at++] = width >> 8;
    body[at++] = width & 0xff;
    for (let c = 0; c < 4; c++) at = rlePlane(scan, c, width, body, at);
  }
  const out = new Uint8Array(header.length + at);
  out.set(header);
  out.set(body.subarray(0, at), header.length);
  return out;
}

/** Radiance RGBE (.hdr, .pic) reader: header, -Y H +X W scanlines, flat, old-style and new-style RLE, to linear float RGB. */
import { DecodeError } from '../errors';
import type { LinearImage } from '../image/linear-image';

/** One RGBE pixel to floats as Greg Ward's rgbe.c does: mantissa * 2^(e - 136), 0 when e is 0. */
function rgbe(out: Float32Array, o: number, r: number, g: number, b: number, e: number): void {
  if (e === 0) {
    out[o] = out[o + 1] = out[o + 2] = 0;
    return;
  }
  const f = 2 ** (e - 136);
  out[o] = r * f;
  out[o + 1] = g * f;
  out[o + 2] = b * f;
}

export function decodeHdr(bytes: Uint8Array, fileName?: string): LinearImage {
  const fail = (why: string): never => {
    throw new DecodeError(`not a readable Radiance HDR: ${why}`, fileName);
  };
  let at = 0;
  const line = (): string => {
    let s = '';
    while (at < bytes.length && bytes[at] !== 0x0a) s += String.fromCharCode(bytes[at++]);
    if (at >= bytes.length) fail('the header never ends');
    at++;
    return s;
  };
  const magic = line();
  if (!magic.startsWith('#?')) fail('no #? signature');
  for (let l = line(); l !== ''; l = line()) {
    if (l.startsWith('FORMAT=') && l.trim() !== 'FORMAT=32-bit_rle_rgbe') fail(`unsupported ${l.trim()}`);
  }
  const size = /^-Y (\d+) \+X (\d+)$/.exec(line().trim());
  if (!size) fail('only the standard -Y H +X W orientation is supported');
  const height = Number(size![1]);
  const width = Number(size![2]);
  if (!(width > 0 && height > 0)) fail('empty image');
  const data = new Float32Array(width * height * 3);
  const scan = new Uint8Array(width * 4);
  for (let y = 0; y < height; y++) {
    if (at + 4 > bytes.length) fail('truncated pixel data');
    const newRle = width >= 8 && width < 0x8000 && bytes[at] === 2 && bytes[at + 1] === 2 && !(bytes[at + 2] & 0x80);
    if (newRle) {
      if (((bytes[at + 2] << 8) | bytes[at + 3]) !== width) fail('scanline width mismatch');
      at += 4;
      // Four planes (R, G, B, E), each run-length coded: >128 is a run of (n - 128) copies, else n literals.
      for (let c = 0; c < 4; c++) {
        let x = 0;
        while (x < width) {
          if (at >= bytes.length) fail('truncated pixel data');
          let count = bytes[at++];
          if (count > 128) {
            count -= 128;
            if (x + count > width || at >= bytes.length) fail('bad run length');
            const v = bytes[at++];
            for (let k = 0; k < count; k++) scan[(x++) * 4 + c] = v;
          } else {
            if (count === 0 || x + count > width || at + count > bytes.length) fail('bad run length');
            for (let k = 0; k < count; k++) scan[(x++) * 4 + c] = bytes[at++];
          }
        }
      }
    } else {
      // Flat pixels, with old-style runs (1,1,1,n repeats the previous pixel n << shift times).
      let x = 0;
      let shift = 0;
      while (x < width) {
        if (at + 4 > bytes.length) fail('truncated pixel data');
        const [r, g, b, e] = [bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]];
        at += 4;
        if (r === 1 && g === 1 && b === 1) {
          if (x === 0) fail('a run with nothing to repeat');
          const count = e << shift;
          if (x + count > width) fail('bad run length');
          for (let k = 0; k < count; k++, x++) scan.copyWithin(x * 4, (x - 1) * 4, x * 4);
          shift += 8;
        } else {
          scan.set([r, g, b, e], (x++) * 4);
          shift = 0;
        }
      }
    }
    for (let x = 0; x < width; x++) {
      const s = x * 4;
      rgbe(data, (y * width + x) * 3, scan[s], scan[s + 1], scan[s + 2], scan[s + 3]);
    }
  }
  return { width, height, channels: 3, data, ev: null, meta: { sourceName: fileName, sourceTransfer: 'linear', sourceBits: 32, clipLevel: Infinity } };
}

/** Histogram of 8-bit RGBA pixels for the UI: red, green, blue and luminance (Rec. 709 weights on the codes, as editors show it). */

export interface Histogram {
  bins: number;
  r: Uint32Array;
  g: Uint32Array;
  b: Uint32Array;
  luminance: Uint32Array;
}

/** Counts of codes per bin; bin i covers codes [i * 256 / bins, (i + 1) * 256 / bins). Alpha is ignored. */
export function histogram(rgba: Uint8ClampedArray | Uint8Array, bins = 256): Histogram {
  if (!Number.isInteger(bins) || bins < 1 || bins > 256) throw new RangeError(`bins must be an integer within 1..256, got ${bins}`);
  if (rgba.length % 4 !== 0) throw new RangeError(`RGBA data must be a multiple of 4 bytes long, got ${rgba.length}`);
  const r = new Uint32Array(bins);
  const g = new Uint32Array(bins);
  const b = new Uint32Array(bins);
  const luminance = new Uint32Array(bins);
  // Code -> bin once, so the loop is four lookups per pixel.
  const bin = new Uint8Array(256);
  for (let c = 0; c < 256; c++) bin[c] = Math.floor((c * bins) / 256);
  for (let i = 0; i < rgba.length; i += 4) {
    const cr = rgba[i];
    const cg = rgba[i + 1];
    const cb = rgba[i + 2];
    r[bin[cr]]++;
    g[bin[cg]]++;
    b[bin[cb]]++;
    // 54 + 183 + 19 = 256: BT.709 weights in 8-bit fixed point; + 128 rounds.
    luminance[bin[(54 * cr + 183 * cg + 19 * cb + 128) >> 8]]++;
  }
  return { bins, r, g, b, luminance };
}

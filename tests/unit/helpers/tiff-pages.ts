/** TIFFs with several image directories in their chain (pages, previews, masks), which our encoder never writes. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TiffPage {
  width: number;
  height: number;
  /** 8-bit grey level of pixel (x, y). */
  level: (x: number, y: number) => number;
  /** NewSubfileType (tag 254): bit 0 a reduced-resolution copy, bit 1 one page of several, bit 2 a transparency mask. */
  newSubfileType?: number;
}

/** An uncompressed little-endian 8-bit grey TIFF, one directory per page, chained in the order given. */
export function greyTiffPages(pages: readonly TiffPage[]): Uint8Array {
  const ENTRIES = 10;
  const ifdSize = 2 + ENTRIES * 12 + 4;
  const even = (n: number): number => n + (n & 1);
  let at = 8;
  const layout = pages.map((p) => {
    const ifd = at;
    const strip = ifd + ifdSize;
    at = even(strip + p.width * p.height);
    return { ifd, strip };
  });
  const bytes = new Uint8Array(at);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, layout[0].ifd, true);
  pages.forEach((p, k) => {
    const { ifd, strip } = layout[k];
    const SHORT = 3;
    const LONG = 4;
    // Sorted by tag, as TIFF requires; every value fits in its entry.
    const entries: [number, number, number][] = [
      [254, LONG, p.newSubfileType ?? 0],
      [256, LONG, p.width],
      [257, LONG, p.height],
      [258, SHORT, 8],
      [259, SHORT, 1],
      [262, SHORT, 1],
      [273, LONG, strip],
      [277, SHORT, 1],
      [278, LONG, p.height],
      [279, LONG, p.width * p.height],
    ];
    view.setUint16(ifd, ENTRIES, true);
    entries.forEach(([tag, type, value], i) => {
      const e = ifd + 2 + i * 12;
      view.setUint16(e, tag, true);
      view.setUint16(e + 2, type, true);
      view.setUint32(e + 4, 1, true);
      if (type === SHORT) view.setUint16(e + 8, value, true);
      else view.setUint32(e + 8, value, true);
    });
    view.setUint32(ifd + 2 + ENTRIES * 12, k + 1 < pages.length ? layout[k + 1].ifd : 0, true);
    for (let y = 0; y < p.height; y++) for (let x = 0; x < p.width; x++) bytes[strip + y * p.width + x] = p.level(x, y);
  });
  return bytes;
}

/**
 * Files f0.tif..f2.tif in `dir`: a 48x32 grey gradient shot 2 stops apart, the middle one with a second page (the
 * bright frame again), which a merge must not take silently. Returns their paths.
 */
export function writePagedBracket(dir: string): string[] {
  const shot = (stops: number): TiffPage => ({
    width: 48,
    height: 32,
    level: (x, y) => Math.min(255, Math.round(255 * (((x + 1) * (y + 1)) / (48 * 32)) ** (1 / 2.2) * 2 ** (stops / 2.2))),
  });
  const files = [[shot(-2)], [shot(0), shot(2)], [shot(2)]];
  return files.map((pages, i) => {
    const path = join(dir, `f${i}.tif`);
    writeFileSync(path, greyTiffPages(pages));
    return path;
  });
}

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
  /** Directories listed by this one's SubIFDs tag (330), not in the chain. */
  subIfds?: TiffPage[];
}

/**
 * An uncompressed little-endian 8-bit grey TIFF, one directory per page, chained in the order given; a page's
 * `subIfds` are directories its SubIFDs tag (330) lists, outside the chain (TIFF/EP: a thumbnail in IFD0, the image below).
 */
export function greyTiffPages(pages: readonly TiffPage[]): Uint8Array {
  const even = (n: number): number => n + (n & 1);
  // Every directory: the chain's pages, then each page's sub-directories.
  const all: { page: TiffPage; next: number; subs: number[] }[] = pages.map((page, k) => ({ page, next: k + 1 < pages.length ? k + 1 : -1, subs: [] }));
  pages.forEach((page, k) => {
    for (const sub of page.subIfds ?? []) {
      all[k].subs.push(all.length);
      all.push({ page: sub, next: -1, subs: [] });
    }
  });
  let at = 8;
  const layout = all.map(({ page: p, subs }) => {
    const entries = subs.length ? 11 : 10;
    const ifd = at;
    const subList = ifd + 2 + entries * 12 + 4;
    const strip = subList + (subs.length > 1 ? subs.length * 4 : 0);
    at = even(strip + p.width * p.height);
    return { ifd, strip, subList, entries };
  });
  const bytes = new Uint8Array(at);
  const view = new DataView(bytes.buffer);
  bytes.set([0x49, 0x49, 42, 0]);
  view.setUint32(4, layout[0].ifd, true);
  all.forEach(({ page: p, next, subs }, k) => {
    const { ifd, strip, subList, entries: count } = layout[k];
    const SHORT = 3;
    const LONG = 4;
    // Sorted by tag, as TIFF requires; every value fits in its entry but a list of several sub-directories.
    const entries: [number, number, number, number][] = [
      [254, LONG, 1, p.newSubfileType ?? 0],
      [256, LONG, 1, p.width],
      [257, LONG, 1, p.height],
      [258, SHORT, 1, 8],
      [259, SHORT, 1, 1],
      [262, SHORT, 1, 1],
      [273, LONG, 1, strip],
      [277, SHORT, 1, 1],
      [278, LONG, 1, p.height],
      [279, LONG, 1, p.width * p.height],
    ];
    if (subs.length) entries.push([330, LONG, subs.length, subs.length === 1 ? layout[subs[0]].ifd : subList]);
    subs.forEach((s, i) => subs.length > 1 && view.setUint32(subList + i * 4, layout[s].ifd, true));
    view.setUint16(ifd, count, true);
    entries.forEach(([tag, type, n, value], i) => {
      const e = ifd + 2 + i * 12;
      view.setUint16(e, tag, true);
      view.setUint16(e + 2, type, true);
      view.setUint32(e + 4, n, true);
      if (type === SHORT) view.setUint16(e + 8, value, true);
      else view.setUint32(e + 8, value, true);
    });
    view.setUint32(ifd + 2 + count * 12, next >= 0 ? layout[next].ifd : 0, true);
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

/**
 * Whether a TIFF, or a camera RAW built on TIFF, is whole enough to merge, from its directories alone (never the
 * pixels). A TIFF gets the checks its decoder makes before reading pixels: every directory and tag value inside
 * the file (tiff-check.ts) and every strip or tile of the image it decodes (tiff-layout.ts), worded as they word
 * them. LibRaw reads camera RAW by layouts of its own, so there only what it surely needs is checked: the first
 * directory, a DNG's raw image data (its strips or tiles, which the DNG specification makes exact) and, for the
 * other makers, that some image data begins before the file ends.
 */
import { isRawIfd, OFFSET_ONLY_TYPES, SUB_IFD_TAGS, tagValue, TYPE_SIZE, type TiffIfd } from '../../src-shared/codecs/tiff-check';
import { chooseImage, readTiffImageLayout } from '../../src-shared/codecs/tiff-layout';
import { LuxfuseError } from '../../src-shared/errors';
import type { ByteSource } from './byte-source';

interface Entry {
  tag: number;
  type: number;
  count: number;
  /** Where its values lie: in the entry itself, or at the offset it holds. */
  valueAt: number;
}

interface Directory {
  offset: number;
  entries: Map<number, Entry>;
  /** Directories of its SubIFDs tag (330): a DNG's or NEF's raw image, previews. */
  subIfds: Directory[];
  /** SubIFDs it lists that the file ends before. */
  subIfdsPastEnd: number;
}

interface Walk {
  /** The top-level chain, as utif2 returns it. */
  chain: Directory[];
  /** The first thing checkTiffStructure would refuse, in its words; undefined when none was found. */
  problem?: string;
  /** The file has no first directory, or it does not lie inside the file: no reader finds anything in it. */
  firstMissing: boolean;
}

/** Directories read at most, and how deep sub-directories are followed: real files have a handful, two deep. */
const MAX_DIRECTORIES = 64;
const MAX_DEPTH = 4;
/** Tags read for the image a TIFF decode chooses: size, samples, compression, strips and tiles. */
const LAYOUT_TAGS = [254, 255, 256, 257, 258, 259, 262, 273, 277, 278, 279, 284, 317, 322, 323, 324, 325, 339];
/** Tags read of every directory: what chooseImage and isRawIfd look at. */
const SUMMARY_TAGS = [254, 255, 256, 257, 262, 50706];
/** Strip and tile tables longer than this are not read (no camera writes one; a corrupt count could ask for gigabytes). */
const MAX_TABLE_BYTES = 8 << 20;

const u16 = (b: Uint8Array, at: number, le: boolean): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint16(at, le);
const u32 = (b: Uint8Array, at: number, le: boolean): number => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, le);

/** The numbers of an entry as utif2 reads them; [] for text, rationals and tables too long to read. */
async function entryValues(src: ByteSource, e: Entry, le: boolean): Promise<number[]> {
  const size = TYPE_SIZE[e.type];
  if (e.count * size > MAX_TABLE_BYTES || [2, 5, 10].includes(e.type)) return [];
  const b = await src.read(e.valueAt, e.count * size);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: number[] = [];
  for (let at = 0; at + size <= b.length; at += size) {
    if (e.type === 1 || e.type === 7) out.push(v.getUint8(at));
    else if (e.type === 3) out.push(v.getUint16(at, le));
    else if (e.type === 8) out.push(v.getInt16(at, le));
    else if (e.type === 4 || e.type === 13) out.push(v.getUint32(at, le));
    else if (e.type === 9) out.push(v.getInt32(at, le));
    else if (e.type === 11) out.push(v.getFloat32(at, le));
    else if (e.type === 12) out.push(v.getFloat64(at, le));
  }
  return out;
}

/**
 * Walks the chain and the directories utif2 follows from it (SubIFDs, Exif, GPS, Fuji), checking each as
 * checkTiffStructure does: the directory inside the file, every tag's values inside the file, no directory twice.
 * It visits only directories that one visits too, so whatever it finds, the decoder refuses.
 */
async function walkTiff(src: ByteSource, le: boolean): Promise<Walk> {
  const walk: Walk = { chain: [], firstMissing: false };
  const seen = new Set<number>();
  const note = (problem: string): void => {
    walk.problem ??= problem;
  };
  /** One directory and its sub-directories; `cut`: the file ends before it does. */
  const visit = async (at: number, depth: number): Promise<{ dir?: Directory; next: number; cut?: boolean }> => {
    if (seen.has(at)) {
      note('image directories form a loop');
      return { next: 0 };
    }
    seen.add(at);
    if (at + 2 > src.size) {
      note(`image directory at ${at} lies past the end of the file`);
      return { next: 0, cut: true };
    }
    const count = u16(await src.read(at, 2), 0, le);
    if (at + 2 + count * 12 + 4 > src.size) {
      note(`image directory at ${at} runs past the end of the file`);
      return { next: 0, cut: true };
    }
    const body = await src.read(at + 2, count * 12 + 4);
    const dir: Directory = { offset: at, entries: new Map(), subIfds: [], subIfdsPastEnd: 0 };
    for (let i = 0; i < count; i++) {
      const e = i * 12;
      const tag = u16(body, e, le);
      const type = u16(body, e + 2, le);
      // utif2 skips entries of unknown types, and ends the chain at a directory whose first entry is one.
      if (type < 1 || type > 13) {
        if (i === 0) return { next: 0 };
        continue;
      }
      const n = u32(body, e + 4, le);
      const size = n * TYPE_SIZE[type];
      const valueAt = size <= 4 && !OFFSET_ONLY_TYPES.has(type) ? at + 2 + e + 8 : u32(body, e + 8, le);
      const end = type === 1 || type === 2 || type === 7 ? valueAt : valueAt + size;
      if (end > src.size) note(`tag ${tag} (${n} values) runs past the end of the file`);
      const entry = { tag, type, count: n, valueAt };
      dir.entries.set(tag, entry);
      if (SUB_IFD_TAGS.has(tag) && depth < MAX_DEPTH && end <= src.size && ![2, 5, 10, 11, 12].includes(type)) {
        // Offsets past the end are skipped, as utif2's checker skips them; negative ones it refuses (not followed here).
        const offsets = await entryValues(src, entry, le);
        if (tag === 330) dir.subIfdsPastEnd = offsets.filter((v) => v + 2 > src.size).length;
        for (const sub of offsets.filter((v) => v >= 0 && v + 2 <= src.size)) {
          if (seen.size >= MAX_DIRECTORIES) break;
          const { dir: child, cut } = await visit(sub, depth + 1);
          if (child && tag === 330) dir.subIfds.push(child);
          if (cut && tag === 330) dir.subIfdsPastEnd++;
        }
      }
    }
    return { dir, next: u32(body, count * 12, le) };
  };
  const first = u32(src.head, 4, le);
  if (first === 0) note('no image directory');
  walk.firstMissing = first === 0 || first + 2 > src.size || first + 2 + u16(await src.read(first, 2), 0, le) * 12 > src.size;
  for (let at = first; at !== 0 && seen.size < MAX_DIRECTORIES; ) {
    const { dir, next } = await visit(at, 0);
    if (dir) walk.chain.push(dir);
    at = next;
  }
  return walk;
}

/**
 * A directory as utif2 would return it, with the values of `tags` (numbers; a non-number where utif2 keeps text or
 * rationals); null when a table among them is too long to read here.
 */
async function asIfd(src: ByteSource, dir: Directory, tags: readonly number[], le: boolean): Promise<TiffIfd | null> {
  const ifd: TiffIfd = { subIFD: [] };
  for (const tag of tags) {
    const e = dir.entries.get(tag);
    if (!e) continue;
    if (e.count * TYPE_SIZE[e.type] > MAX_TABLE_BYTES) return null;
    const values = await entryValues(src, e, le);
    ifd[`t${tag}`] = values.length > 0 || e.count === 0 ? values : [null];
  }
  for (const sub of dir.subIfds) ifd.subIFD!.push((await asIfd(src, sub, SUMMARY_TAGS, le)) ?? {});
  return ifd;
}

/** The directory `target` was read from: the trees of `ifds` (asIfd's) and `dirs` walked side by side. */
function directoryOf(target: TiffIfd, ifds: readonly TiffIfd[], dirs: readonly Directory[]): Directory | undefined {
  for (let i = 0; i < ifds.length && i < dirs.length; i++) {
    if (ifds[i] === target) return dirs[i];
    const below = directoryOf(target, ifds[i].subIFD ?? [], dirs[i].subIfds);
    if (below) return below;
  }
  return undefined;
}

/** Every directory of the chain and their SubIFDs, depth first. */
function allDirectories(chain: Directory[]): Directory[] {
  return chain.flatMap((d) => [d, ...allDirectories(d.subIfds)]);
}

/** The image data blocks of a directory: [offset, byte count] of each strip or tile. */
async function dataBlocks(src: ByteSource, dir: Directory, le: boolean): Promise<[number, number][]> {
  const tiled = dir.entries.has(324);
  const offsets = dir.entries.get(tiled ? 324 : 273);
  const counts = dir.entries.get(tiled ? 325 : 279);
  if (!offsets || !counts) return [];
  const at = await entryValues(src, offsets, le);
  const n = await entryValues(src, counts, le);
  return at.slice(0, n.length).map((o, i) => [o, n[i]]);
}

/** DNG compression 1: samples stored as they are. */
const UNCOMPRESSED = 1;
/** StripOffsets entries with this many values or more LibRaw reads as a single offset (its parse_tiff_ifd). */
const LIBRAW_MAX_STRIPS = 16384;

/**
 * Whether the file ends before a DNG's raw image data does, from its geometry and its strip or tile offsets (LibRaw
 * goes by these, not by the byte counts, which it reads past without complaint when they are wrong). Uncompressed
 * data has a known size: every strip or tile must fit. Compressed data's size is known only from the counts, so
 * there a strip or tile is missing only when it starts past the end.
 */
async function dngRawDamage(src: ByteSource, raw: Directory, le: boolean): Promise<string | undefined> {
  // Geometry stored otherwise than as one value each is read otherwise by LibRaw: nothing is said of it.
  if ([256, 257, 277, 278, 322, 323].some((tag) => (raw.entries.get(tag)?.count ?? 1) !== 1)) return undefined;
  const ifd = await asIfd(src, raw, LAYOUT_TAGS, le);
  if (!ifd) return undefined;
  const width = tagValue(ifd, 256) ?? 0;
  const height = tagValue(ifd, 257) ?? 0;
  const tiled = ifd.t322 !== undefined;
  const tileW = tiled ? (tagValue(ifd, 322) ?? 0) : width;
  const tileH = tiled ? (tagValue(ifd, 323) ?? 0) : Math.min(height, tagValue(ifd, 278, 0, height)!);
  const spp = tagValue(ifd, 277, 0, 1)!;
  const bits = tagValue(ifd, 258, 0, 1)!;
  if (![width, height, tileW, tileH, spp, bits].every((v) => Number.isInteger(v) && v > 0)) return undefined;
  // Samples and bits a DNG has; LibRaw masks other values (a sample count to 3 bits) rather than refusing them.
  if (spp > 4 || bits > 32) return undefined;
  const chunks = Math.ceil(width / tileW) * Math.ceil(height / tileH);
  const offsets = (ifd[`t${tiled ? 324 : 273}`] as unknown[] | undefined) ?? [];
  const kind = tiled ? 'tile' : 'strip';
  if (offsets.length < chunks) {
    // The table of offsets is cut off with the file.
    const table = raw.entries.get(tiled ? 324 : 273);
    return table && table.valueAt + table.count * TYPE_SIZE[table.type] > src.size ? `truncated or corrupt DNG: the file ends before the table of its raw image's ${kind}s does` : undefined;
  }
  // LibRaw takes a StripOffsets entry of 16384 values or more as one offset: a table this check does not read alike.
  if (!tiled && (raw.entries.get(273)?.count ?? 0) >= LIBRAW_MAX_STRIPS) return undefined;
  const rowBytes = Math.ceil((tileW * spp * bits) / 8);
  const uncompressed = tagValue(ifd, 259, 0, UNCOMPRESSED) === UNCOMPRESSED;
  for (let i = 0; i < chunks; i++) {
    const rows = tiled ? tileH : Math.min(tileH, height - i * tileH);
    // The bytes that must be in the file from the offset. Uncompressed: all but one (LibRaw reads 16-bit samples
    // rounding a last odd byte up, so a file one byte short passes it); compressed: the first.
    const needed = uncompressed ? rows * rowBytes - 1 : 1;
    if ((offsets[i] as number) + needed > src.size) return `truncated or corrupt DNG: ${kind} ${i} of its raw image runs past the end of the file`;
  }
  return undefined;
}

/**
 * What LibRaw surely cannot read past: a first directory outside the file, a DNG whose raw image (NewSubfileType 0,
 * CFA or linear raw, the largest such) the file ends before (dngRawDamage) or whose SubIFDs (where the raw image is
 * when IFD0 holds a preview) lie past it, and a file that ends before any image data of its directories begins.
 * Undefined when none of these.
 */
async function rawDamage(src: ByteSource, walk: Walk, le: boolean): Promise<string | undefined> {
  if (walk.firstMissing) return 'truncated or corrupt RAW: the file ends before its first image directory does';
  // A first directory that does not read as one: LibRaw may still find its way (it reads by tag), so nothing is said.
  if (walk.chain.length === 0) return undefined;
  const dirs = allDirectories(walk.chain);
  const summary = new Map<Directory, TiffIfd>();
  for (const d of dirs) summary.set(d, (await asIfd(src, d, SUMMARY_TAGS, le)) ?? {});
  if (walk.chain[0].entries.has(50706)) {
    const pixels = (d: Directory): number => (tagValue(summary.get(d)!, 256) ?? 0) * (tagValue(summary.get(d)!, 257) ?? 0);
    const raw = dirs
      .filter((d) => tagValue(summary.get(d)!, 254, 0, 0) === 0 && [32803, 34892].includes(tagValue(summary.get(d)!, 262) ?? 0))
      .sort((a, b) => pixels(b) - pixels(a))[0];
    // Its raw image is in a SubIFD that is not in the file.
    if (!raw) return dirs.some((d) => d.subIfdsPastEnd > 0) ? 'truncated or corrupt DNG: the file ends before the directory of its raw image' : undefined;
    return dngRawDamage(src, raw, le);
  }
  const starts = (await Promise.all(dirs.map((d) => dataBlocks(src, d, le)))).flat().filter(([, count]) => count > 0).map(([offset]) => offset);
  if (starts.length > 0 && Math.min(...starts) >= src.size) return 'truncated or corrupt RAW: the file ends before its image data begins';
  return undefined;
}

/**
 * The reason a merge would refuse this TIFF-structured file, or undefined. `namedRaw`: its name says camera RAW, so
 * LibRaw reads it whatever its directories say; otherwise it is read as a TIFF unless its directories hold sensor
 * data (decodeTiff hands those to LibRaw after its structure check).
 */
export async function tiffDamage(src: ByteSource, namedRaw: boolean, path: string): Promise<string | undefined> {
  if (src.head.length < 8) return 'truncated or corrupt TIFF: file is shorter than a TIFF header';
  const le = src.head[0] === 0x49;
  const walk = await walkTiff(src, le);
  // Olympus ORF and Panasonic RW2 headers (no 42) go to LibRaw whatever their name, as does Canon's CR2 ("CR" after
  // the header: decodeTiff hands it on before checking anything else).
  const tiff42 = u16(src.head, 2, le) === 42;
  const cr2 = src.head[8] === 0x43 && src.head[9] === 0x52;
  if (namedRaw || !tiff42 || cr2) return rawDamage(src, walk, le);
  if (walk.problem) return `truncated or corrupt TIFF: ${walk.problem}`;
  const chain = await Promise.all(walk.chain.map(async (d) => (await asIfd(src, d, SUMMARY_TAGS, le)) ?? {}));
  if (chain.some(isRawIfd)) return rawDamage(src, walk, le);
  try {
    const { ifd } = chooseImage(chain, path);
    const dir = directoryOf(ifd, chain, walk.chain);
    const full = dir && (await asIfd(src, dir, LAYOUT_TAGS, le));
    if (full) readTiffImageLayout(full, src.size, path);
  } catch (error) {
    if (error instanceof LuxfuseError) return error.message;
    throw error;
  }
  return undefined;
}

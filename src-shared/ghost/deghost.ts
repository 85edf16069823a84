/**
 * Deghosting for every merge method: where a frame differs from the reference (its ghost mask,
 * feathered), its content is replaced by the reference's as that frame would have recorded it (the
 * pair's intensity mapping from detect.ts: exposure, camera curve and clipping learnt from the
 * pixels). Every merge then sees one scene there: a radiance merge returns the reference's radiance
 * where the reference is trusted (the other frames carry no other information), a fusion blends
 * exposures of the reference, so the result keeps the fused look of its surroundings. The reference
 * frame is never changed; the transition spans the feather, so no seam shows.
 */
import { suggestReference } from '../align/suggest-reference';
import { boxFilter, createBoxScratch } from '../filters/box-filter';
import type { LinearImage } from '../image/linear-image';
import { planeRow, type ScaledPlane } from '../image/scaled-plane';
import { frameSamples } from '../image/samples';
import { readTable, srgbDecodeTable, srgbEncodeTable } from '../image/srgb-tables';
import { planExposures, type ExposurePlan, type PlanOptions } from '../pipeline/plan-exposures';
import { detectGhosts, fullScale, LEVELS, type GhostDetection, type LevelMap } from './detect';

export type DeghostMode = 'off' | 'auto';
export const DEGHOST_MODES: readonly DeghostMode[] = ['off', 'auto'];

export interface DeghostOptions {
  /** 'auto': deghost with the detection given in `detection` (the judge network, chosen by the CLI and the app) or, without one, the classical detector (detect.ts). */
  mode: DeghostMode;
  /** Frame index (0-based) whose content wins where frames differ; default suggestReference's. */
  reference?: number;
  /** Width of the transition outside the mask's edge, pixels; default 1/150 of the short side, at least 2. */
  feather?: number;
  /** Detection threshold in noise units (detect.ts); default detect's. */
  threshold?: number;
  /** A detection made elsewhere (e.g. by the judge network) for this reference; default detect.ts's. */
  detection?: GhostDetection;
  /**
   * Write the reference's content into the given frames' own samples instead of copies, so a deghosted bracket
   * does not hold each replaced frame twice (288 MB a frame at 24 MP): true for a caller that needs the frames as
   * they were no more (the CLI); 'undoable' for one that needs them again after the merge (the app's engine), which
   * keeps the tiles it overwrote (UNDO_TILE pixels a side) and puts them back with DeghostedBracket.restore. Default: copies.
   */
  inPlace?: boolean | 'undoable';
  /**
   * With inPlace 'undoable': where to keep the tiles it overwrites until they are put back, instead of the merge's
   * memory (the app's engine: a temporary file, src-main/services/tile-spill.ts). Tiles it cannot write stay in memory.
   */
  spill?: TileSpill;
}

/**
 * Somewhere outside the merge's memory to keep tiles for a while. `write` copies the samples out before it returns
 * and gives the handle `read` takes; either throws when it cannot (a full disk, an I/O error).
 */
export interface TileSpill {
  write(data: Float32Array): number;
  read(handle: number, into: Float32Array): void;
}

/** Some overwritten samples could not be read back from the spill: those frames are left deghosted where the tiles were. */
export class DeghostUndoError extends Error {
  constructor(
    message: string,
    /** The frames not wholly put back (the others were). */
    readonly frames: LinearImage[],
  ) {
    super(message);
    this.name = 'DeghostUndoError';
  }
}

/** Side of the square tiles an undoable in-place deghosting saves: a tile is saved whole once any of its pixels is replaced. */
export const UNDO_TILE = 64;

/** The samples an undoable in-place deghosting overwrote: per frame, the tiles it changed, as they were. */
interface SavedTiles {
  frame: LinearImage;
  /** Tile index (row-major, UNDO_TILE pixels a side) -> its samples before, row after row, or their handle in the spill. */
  tiles: Map<number, Float32Array | number>;
}

/** Where an undoable deghosting keeps its tiles: the spill while it takes them, then memory. */
interface TileKeeper {
  spill?: TileSpill;
  /** Why the spill stopped taking tiles (the rest stay in memory). */
  spillFailure?: unknown;
  spilledBytes: number;
}

/** What a deghosted merge reports and the app shows. */
export interface GhostSummary {
  reference: number;
  width: number;
  height: number;
  /** 1 = deghosted (content from the reference frame); GhostDetection.mask. */
  mask: ScaledPlane<Uint8Array>;
  /** 0..1 per pixel, at the detector's working size (GhostDetection.uncertainty). */
  uncertainty: ScaledPlane;
  /** Fraction of pixels in the mask. */
  area: number;
  millis: number;
}

export interface DeghostedBracket {
  frames: LinearImage[];
  detection: GhostDetection;
  summary: GhostSummary;
  /**
   * With inPlace 'undoable': puts back every sample it overwrote (once; later calls do nothing). Throws
   * DeghostUndoError, after putting back all it could, when tiles cannot be read back from the spill.
   */
  restore?: () => void;
  /** With inPlace 'undoable': bytes of the samples kept in memory to put back. */
  savedBytes?: number;
  /** With a spill: bytes of the samples kept there, and why it stopped taking them, if it did. */
  spilledBytes?: number;
  spillFailure?: unknown;
}

/**
 * The mask feathered into a 0..1 replacement weight: 1 on the whole mask, falling to 0 within `feather` pixels outside
 * it. A dilation by twice the box radius (windows clipped at the borders), then two box filters, all at the frames'
 * size. The mask is read as it is kept (ScaledPlane), a row at a time: no full-size mask is made beside the weight
 * (three 24 MB masks per frame at 24 MP before), only a ring of the rows in the window.
 */
export function featherMask(mask: ScaledPlane<Uint8Array>, feather: number): Float32Array {
  const { width: w, height: h } = mask;
  const r = Math.max(1, Math.round(feather / 4));
  const reach = 2 * r;
  const soft = new Float32Array(w * h);
  // Column counts of the row-dilated rows within `reach` of the output row, kept in a ring of 2 reach + 1 rows.
  const span = 2 * reach + 1;
  const ring = new Uint8Array(span * w);
  const counts = new Int32Array(w);
  const expanded = new Uint8Array(w);
  const prefix = new Int32Array(w + 1);
  let dilatedOf = -1;
  const dilated = new Uint8Array(w);
  const enter = (y: number): void => {
    const source = mask.rows[y];
    if (source !== dilatedOf) {
      planeRow(mask, y, expanded);
      for (let x = 0; x < w; x++) prefix[x + 1] = prefix[x] + expanded[x];
      for (let x = 0; x < w; x++) dilated[x] = prefix[Math.min(w, x + reach + 1)] - prefix[Math.max(0, x - reach)] > 0 ? 1 : 0;
      dilatedOf = source;
    }
    ring.set(dilated, (y % span) * w);
    for (let x = 0; x < w; x++) counts[x] += dilated[x];
  };
  const leave = (y: number): void => {
    const o = (y % span) * w;
    for (let x = 0; x < w; x++) counts[x] -= ring[o + x];
  };
  for (let y = 0; y < Math.min(h, reach); y++) enter(y);
  for (let y = 0; y < h; y++) {
    // Leave before entering: the row leaving and the one entering share a ring slot.
    if (y - reach - 1 >= 0) leave(y - reach - 1);
    if (y + reach < h) enter(y + reach);
    const o = y * w;
    for (let x = 0; x < w; x++) soft[o + x] = counts[x] > 0 ? 1 : 0;
  }
  const scratch = createBoxScratch(w, h);
  boxFilter(soft, w, h, r, soft, scratch);
  boxFilter(soft, w, h, r, soft, scratch);
  return soft;
}

/**
 * Frame k with its content replaced, by weight m (0..1) per pixel, by the reference's as frame k
 * would read it: out = (1 - m) frame + m * map(reference), per channel through the level map.
 */
export function replaceFromReference(
  frame: LinearImage,
  ref: LinearImage,
  map: LevelMap,
  weight: Float32Array,
  inPlace: boolean | 'undoable' = false,
  saved?: SavedTiles[],
  keeper: TileKeeper = { spilledBytes: 0 },
): LinearImage {
  const { width: w, height: h, channels: ch } = frame;
  if (inPlace === 'undoable') {
    if (!saved) throw new Error('an undoable in-place replacement needs somewhere to save what it overwrites');
    saved.push(saveTiles(frame, weight, keeper));
  }
  const rch = ref.channels;
  // A copy where frames live (frameSamples: shared memory where this thread's workers read frames), so the
  // deghosted bracket's fusion still runs on two threads; a Float32Array's slice() would be ordinary memory.
  const data = inPlace ? frame.data : frameSamples(frame.data.length);
  if (!inPlace) data.set(frame.data);
  const enc = srgbEncodeTable();
  const dec = srgbDecodeTable();
  const read = readTable;
  const invRef = 1 / fullScale(ref);
  const scale = fullScale(frame);
  const top = LEVELS - 1;
  const median = map.median;
  for (let p = 0; p < w * h; p++) {
    const m = weight[p];
    if (m === 0) continue;
    for (let c = 0; c < Math.min(3, ch); c++) {
      const pos = read(enc, ref.data[p * rch + (rch >= 3 ? c : 0)] * invRef) * top;
      const j = pos >= top ? top - 1 : pos | 0;
      const t = pos - j;
      const o = c * LEVELS + j;
      const x = read(dec, median[o] + t * (median[o + 1] - median[o])) * scale;
      const i = p * ch + c;
      data[i] = (1 - m) * data[i] + m * x;
    }
  }
  return { ...frame, data, meta: { ...frame.meta } };
}

/** Each tile of `frame` in which `weight` replaces anything, copied as it is now: into the spill while it takes them, else into memory. */
function saveTiles(frame: LinearImage, weight: Float32Array, keeper: TileKeeper): SavedTiles {
  const { width: w, height: h, channels: ch, data } = frame;
  const across = Math.ceil(w / UNDO_TILE);
  const tiles = new Map<number, Float32Array | number>();
  // One scratch tile for the spill: what it takes is copied out before write returns.
  const scratch = new Float32Array(UNDO_TILE * UNDO_TILE * ch);
  for (let ty = 0; ty * UNDO_TILE < h; ty++) {
    const y0 = ty * UNDO_TILE;
    const y1 = Math.min(h, y0 + UNDO_TILE);
    for (let tx = 0; tx < across; tx++) {
      const x0 = tx * UNDO_TILE;
      const x1 = Math.min(w, x0 + UNDO_TILE);
      let touched = false;
      for (let y = y0; y < y1 && !touched; y++) {
        for (let p = y * w + x0, end = y * w + x1; p < end; p++) {
          if (weight[p] !== 0) {
            touched = true;
            break;
          }
        }
      }
      if (!touched) continue;
      const row = (x1 - x0) * ch;
      const spill = keeper.spill && keeper.spillFailure === undefined ? keeper.spill : undefined;
      const tile = spill ? scratch.subarray(0, (y1 - y0) * row) : new Float32Array((y1 - y0) * row);
      for (let y = y0; y < y1; y++) tile.set(data.subarray((y * w + x0) * ch, (y * w + x1) * ch), (y - y0) * row);
      if (spill) {
        try {
          tiles.set(ty * across + tx, spill.write(tile));
          keeper.spilledBytes += tile.byteLength;
          continue;
        } catch (error) {
          // A full disk loses nothing: this tile and the rest stay in memory.
          keeper.spillFailure = error;
        }
      }
      tiles.set(ty * across + tx, spill ? tile.slice() : tile);
    }
  }
  return { frame, tiles };
}

/** Writes saved tiles back where they were, all it can; returns whether some could not be read back from the spill, and why. */
function putBack({ frame, tiles }: SavedTiles, spill: TileSpill | undefined): { failed: boolean; why?: unknown } {
  const { width: w, height: h, channels: ch, data } = frame;
  const across = Math.ceil(w / UNDO_TILE);
  const scratch = new Float32Array(UNDO_TILE * UNDO_TILE * ch);
  const result: { failed: boolean; why?: unknown } = { failed: false };
  for (const [index, kept] of tiles) {
    const x0 = (index % across) * UNDO_TILE;
    const y0 = Math.floor(index / across) * UNDO_TILE;
    const row = (Math.min(w, x0 + UNDO_TILE) - x0) * ch;
    const y1 = Math.min(h, y0 + UNDO_TILE);
    let tile: Float32Array;
    if (typeof kept === 'number') {
      tile = scratch.subarray(0, (y1 - y0) * row);
      try {
        spill!.read(kept, tile);
      } catch (error) {
        if (!result.failed) Object.assign(result, { failed: true, why: error });
        continue;
      }
    } else {
      tile = kept;
    }
    for (let y = y0; y < y1; y++) data.set(tile.subarray((y - y0) * row, (y - y0 + 1) * row), (y * w + x0) * ch);
  }
  return result;
}

/** Detects what moved between the frames and replaces it, in every frame but the reference, by the reference's content. */
export function deghostBracket(frames: LinearImage[], options: DeghostOptions): DeghostedBracket {
  const started = performance.now();
  const reference = options.reference ?? suggestReference(frames);
  if (!Number.isInteger(reference) || reference < 0 || reference >= frames.length) {
    throw new RangeError(`the deghosting reference must be a frame index 0..${frames.length - 1}, got ${reference}`);
  }
  const { width: w, height: h } = frames[0];
  const feather = options.feather ?? Math.max(2, Math.round(Math.min(w, h) / 150));
  if (!(feather >= 0) || !Number.isFinite(feather)) throw new RangeError(`feather must be a number of pixels >= 0, got ${feather}`);
  if (options.detection && options.detection.reference !== reference) {
    throw new RangeError(`the given ghost detection is for reference ${options.detection.reference}, not ${reference}`);
  }
  const detection = options.detection ?? detectGhosts(frames, { reference, threshold: options.threshold });
  const saved: SavedTiles[] | undefined = options.inPlace === 'undoable' ? [] : undefined;
  const keeper: TileKeeper = { spilledBytes: 0, ...(options.spill ? { spill: options.spill } : {}) };
  const out = frames.map((f, i) => {
    const m = detection.frameMasks[i];
    const map = detection.fromReference[i];
    if (i === reference || !m || !map || !m.data.includes(1)) return f;
    return replaceFromReference(f, frames[reference], map, featherMask(m, feather), options.inPlace, saved, keeper);
  });
  const undo = saved ? restorer(saved, keeper) : {};
  const summary: GhostSummary = {
    reference,
    width: w,
    height: h,
    mask: detection.mask,
    uncertainty: detection.uncertainty,
    area: detection.area,
    millis: performance.now() - started,
  };
  return { frames: out, detection, summary, ...undo };
}

/** DeghostedBracket.restore and its byte counts for what an undoable in-place deghosting saved. */
function restorer(saved: SavedTiles[], keeper: TileKeeper): Pick<DeghostedBracket, 'restore' | 'savedBytes' | 'spilledBytes' | 'spillFailure'> {
  let savedBytes = 0;
  for (const s of saved) for (const tile of s.tiles.values()) if (typeof tile !== 'number') savedBytes += tile.byteLength;
  const restore = (): void => {
    const lost: LinearImage[] = [];
    let why: unknown;
    for (const s of saved) {
      const back = putBack(s, keeper.spill);
      if (back.failed) {
        if (lost.length === 0) why = back.why;
        lost.push(s.frame);
      }
    }
    saved.length = 0;
    if (lost.length > 0) {
      const reason = why instanceof Error ? why.message : String(why);
      throw new DeghostUndoError(`the samples deghosting overwrote in ${lost.length} frame(s) could not be read back from the temporary file (${reason})`, lost);
    }
  };
  return {
    restore,
    savedBytes,
    ...(keeper.spill ? { spilledBytes: keeper.spilledBytes } : {}),
    ...(keeper.spillFailure !== undefined ? { spillFailure: keeper.spillFailure } : {}),
  };
}

/** Rounds of robust reweighting in the deghosted bracket's response fit (bench/ghost-plan-split.ts). */
const ROBUST_ROUNDS = 2;

/**
 * The exposure plan of a deghosted bracket: planned on the frames as deghosting left them (one scene
 * everywhere), with a response fit robust to readings that disagree with their sample's exposure.
 * Hiding the mask instead (its pixels read as clipped) moved the fit's noise bias, since it changes
 * which levels the samples fall at: on the ghost bench's 48 held-out scenes the response alone cost
 * 1.1 dB against the motion-free merge (same exposures, which are metadata's in both). Robust weights
 * stand in for the hiding where the mask missed something: a flicker the classical detector half
 * found bent a plain fit by 8-10 dB. The frames are not changed.
 */
export function planWithoutGhosts(frames: LinearImage[], options: PlanOptions): ExposurePlan {
  return planExposures(frames, options, { robustRounds: ROBUST_ROUNDS });
}

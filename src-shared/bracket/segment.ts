/**
 * Splitting one time-ordered run of shots into brackets and single frames by the exposure
 * pattern: the best-scoring partition, found by dynamic programming in O(n x maxFrames^2).
 */

import { AEB_COUNTS, describePattern, isClassicAeb, isLadderOrder, type ExposurePattern } from './pattern';
import { EXPOSURE_MODE_AUTO, EXPOSURE_MODE_AUTO_BRACKET } from './shot-info';

export interface SegmentFrame {
  /** Exposure in stops on a scale shared by the whole run. */
  ev: number;
  /** ExposureBiasValue, when the file has one. */
  bias?: number;
  /** EXIF ExposureMode, when the file has one. */
  mode?: number;
  /** The flash fired, when the file says. */
  flash?: boolean;
  /** Idle seconds since the previous frame of the run ended; undefined without capture times. */
  gapBefore?: number;
}

/**
 * 'auto-bracket': the camera says so (ExposureMode 2); 'compensation': auto exposure with the
 * exposure compensation changed between frames; 'manual': manual or unknown mode with
 * changed settings; 'metered': auto exposure with equal compensation, accepted only as a
 * strict ladder (the meter, not the photographer, may have changed the exposure).
 */
export type BracketKind = 'auto-bracket' | 'compensation' | 'manual' | 'metered';

export interface SegmentFit {
  /** Higher is more plausible; compared across partitions of the same run. */
  score: number;
  /** Pattern of the exposures the decision was made on (biases for 'compensation'). */
  pattern: ExposurePattern;
  kind: BracketKind;
}

export interface SegmentContext {
  /** No capture times: frames are consecutive only by file name, so demand an even ladder. */
  timeless: boolean;
  /** Exposures closer than this (stops) are the same. */
  tolerance: number;
  /**
   * Idle seconds between frames past which an untagged bracket must look deliberate: three or more frames in an
   * even ladder (a manual bracket on a self-timer, each frame seconds after the last). Default 3.
   */
  quickGapSeconds?: number;
}

/** Longest idle gap (s) inside an untagged auto exposure ladder. */
const METERED_MAX_GAP_S = 1;

/**
 * Smallest step (stops) between the exposures of a bracket the camera did not tag as one. Brackets for HDR
 * step by 2/3 of a stop or more (nominal speeds 2/3 apart differ by 0.58-0.74 of a stop as written); a third
 * of a stop is what auto ISO or a metering change between burst or timelapse frames looks like.
 */
export const MIN_UNTAGGED_STEP = 0.55;

/** Cost of one more group: ties between one bracket and two smaller ones go to the one. */
const GROUP_COST = 0.5;

/** How plausible it is that these consecutive frames, and no others, form one bracket; null when they cannot. */
export function evaluateSegment(frames: readonly SegmentFrame[], ctx: SegmentContext): SegmentFit | null {
  const k = frames.length;
  if (k < 2) return null;
  let mode: number | undefined;
  for (const f of frames) {
    if (f.mode === undefined) continue;
    if (mode === undefined) mode = f.mode;
    else if (mode !== f.mode) return null; // a bracket is shot in one exposure mode
  }
  let kind: BracketKind = 'manual';
  let values = frames.map((f) => f.ev);
  if (mode === EXPOSURE_MODE_AUTO_BRACKET) {
    kind = 'auto-bracket';
    // A frame the camera could not expose as asked (the shortest or longest shutter speed reached) repeats
    // another's settings; the bracket's offsets, which it records as the bias, still tell them apart.
    const biases = frames.map((f) => f.bias);
    if (biases.every((b): b is number => b !== undefined)) {
      // Bodies that record each frame's offset as its bias never record one twice in a set (those that record 0
      // for every frame have no offsets to go by): a repeated offset is the next set, whatever the meter did.
      if (Math.max(...biases) - Math.min(...biases) >= ctx.tolerance && !describePattern(biases, ctx.tolerance).distinct) return null;
      if (!describePattern(values, ctx.tolerance).distinct) values = biases;
    }
  } else if (mode === EXPOSURE_MODE_AUTO) {
    const biases = frames.map((f) => f.bias);
    const known = biases.every((b): b is number => b !== undefined);
    if (known && Math.max(...biases) - Math.min(...biases) >= ctx.tolerance) {
      kind = 'compensation';
      values = biases;
    } else {
      kind = 'metered';
    }
  }
  const pattern = describePattern(values, ctx.tolerance);
  if (!pattern.distinct) return null;
  const ladder = isLadderOrder(pattern.order);
  if ((ctx.timeless || kind === 'metered') && !(k >= 3 && ladder && pattern.evenSteps)) return null;
  // Auto exposure without a bracketing tag: only whole-stop ladders shot in one quick sequence
  // (a camera's AEB that does not say so), not a walk where the meter followed the scene.
  if (kind === 'metered') {
    if (pattern.step < 0.9) return null;
    for (let i = 1; i < k; i++) if (!(frames[i].gapBefore !== undefined && frames[i].gapBefore! <= METERED_MAX_GAP_S)) return null;
  }
  if (!ladder && kind !== 'auto-bracket') return null;
  if (kind !== 'auto-bracket' && pattern.minStep < MIN_UNTAGGED_STEP) return null;
  // Frames seconds apart (a self-timer for each frame of a manual bracket) pass only as a deliberate sequence: a
  // pair, or an uneven walk, that slow is a photographer changing the settings between two subjects.
  const quick = ctx.quickGapSeconds ?? 3;
  if (kind !== 'auto-bracket' && frames.some((f, i) => i > 0 && f.gapBefore !== undefined && f.gapBefore > quick) && !(k >= 3 && pattern.evenSteps)) return null;

  let perFrame = k === 2 ? 0.9 : 1;
  if (k >= 3) {
    if (pattern.evenSteps) perFrame += 0.3;
    if (pattern.order === 'center-first') perFrame += 0.3;
    else if (ladder) perFrame += 0.2;
    else perFrame -= 0.4;
  }
  if (kind === 'auto-bracket') {
    perFrame += 0.3;
    if (!AEB_COUNTS.has(k)) perFrame -= 0.3;
  }
  if (kind === 'metered') perFrame -= 0.3;
  return { score: k * perFrame - GROUP_COST, pattern, kind };
}

export interface Segment {
  /** First frame index in the run. */
  start: number;
  /** One past the last frame. */
  end: number;
  fit: SegmentFit;
}

/**
 * Frame `first` cannot share a bracket with frames first+1..end-1: a different exposure mode,
 * or the same exposure by settings and by bias.
 */
function clashesWithLater(frames: readonly SegmentFrame[], first: number, end: number, tolerance: number): boolean {
  const f = frames[first];
  for (let j = first + 1; j < end; j++) {
    const g = frames[j];
    if (f.mode !== undefined && g.mode !== undefined && f.mode !== g.mode) return true;
    // A frame lit by the flash and one not: a flash/no-flash pair, not a bracket of one scene's light.
    if (f.flash !== undefined && g.flash !== undefined && f.flash !== g.flash) return true;
    const sameEv = Math.abs(f.ev - g.ev) < tolerance;
    const sameBias = f.bias === undefined || g.bias === undefined || Math.abs(f.bias - g.bias) < tolerance;
    if (sameEv && sameBias) return true;
  }
  return false;
}

/**
 * Score per frame for a bracket whose exposures repeat, offset for offset, a bracket found elsewhere in its run:
 * a photographer brackets a scene after scene the same way, so a frame left over between two such sets (one
 * compensated shot) stays single rather than starting a bracket of its own with the next set's frames.
 */
const REPEAT_BONUS = 0.2;

/** The best partition of a run into brackets (returned) and single frames (the indices not covered). */
export function segmentRun(frames: readonly SegmentFrame[], ctx: SegmentContext, maxFrames: number): Segment[] {
  const fits = new Map<number, SegmentFit | null>();
  const fitOf = (start: number, end: number): SegmentFit | null => {
    const key = start * (maxFrames + 1) + (end - start);
    if (!fits.has(key)) fits.set(key, evaluateSegment(frames.slice(start, end), ctx));
    return fits.get(key)!;
  };
  const first = bestPartition(frames, ctx.tolerance, maxFrames, fitOf);
  const covered = first.reduce((sum, s) => sum + s.end - s.start, 0);
  if (first.length === 0 || covered === frames.length) return first;
  // Frames were left over: look again, preferring brackets that repeat one found elsewhere in the run.
  const found = first.map((s) => ({ s, values: offsetsOf(frames, s.start, s.end, s.fit.kind) }));
  const bonus = (start: number, end: number, fit: SegmentFit): number => {
    const values = offsetsOf(frames, start, end, fit.kind);
    const twin = found.some(({ s, values: other }) => s.start !== start && other.length === values.length && other.every((v, i) => Math.abs(v - values[i]) < ctx.tolerance));
    return twin ? REPEAT_BONUS * values.length : 0;
  };
  return bestPartition(frames, ctx.tolerance, maxFrames, fitOf, bonus);
}

/** The exposures a bracket of this kind was judged on, less the first: biases for compensation and recorded AEB offsets, else exposures. */
function offsetsOf(frames: readonly SegmentFrame[], start: number, end: number, kind: BracketKind): number[] {
  const run = frames.slice(start, end);
  const values = kind === 'compensation' || kind === 'auto-bracket' ? offsets(run) : run.map((f) => f.ev);
  return values.map((v) => v - values[0]);
}

function bestPartition(
  frames: readonly SegmentFrame[],
  tolerance: number,
  maxFrames: number,
  fitOf: (start: number, end: number) => SegmentFit | null,
  bonus: (start: number, end: number, fit: SegmentFit) => number = () => 0,
): Segment[] {
  const n = frames.length;
  const best = new Float64Array(n + 1);
  const choice = new Int32Array(n + 1); // frames in the segment ending here; 1 = a single
  const fits: (SegmentFit | null)[] = new Array(n + 1).fill(null);
  for (let i = 1; i <= n; i++) {
    best[i] = best[i - 1];
    choice[i] = 1;
    for (let k = 2; k <= Math.min(maxFrames, i); k++) {
      if (clashesWithLater(frames, i - k, i, tolerance)) break; // so would every longer segment
      const fit = fitOf(i - k, i);
      if (!fit) continue;
      const score = best[i - k] + fit.score + bonus(i - k, i, fit);
      if (score > best[i] + 1e-9) {
        best[i] = score;
        choice[i] = k;
        fits[i] = fit;
      }
    }
  }
  const segments: Segment[] = [];
  for (let i = n; i > 0; ) {
    const k = choice[i];
    if (k > 1) segments.push({ start: i - k, end: i, fit: fits[i]! });
    i -= k;
  }
  return segments.reverse();
}

/** Longest idle gap (s), timestamps taken as they are, between frames that count as one quick sequence here. */
const INTERLEAVED_GAP_S = 1;

/**
 * The brackets (indices into `segments`) that look like two bodies' frames interleaved: two bodies of one model
 * that nothing in the files tells apart, shooting the same scene at once. One body's auto exposure bracketing
 * repeats one cycle of offsets set after set, in one of its orders, and takes a set whole; interleaved, the frames
 * cut into brackets of one size with different offsets, brackets in no camera's order, or leave a frame over
 * beside a bracket that has its exposure. Looked at only among frames the camera tagged as auto-bracketed that
 * follow within a second (`idleBefore`, s, per frame): a test shot before a bracket is not tagged, and changing
 * the bracketing takes longer. A bracket so marked marks the tagged brackets it touches.
 */
export function interleavedSegments(frames: readonly SegmentFrame[], segments: readonly Segment[], idleBefore: readonly number[], tolerance: number): Set<number> {
  const mixed = new Set<number>();
  const quick = (i: number): boolean => idleBefore[i] <= INTERLEAVED_GAP_S;
  const tagged = (k: number): boolean => segments[k].fit.kind === 'auto-bracket';
  const touching = (k: number): boolean => k > 0 && segments[k - 1].end === segments[k].start && quick(segments[k].start) && tagged(k - 1) && tagged(k);
  const sets = segments.map((s) => offsets(frames.slice(s.start, s.end)));
  const cameraOrder = (x: number[]): boolean => x.length === 2 || isClassicAeb(describePattern(x, tolerance));
  for (let k = 1; k < segments.length; k++) {
    if (!touching(k)) continue;
    const [x, y] = [sets[k - 1], sets[k]];
    const differ = x.length === y.length && x.some((v, i) => Math.abs(v - y[i]) >= tolerance);
    if (differ || !cameraOrder(x) || !cameraOrder(y)) mixed.add(k - 1).add(k);
  }
  const covered = new Int32Array(frames.length).fill(-1);
  segments.forEach((s, k) => covered.fill(k, s.start, s.end));
  const repeats = (f: SegmentFrame, s: Segment): boolean =>
    frames.slice(s.start, s.end).some((g) => Math.abs(g.ev - f.ev) < tolerance && (f.bias === undefined || g.bias === undefined || Math.abs(g.bias - f.bias) < tolerance));
  for (let i = 0; i < frames.length; i++) {
    if (covered[i] >= 0 || frames[i].mode !== EXPOSURE_MODE_AUTO_BRACKET) continue;
    for (const j of [i - 1, i + 1]) {
      const k = j >= 0 && j < frames.length ? covered[j] : -1;
      if (k >= 0 && quick(Math.max(i, j)) && tagged(k) && repeats(frames[i], segments[k])) mixed.add(k);
    }
  }
  // Spread along touching tagged brackets: they share the frames' mix-up.
  for (let k = 1; k < segments.length; k++) if (touching(k) && mixed.has(k - 1)) mixed.add(k);
  for (let k = segments.length - 1; k > 0; k--) if (touching(k) && mixed.has(k)) mixed.add(k - 1);
  return mixed;
}

/** A tagged set's offsets in shooting order: the biases the camera recorded where they differ, or else its exposures less the first. */
function offsets(frames: readonly SegmentFrame[]): number[] {
  const biases = frames.map((f) => f.bias);
  if (biases.every((b): b is number => b !== undefined) && Math.max(...biases) - Math.min(...biases) > 0) return biases;
  return frames.map((f) => f.ev - frames[0].ev);
}

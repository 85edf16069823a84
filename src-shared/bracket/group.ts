/**
 * Finding brackets among shots: same body, lens and size; consecutive capture times; an
 * exposure pattern. O(n log n): one sort per body, linear scans and a bounded DP per run.
 */

import { splitByCounters } from './body-streams';
import { mergeCompanions, type MergedShot } from './companions';
import { sortByTimeThenCounter } from './file-counter';
import { dirName, stemOf } from './file-kind';
import { compareNatural } from './natural-sort';
import { describeGroup } from './reason';
import { interleavedSegments, segmentRun, type SegmentFit } from './segment';
import { SAME_EXPOSURE_STOPS } from './pattern';
import { EXPOSURE_MODE_AUTO_BRACKET, EXPOSURE_MODE_MANUAL, shotExposure, type ShotInfo } from './shot-info';

export interface BracketGroup {
  /** In capture order (file-name order when there are no capture times). */
  files: string[];
  /** log2 relative exposure of each frame (+1 = one stop brighter), 0 for the middle frame. */
  exposureValues: number[];
  /** One sentence saying why these files belong together. */
  reason: string;
  /** 0..1: how sure the grouping is. */
  confidence: number;
  /**
   * Frames shot in this bracket that cannot be merged (import's structural check: cut short, misnamed), left out
   * of `files`, with the reason; absent when there are none.
   */
  missing?: { file: string; message: string }[];
}

export interface GroupResult {
  groups: BracketGroup[];
  /** Files that belong to no bracket (singles, bursts, files without exposure data), in natural order. */
  ungrouped: string[];
  /** Same-shot copies set aside (a JPEG beside its RAW), each with the file that stands for the shot, in natural order. */
  companions: { file: string; of: string }[];
}

export interface GroupOptions {
  /** Idle seconds between frames (after the previous exposure ends) that always split a sequence. Default 3. */
  maxGapSeconds?: number;
  /** A gap this many times the typical gap of its sequence splits it. Default 4. */
  gapFactor?: number;
  /** Gaps up to this many seconds never split by the relative rule. Default 1. */
  minSplitGapSeconds?: number;
  /** Most frames in one bracket. Default 15. */
  maxFrames?: number;
  /** Exposures closer than this (stops) are the same exposure. Default 1/6. */
  sameExposureStops?: number;
}

/** One shot on its way through grouping. */
export interface Frame {
  merged: MergedShot;
  file: string;
  time?: number;
  ev?: number;
  evSource?: 'settings' | 'bias';
  bias?: number;
  mode?: number;
  /** Idle seconds since the previous frame (by time) ended, whole-second timestamps given the benefit of the doubt. */
  gapBefore?: number;
  /** The same, whole-second timestamps taken as they are. */
  idleBefore?: number;
}

/** A bracket found in a run, with what describeGroup needs to explain it. */
export interface FoundBracket {
  frames: Frame[];
  fit: SegmentFit;
  timeless: boolean;
  /** Another bracket of the same run touches this one: the exposure pattern, not time, split them. */
  splitByPattern: boolean;
  /** Its run looks like two bodies' frames interleaved, which nothing in the files told apart (segment.ts, interleavedSegments). */
  mixedBodies: boolean;
}

/** Longest idle gap (s) between frames the camera tagged as auto-bracketed (GroupOptions.maxGapSeconds for the rest). */
const AEB_MAX_GAP_SECONDS = 10;

/**
 * Longest idle gap (s) between two frames shot in manual exposure (or whose files do not say): a manual bracket
 * on a 2 s self-timer, the dial turned between frames, leaves 4-5 s between them. Past GroupOptions.maxGapSeconds
 * such frames form a bracket only as an even ladder of three or more (segment.ts, quickGapSeconds).
 */
const MANUAL_MAX_GAP_SECONDS = 8;

const norm = (s: string | undefined): string => (s ?? '').trim().replace(/\s+/g, ' ').toLowerCase();

/**
 * Programs that rewrite EXIF Software when they save a file: there it names the program, not the body's
 * firmware, and one frame of a bracket touched by one of them must not leave its bracket.
 */
const EDITOR_SOFTWARE = /adobe|photoshop|lightroom|camera raw|gimp|capture one|darktable|rawtherapee|dxo|affinity|luminar|acdsee|picasa|paint\.net|imagemagick|exiftool|digikam|luxfuse|microsoft|snapseed|silkypix|\bon1\b|helicon|aurora|photomatix|hugin/i;

/** A camera's firmware version from EXIF Software, or '' where it has none or that names an editing program. */
function firmwareOf(s: ShotInfo): string {
  return s.software && !EDITOR_SOFTWARE.test(s.software) ? norm(s.software) : '';
}

/**
 * Same camera body, lens, focal length and image size. Two bodies of one model without serial numbers still
 * differ where their owners set a name (CameraOwnerName, Artist) or in their lenses' serials (and firmware:
 * byFirmware).
 */
function bodyKey(s: ShotInfo): string {
  const focal = s.focalLength === undefined ? '' : (Math.round(s.focalLength * 10) / 10).toString();
  const size = s.width && s.height ? `${s.width}x${s.height}` : '';
  return [norm(s.make), norm(s.model), norm(s.serial), norm(s.owner), norm(s.artist), norm(s.lensModel), norm(s.lensSerial), focal, size].join('\u0000');
}

/**
 * One body's frames split by firmware version where they name two or more: bodies of one model on different
 * firmware. A frame without one (an editor rewrote its Software) stays with the rest when there is only one.
 */
function byFirmware(frames: Frame[]): Frame[][] {
  const versions = new Map<string, Frame[]>();
  for (const f of frames) {
    const v = firmwareOf(f.merged.shot);
    const list = versions.get(v);
    if (list) list.push(f);
    else versions.set(v, [f]);
  }
  const named = [...versions.keys()].filter((v) => v !== '').length;
  return named >= 2 ? [...versions.values()] : [frames];
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const byName = (a: Frame, b: Frame): number => compareNatural(a.file, b.file);

/**
 * Timed frames in the order they were shot: by capture time, and frames that share a time (whole-second
 * timestamps, several frames a second) by their file counters, which wrap (IMG_9999 before IMG_0001).
 */
function inShootingOrder(frames: Frame[]): Frame[] {
  return sortByTimeThenCounter(frames, (f) => f.time!, (f) => f.file, byName);
}

/**
 * The time-sorted frames less copies: files of one body with the same capture time and the same settings whose
 * names say they are one file saved twice ("IMG_0001 - Copy.JPG", "IMG_0001 (1).JPG", one name in two folders: one
 * name's stem begins the other's). The shortest name stays; the copies are left ungrouped, where they would otherwise
 * split the bracket as a repeated exposure. Two shots that only share a whole-second time and settings (fast bracket
 * sets without sub-seconds: IMG_0001 and IMG_0004) are not copies.
 */
function withoutCopies(timed: Frame[]): Frame[] {
  const settings = (f: Frame): string => {
    const s = f.merged.shot;
    return [s.exposureTime, s.fNumber, s.iso, s.exposureBias, s.exposureMode].join('|');
  };
  const copies = new Set<Frame>();
  for (let i = 0; i < timed.length; ) {
    let j = i + 1;
    while (j < timed.length && timed[j].time === timed[i].time) j++;
    const same = timed.slice(i, j).sort((a, b) => a.file.length - b.file.length || compareNatural(a.file, b.file));
    same.forEach((f, a) => {
      if (copies.has(f)) return;
      const stem = stemOf(f.file);
      for (const g of same.slice(a + 1)) if (!copies.has(g) && settings(g) === settings(f) && stemOf(g.file).startsWith(stem)) copies.add(g);
    });
    i = j;
  }
  return copies.size ? timed.filter((f) => !copies.has(f)) : timed;
}

/** Two frames of different exposure (or of unknown exposure): they may belong to one bracket. */
function exposureChanged(a: Frame, b: Frame, tolerance: number): boolean {
  if (a.ev === undefined || b.ev === undefined || a.evSource !== b.evSource) return true;
  const sameBias = a.bias === undefined || b.bias === undefined || Math.abs(a.bias - b.bias) < tolerance;
  return !(Math.abs(a.ev - b.ev) < tolerance && sameBias);
}

/** Manual exposure, or a file that does not say. */
function notAuto(mode: number | undefined): boolean {
  return mode === undefined || mode === EXPOSURE_MODE_MANUAL;
}

/** Split time-sorted frames where the idle gap is too long, absolutely or against the run's typical gap. */
function splitByTime(frames: Frame[], o: Required<GroupOptions>): Frame[][] {
  const n = frames.length;
  const exposure = new Float64Array(n);
  frames.forEach((f, i) => (exposure[i] = f.merged.shot.exposureTime ?? 0));
  // idle[i]: seconds between the end of frame i-1 and the start of frame i
  const idle = new Float64Array(n);
  // Whole-second timestamps (no SubSecTime) make a 0.2 s gap look like up to 1 s.
  const slack = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    idle[i] = Math.max(0, (frames[i].time! - frames[i - 1].time!) / 1000 - exposure[i - 1]);
    slack[i] = frames[i].time! % 1000 === 0 && frames[i - 1].time! % 1000 === 0 ? 1 : 0;
    frames[i].gapBefore = Math.max(0, idle[i] - slack[i]);
    frames[i].idleBefore = idle[i];
  }
  // Long exposures may be followed by a dark frame as long (long-exposure noise reduction), so
  // they earn their length again: `spare` is the idle time past it.
  const spare = new Float64Array(n);
  for (let i = 1; i < n; i++) spare[i] = Math.max(0, idle[i] - exposure[i - 1]);
  // Absolute splits first, as [start, end) index ranges. Frames the camera tagged as auto-bracketed
  // may be further apart (single-shot drive, a wait for a passer-by): its cycle of offsets, not
  // time, ends a set.
  const runs: [number, number][] = [];
  let start = 0;
  for (let i = 1; i <= n; i++) {
    const tagged = i < n && frames[i].mode === EXPOSURE_MODE_AUTO_BRACKET && frames[i - 1].mode === EXPOSURE_MODE_AUTO_BRACKET;
    const manual = i < n && notAuto(frames[i].mode) && notAuto(frames[i - 1].mode);
    const limit = tagged ? AEB_MAX_GAP_SECONDS : manual ? Math.max(o.maxGapSeconds, MANUAL_MAX_GAP_SECONDS) : o.maxGapSeconds;
    if (i === n || spare[i] > limit + slack[i]) {
      runs.push([start, i]);
      start = i;
    }
  }
  // Then gaps much longer than the run's typical gap: typical among the gaps where the exposure
  // changed, as between a bracket's frames; a burst's or a timelapse's frames (one exposure, never
  // one bracket) would otherwise make a bracket's slower pace look like pauses.
  const out: Frame[][] = [];
  for (const [a, b] of runs) {
    let limit = Infinity;
    if (b - a >= 3) {
      const all = Array.from(spare.subarray(a + 1, b));
      const changing = all.filter((_, j) => exposureChanged(frames[a + j], frames[a + j + 1], o.sameExposureStops));
      limit = Math.max(o.gapFactor * median(changing.length ? changing : all), o.minSplitGapSeconds);
    }
    out.push([frames[a]]);
    for (let i = a + 1; i < b; i++) {
      if (spare[i] > limit + slack[i]) out.push([]);
      out[out.length - 1].push(frames[i]);
    }
  }
  return out;
}

/** Split where a frame has no exposure or its exposure is on another scale (bias vs settings). */
function splitByExposureSource(frames: Frame[]): Frame[][] {
  const out: Frame[][] = [];
  let run: Frame[] = [];
  for (const f of frames) {
    if (f.ev === undefined || (run.length && run[0].evSource !== f.evSource)) {
      if (run.length) out.push(run);
      run = [];
      if (f.ev === undefined) continue;
    }
    run.push(f);
  }
  if (run.length) out.push(run);
  return out;
}

function findInRun(run: Frame[], timeless: boolean, o: Required<GroupOptions>): FoundBracket[] {
  const frames = run.map((f, i) => ({ ev: f.ev!, bias: f.bias, mode: f.mode, flash: f.merged.shot.flashFired, gapBefore: i > 0 ? f.gapBefore : undefined }));
  const segs = segmentRun(frames, { timeless, tolerance: o.sameExposureStops, quickGapSeconds: o.maxGapSeconds }, o.maxFrames);
  const mixed = timeless ? new Set<number>() : interleavedSegments(frames, segs, run.map((f, i) => (i > 0 ? f.idleBefore! : Infinity)), o.sameExposureStops);
  return segs.map((s, i) => ({
    frames: run.slice(s.start, s.end),
    fit: s.fit,
    timeless,
    splitByPattern: (i > 0 && segs[i - 1].end === s.start) || (i + 1 < segs.length && segs[i + 1].start === s.end),
    mixedBodies: mixed.has(i),
  }));
}

export function groupBrackets(shots: readonly ShotInfo[], opts: GroupOptions = {}): GroupResult {
  const o: Required<GroupOptions> = {
    maxGapSeconds: opts.maxGapSeconds ?? 3,
    gapFactor: opts.gapFactor ?? 4,
    minSplitGapSeconds: opts.minSplitGapSeconds ?? 1,
    maxFrames: opts.maxFrames ?? 15,
    sameExposureStops: opts.sameExposureStops ?? SAME_EXPOSURE_STOPS,
  };
  const seen = new Set<string>();
  const unique = shots.filter((s) => !seen.has(s.file) && seen.add(s.file));

  const bodies = new Map<string, Frame[]>();
  for (const merged of mergeCompanions(unique)) {
    const s = merged.shot;
    const exposure = shotExposure(s);
    const frame: Frame = {
      merged,
      file: s.file,
      time: s.captureTime !== undefined && Number.isFinite(s.captureTime) ? s.captureTime : undefined,
      ev: exposure?.ev,
      evSource: exposure?.source,
      bias: s.exposureBias !== undefined && Number.isFinite(s.exposureBias) ? s.exposureBias : undefined,
      mode: s.exposureMode,
    };
    const key = bodyKey(s);
    const list = bodies.get(key);
    if (list) list.push(frame);
    else bodies.set(key, [frame]);
  }

  const found: FoundBracket[] = [];
  for (const frames of [...bodies.values()].flatMap(byFirmware)) {
    const timed = withoutCopies(inShootingOrder(frames.filter((f) => f.time !== undefined)));
    for (const stream of splitByCounters(timed, (f) => f.file, (f) => f.time!)) {
      for (const run of splitByTime(stream, o)) {
        for (const sub of splitByExposureSource(run)) found.push(...findInRun(sub, false, o));
      }
    }
    const timeless = frames.filter((f) => f.time === undefined).sort((a, b) => compareNatural(a.file, b.file));
    const byFolder: Frame[][] = [];
    timeless.forEach((f, i) => {
      if (i === 0 || dirName(f.file) !== dirName(timeless[i - 1].file)) byFolder.push([]);
      byFolder[byFolder.length - 1].push(f);
    });
    for (const folder of byFolder) {
      for (const sub of splitByExposureSource(folder)) found.push(...findInRun(sub, true, o));
    }
  }

  const grouped = new Set<string>();
  for (const b of found) for (const f of b.frames) grouped.add(f.file);
  sortByTimeThenCounter(found, (b) => b.frames[0].time ?? Infinity, (b) => b.frames[0].file, (a, b) => byName(a.frames[0], b.frames[0]));
  const ungrouped: string[] = [];
  const companions: { file: string; of: string }[] = [];
  for (const frames of bodies.values()) {
    for (const f of frames) {
      if (!grouped.has(f.file)) ungrouped.push(f.file);
      for (const c of f.merged.companions) companions.push({ file: c, of: f.file });
    }
  }
  companions.sort((a, b) => compareNatural(a.file, b.file));
  return { groups: found.map(describeGroup), ungrouped: ungrouped.sort(compareNatural), companions };
}

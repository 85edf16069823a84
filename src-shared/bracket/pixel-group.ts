/**
 * Brackets among files that carry no exposure data, found from their pixels: consecutive frames (by
 * capture time where every one has it, else by file name within a folder) that show one scene
 * (pixel-probe.ts) and step in brightness as a bracket does. The exposures are measured from the
 * pixels, so the same rules as for EXIF exposures apply to them: a ladder (or the metered frame first),
 * steps of at least MIN_UNTAGGED_STEP, no exposure twice (segment.ts).
 */
import { dirName } from './file-kind';
import type { BracketGroup } from './group';
import { compareNatural } from './natural-sort';
import { describePattern, SAME_EXPOSURE_STOPS } from './pattern';
import { compareProbes, SAME_SCENE_STRUCTURE, type PixelProbe } from './pixel-probe';
import { cameraLabel, formatStops, ORDER_TEXT, referenceExposure } from './reason';
import { evaluateSegment, segmentRun } from './segment';
import type { ShotInfo } from './shot-info';

export interface ProbedShot {
  shot: ShotInfo;
  probe: PixelProbe;
}

export interface PixelGroupOptions {
  /** Most frames in one bracket. Default 15. */
  maxFrames?: number;
  /** Seconds between two frames' capture times (where both have one) that always split them. Default 120. */
  maxGapSeconds?: number;
}

/** A frame of a chain: one scene with the frames before it, its exposure measured against them. */
interface Linked {
  shot: ShotInfo;
  probe: PixelProbe;
  /** Stops from the chain's first frame. */
  ev: number;
  /** The structure correlation that linked it (1 for the first frame). */
  structure: number;
}

/** A frame is compared with this many frames before it: a centre-first order puts +2 two frames after +1. */
const LOOK_BACK = 4;

/** A frame is measured against a chain member sharing at least 1/SHARED_ENOUGH of the most pixels any member shares with it. */
const SHARED_ENOUGH = 2;

function time(s: ShotInfo): number | undefined {
  return s.captureTime !== undefined && Number.isFinite(s.captureTime) ? s.captureTime : undefined;
}

/** Frames that may be consecutive shots: one folder (or one camera body, where the files say) and one image shape. */
function bucketKey(p: ProbedShot): string {
  const s = p.shot;
  return [dirName(s.file), s.make?.trim().toLowerCase() ?? '', s.model?.trim().toLowerCase() ?? '', `${p.probe.width}x${p.probe.height}`].join('\u0000');
}

/**
 * Splits time- or name-ordered frames into chains of one scene: each frame joins the chain when it shows the
 * scene of one of the chain's last LOOK_BACK frames, and its exposure is measured against the one nearest to it in
 * exposure among those sharing enough well-exposed pixels with it (a frame two stops from its neighbour but one
 * from an earlier frame is measured against the earlier one).
 */
function chains(frames: ProbedShot[], o: Required<PixelGroupOptions>): Linked[][] {
  const out: Linked[][] = [];
  let chain: Linked[] = [];
  for (const f of frames) {
    let best: { from: Linked; stops: number; shared: number; structure: number } | null = null;
    const prev = chain[chain.length - 1];
    const t0 = prev && time(prev.shot);
    const t1 = time(f.shot);
    const tooLate = t0 !== undefined && t1 !== undefined && Math.abs(t1 - t0) > o.maxGapSeconds * 1000;
    if (!tooLate) {
      const links: { from: Linked; stops: number; shared: number; structure: number }[] = [];
      for (const member of chain.slice(-LOOK_BACK)) {
        const m = compareProbes(member.probe, f.probe);
        if (m && m.structure >= SAME_SCENE_STRUCTURE) links.push({ from: member, stops: m.stops, shared: m.shared, structure: m.structure });
      }
      // Of the frames sharing enough pixels with it, the nearest in exposure: its neighbour in a ladder, the metered
      // frame for a centre-first order's +2 (not -2). Frames of a long bracket past its middle share about the same
      // pixels (the brighter frame's clipping decides), and a pair four stops apart, more of them on the tone curve's
      // toe and shoulder, reads a stop short.
      const most = Math.max(0, ...links.map((l) => l.shared));
      for (const l of links) {
        if (l.shared * SHARED_ENOUGH < most) continue;
        if (!best || Math.abs(l.stops) < Math.abs(best.stops)) best = l;
      }
    }
    if (!best) {
      if (chain.length > 1) out.push(chain);
      chain = [{ shot: f.shot, probe: f.probe, ev: 0, structure: 1 }];
      continue;
    }
    chain.push({ shot: f.shot, probe: f.probe, ev: best.from.ev + best.stops, structure: best.structure });
  }
  if (chain.length > 1) out.push(chain);
  return out;
}

function describe(frames: Linked[], timed: boolean): BracketGroup {
  const evs = frames.map((f) => f.ev);
  const reference = referenceExposure(evs);
  // Measured from a few thousand pixels through the camera's tone curve: a tenth of a stop is all they say.
  const exposureValues = evs.map((ev) => Math.round((ev - reference) * 10) / 10 || 0);
  const first = frames[0].shot;
  const camera = first.make || first.model ? ` from ${cameraLabel(first)}` : '';
  const parts = [`${frames.length} frames${camera} without exposure data in their files`];
  if (timed) {
    const span = (time(frames[frames.length - 1].shot)! - time(first)!) / 1000;
    parts.push(`taken within ${span < 10 ? span.toFixed(1) : Math.round(span)} s`);
  } else {
    parts.push('consecutive by file name');
  }
  parts.push('one scene by their pixels');
  parts.push(`exposures ${exposureValues.map(formatStops).join('/')} EV measured from the pixels`);
  const pattern = describePattern(evs);
  if (pattern.order !== 'other') parts.push(ORDER_TEXT[pattern.order]);
  const weakest = Math.min(...frames.slice(1).map((f) => f.structure));
  let confidence = frames.length >= 3 ? 0.5 : 0.4;
  if (weakest >= 0.9) confidence += 0.1;
  if (timed) confidence += 0.05;
  return { files: frames.map((f) => f.shot.file), exposureValues, reason: parts.join(', '), confidence };
}

/** Brackets among `shots` (files without exposure data) by their pixels; the rest are left out of the result. */
export function groupByPixels(shots: readonly ProbedShot[], opts: PixelGroupOptions = {}): BracketGroup[] {
  const o: Required<PixelGroupOptions> = { maxFrames: opts.maxFrames ?? 15, maxGapSeconds: opts.maxGapSeconds ?? 120 };
  const buckets = new Map<string, ProbedShot[]>();
  for (const p of shots) {
    const key = bucketKey(p);
    const list = buckets.get(key);
    if (list) list.push(p);
    else buckets.set(key, [p]);
  }
  const found: { frames: Linked[]; timed: boolean }[] = [];
  for (const bucket of buckets.values()) {
    const timed = bucket.every((p) => time(p.shot) !== undefined);
    bucket.sort((a, b) => (timed ? time(a.shot)! - time(b.shot)! : 0) || compareNatural(a.shot.file, b.shot.file));
    for (const chain of chains(bucket, o)) {
      const evs = chain.map((f) => ({ ev: f.ev }));
      const ctx = { timeless: false, tolerance: SAME_EXPOSURE_STOPS };
      // The chain in pieces, brackets and single frames, in order.
      const pieces: { start: number; end: number }[] = [];
      for (const s of segmentRun(evs, ctx, o.maxFrames)) {
        for (let i = pieces.length ? pieces[pieces.length - 1].end : 0; i < s.start; i++) pieces.push({ start: i, end: i + 1 });
        pieces.push({ start: s.start, end: s.end });
      }
      for (let i = pieces.length ? pieces[pieces.length - 1].end : 0; i < chain.length; i++) pieces.push({ start: i, end: i + 1 });
      // Exposures measured from pixels step unevenly (a stop reads 0.9-1.4 through a tone curve, less near black or
      // white), so the even-steps score splits a long ladder into even ones, or leaves its end frame out. Neighbouring
      // pieces of one scene that together still pass as one bracket (a ladder, no exposure twice) are one.
      const joined: { start: number; end: number }[] = [];
      for (const p of pieces) {
        const last = joined[joined.length - 1];
        if (last && p.end - last.start <= o.maxFrames && evaluateSegment(evs.slice(last.start, p.end), ctx)) last.end = p.end;
        else joined.push({ ...p });
      }
      for (const s of joined) if (s.end - s.start > 1) found.push({ frames: chain.slice(s.start, s.end), timed });
    }
  }
  found.sort((a, b) => (time(a.frames[0].shot) ?? Infinity) - (time(b.frames[0].shot) ?? Infinity) || compareNatural(a.frames[0].shot.file, b.frames[0].shot.file));
  return found.map((f) => describe(f.frames, f.timed));
}

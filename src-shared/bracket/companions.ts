/**
 * RAW+JPEG (and TIFF) copies of one exposure: same folder, same name, same capture time.
 * One file stands for the shot, the others ride along and are never frames of their own.
 */

import { companionRank, dirName, stemOf } from './file-kind';
import { compareNatural } from './natural-sort';
import type { ShotInfo } from './shot-info';

export interface MergedShot {
  /** The preferred file's info, with gaps (not size) filled from its companions. */
  shot: ShotInfo;
  /** The other files of the same exposure. */
  companions: string[];
}

/** Capture times of one shot's files may differ when only one of them has sub-seconds. */
const SAME_SHOT_MS = 1000;

function norm(s: string | undefined): string | undefined {
  return s?.trim().toLowerCase() || undefined;
}

function conflicts(a: string | undefined, b: string | undefined): boolean {
  const x = norm(a);
  const y = norm(b);
  return x !== undefined && y !== undefined && x !== y;
}

/** Same exposure unless a field both files have says otherwise. */
function sameShot(a: ShotInfo, b: ShotInfo): boolean {
  if (a.captureTime !== undefined && b.captureTime !== undefined && Math.abs(a.captureTime - b.captureTime) >= SAME_SHOT_MS) {
    return false;
  }
  if (conflicts(a.make, b.make) || conflicts(a.model, b.model) || conflicts(a.serial, b.serial)) return false;
  return true;
}

const FILLABLE = [
  'exposureTime',
  'fNumber',
  'iso',
  'exposureBias',
  'exposureMode',
  'captureTime',
  'make',
  'model',
  'serial',
  'owner',
  'artist',
  'software',
  'lensModel',
  'lensSerial',
  'focalLength',
] as const satisfies readonly (keyof ShotInfo)[];

function fillGap<K extends keyof ShotInfo>(target: ShotInfo, source: ShotInfo, field: K): void {
  if (target[field] === undefined && source[field] !== undefined) target[field] = source[field];
}

/** Collapse companions; the result keeps the input order of the files it keeps. */
export function mergeCompanions(shots: readonly ShotInfo[]): MergedShot[] {
  const byStem = new Map<string, ShotInfo[]>();
  for (const shot of shots) {
    const key = `${dirName(shot.file)}\u0000${stemOf(shot.file).toLowerCase()}`;
    const list = byStem.get(key);
    if (list) list.push(shot);
    else byStem.set(key, [shot]);
  }
  const merged = new Map<ShotInfo, MergedShot>();
  for (const list of byStem.values()) {
    if (list.length === 1) {
      merged.set(list[0], { shot: list[0], companions: [] });
      continue;
    }
    const ranked = [...list].sort((a, b) => companionRank(a.file) - companionRank(b.file) || compareNatural(a.file, b.file));
    const kept: MergedShot[] = [];
    for (const shot of ranked) {
      const home = kept.find((m) => sameShot(m.shot, shot));
      if (!home) {
        const m = { shot: { ...shot }, companions: [] };
        kept.push(m);
        merged.set(shot, m);
        continue;
      }
      home.companions.push(shot.file);
      for (const field of FILLABLE) fillGap(home.shot, shot, field);
    }
  }
  return shots.flatMap((s) => {
    const m = merged.get(s);
    return m ? [m] : [];
  });
}

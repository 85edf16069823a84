/** Turning a found bracket into what the user sees: relative exposures, a sentence, a confidence. */

import type { BracketGroup, FoundBracket, Frame } from './group';
import { isClassicAeb, SAME_EXPOSURE_STOPS } from './pattern';
import { nominalStops, type ShotInfo } from './shot-info';

/** Relative exposure to 0.01 stop (and never -0). */
function roundStops(ev: number): number {
  return Math.round(ev * 100) / 100 || 0;
}

/** 'NIKON D750 #1234', without repeating a make the model already names. */
export function cameraLabel(s: ShotInfo): string {
  const make = s.make?.trim() ?? '';
  const model = s.model?.trim() ?? '';
  const makeWord = make.split(/\s+/)[0]?.toLowerCase() ?? '';
  let name = model && makeWord && model.toLowerCase().startsWith(makeWord) ? model : [make, model].filter(Boolean).join(' ');
  if (!name) name = 'an unknown camera';
  const serial = s.serial?.trim();
  return serial ? `${name} #${serial}` : name;
}

export function formatStops(ev: number): string {
  const text = Number.isInteger(ev) ? String(ev) : ev.toFixed(1);
  return ev > 0 ? `+${text}` : text;
}

function formatSeconds(ms: number, wholeSeconds: boolean): string {
  const s = ms / 1000;
  return wholeSeconds ? `${Math.round(s)} s` : `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}

const KIND_TEXT = {
  'auto-bracket': 'auto-bracket',
  compensation: 'exposure compensation bracket',
  manual: 'manual bracket',
  metered: 'no bracketing tag but a regular exposure ladder',
} as const;

export const ORDER_TEXT = {
  'center-first': 'metered frame first',
  ascending: 'dark to bright',
  descending: 'bright to dark',
  other: 'unusual order',
} as const;

/** Brightest minus darkest of a setting, in stops; undefined unless every frame has it. */
function spreadStops(frames: Frame[], stopsOf: (s: ShotInfo) => number | undefined): number | undefined {
  const stops = frames.map((f) => stopsOf(f.merged.shot));
  if (stops.some((x) => x === undefined || !Number.isFinite(x))) return undefined;
  return Math.max(...(stops as number[])) - Math.min(...(stops as number[]));
}

const positive = (x: number | undefined): number | undefined => (x !== undefined && x > 0 ? x : undefined);
const apertureStops = (s: ShotInfo): number | undefined => (positive(s.fNumber) === undefined ? undefined : nominalStops(s.fNumber! ** 2));
const isoStops = (s: ShotInfo): number | undefined => (positive(s.iso) === undefined ? undefined : nominalStops(s.iso! / 100));
const shutterStops = (s: ShotInfo): number | undefined => (positive(s.exposureTime) === undefined ? undefined : nominalStops(s.exposureTime!));

/** The frames' f-numbers differ: each frame has its own depth of field, which no merge makes one. */
function apertureVaries(frames: Frame[]): boolean {
  return (spreadStops(frames, apertureStops) ?? 0) >= SAME_EXPOSURE_STOPS;
}

/** Which settings made the bracket, where it is not the shutter speed alone: aperture (flagged), or ISO alone. */
function settingsNote(frames: Frame[]): string | undefined {
  const range = (values: number[], format: (x: number) => string): string => `${format(Math.min(...values))} to ${format(Math.max(...values))}`;
  if (apertureVaries(frames)) {
    const f = range(frames.map((x) => x.merged.shot.fNumber!), (n) => `f/${Number(n.toFixed(1))}`);
    return `the aperture varies (${f}): the depth of field differs between frames, so what is sharp in one may be soft in another`;
  }
  const iso = spreadStops(frames, isoStops) ?? 0;
  const shutter = spreadStops(frames, shutterStops);
  if (iso >= SAME_EXPOSURE_STOPS && shutter !== undefined && shutter < SAME_EXPOSURE_STOPS) {
    return `set by ISO alone (ISO ${range(frames.map((x) => x.merged.shot.iso!), (n) => String(Math.round(n)))}), shutter and aperture fixed`;
  }
  return undefined;
}

function confidenceOf(b: FoundBracket, frames: Frame[]): number {
  const p = b.fit.pattern;
  let c: number;
  if (isClassicAeb(p)) c = 0.8;
  else if (p.count >= 3 && p.evenSteps && p.order !== 'other') c = 0.72;
  else if (p.count >= 3 && p.order !== 'other') c = 0.62;
  else if (p.count === 2) c = 0.55;
  else c = 0.5;
  if (b.fit.kind === 'auto-bracket') c += 0.15;
  if (b.fit.kind === 'compensation') c += 0.05;
  if (b.fit.kind === 'metered') c -= 0.15;
  const s = frames[0].merged.shot;
  if (!s.make && !s.model) c -= 0.05;
  if (b.timeless) {
    c *= 0.6;
  } else {
    let maxIdle = 0;
    for (let i = 1; i < frames.length; i++) {
      const idle = (frames[i].time! - frames[i - 1].time!) / 1000 - (frames[i - 1].merged.shot.exposureTime ?? 0);
      maxIdle = Math.max(maxIdle, idle);
    }
    if (maxIdle <= 1) c += 0.03;
  }
  // A bracket by aperture is a bracket, but a poor one to merge, and less often meant as one.
  if (apertureVaries(frames)) c -= 0.1;
  // Two bodies' frames may be mixed: as good as a guess.
  if (b.mixedBodies) c = Math.min(c, 0.4);
  return Math.round(Math.min(0.99, Math.max(0.05, c)) * 100) / 100;
}

/** The exposure a group's values are relative to: the middle one; of a pair, the first (a 2-frame AEB starts at the metered exposure). */
export function referenceExposure(evs: readonly number[]): number {
  return evs.length === 2 ? evs[0] : [...evs].sort((x, y) => x - y)[(evs.length - 1) >> 1];
}

export function describeGroup(b: FoundBracket): BracketGroup {
  const frames = b.frames;
  const evs = frames.map((f) => f.ev!);
  const reference = referenceExposure(evs);
  const exposureValues = evs.map((ev) => roundStops(ev - reference));
  const first = frames[0].merged.shot;
  const parts: string[] = [];
  if (b.timeless) {
    parts.push(`${frames.length} frames from ${cameraLabel(first)}`, 'no capture times, consecutive by file name');
  } else {
    const span = frames[frames.length - 1].time! - frames[0].time!;
    const wholeSeconds = frames.every((f) => f.time! % 1000 === 0);
    parts.push(`${frames.length} frames from ${cameraLabel(first)} within ${formatSeconds(span, wholeSeconds)}`);
  }
  const source = frames[0].evSource === 'bias' ? ' (exposure bias)' : '';
  parts.push(`exposures ${exposureValues.map(formatStops).join('/')} EV${source}`);
  const p = b.fit.pattern;
  let kind: string = KIND_TEXT[b.fit.kind];
  if (isClassicAeb(p) || p.order !== 'other') kind += `, ${ORDER_TEXT[p.order]}`;
  parts.push(kind);
  const settings = settingsNote(frames);
  if (settings) parts.push(settings);
  const repeated = evs.filter((ev, i) => evs.some((other, j) => j < i && Math.abs(other - ev) < SAME_EXPOSURE_STOPS)).length;
  if (repeated) parts.push(`${repeated} ${repeated === 1 ? 'frame repeats' : 'frames repeat'} another's exposure (the camera's shutter-speed limit)`);
  if (b.splitByPattern) parts.push('split from a neighbouring set by its exposure pattern');
  if (b.mixedBodies) {
    parts.push(
      `frames of two bodies may be mixed: two ${cameraLabel(first)} bodies seem to have bracketed here at once, and nothing in the files (serial number, file names, owner, lens, firmware) tells them apart`,
    );
  }
  const companions = frames.reduce((n, f) => n + f.merged.companions.length, 0);
  if (companions) parts.push(`${companions} same-shot ${companions === 1 ? 'copy' : 'copies'} (e.g. JPEG beside RAW) left out`);
  return { files: frames.map((f) => f.file), exposureValues, reason: parts.join(', '), confidence: confidenceOf(b, frames) };
}

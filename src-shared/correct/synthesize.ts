/**
 * A missing extreme exposure, synthesised from a bracket's own extreme frame through its HDR
 * estimate (DRHT or the classical physics): the estimate, taken back to that frame's exposure and
 * moved by `stops`, clipped and quantised like the camera would have recorded it. A darker frame
 * carries the estimated content of the clipped highlights into the merge; a brighter one only
 * re-exposes the shadows (no new information for a radiance merge, brighter shadows for fusion).
 */
import { createLinearImage, type LinearImage } from '../image/linear-image';
import { srgbToLinear, linearToSrgb } from '../image/srgb';
import type { CorrectResult } from './correct';

export type SynthesizeSide = 'dark' | 'bright';
export const SYNTHESIZE_SIDES: readonly SynthesizeSide[] = ['dark', 'bright'];
/** How far beyond the bracket's extreme frame a synthetic frame is made. */
export const SYNTHETIC_STOPS = 2;

/** The extreme frame of a bracket: by exposure where every frame has one, else by mean brightness. */
export function extremeFrame(frames: readonly LinearImage[], side: 'dark' | 'bright'): number {
  const sign = side === 'dark' ? 1 : -1;
  const known = frames.every((f) => f.ev !== null);
  const key = (f: LinearImage): number => {
    if (known) return f.ev!;
    let s = 0;
    for (let i = 0; i < f.data.length; i++) s += f.data[i];
    return s / f.data.length;
  };
  let best = 0;
  for (let i = 1; i < frames.length; i++) if (sign * key(frames[i]) < sign * key(frames[best])) best = i;
  return best;
}

/** The source frame as it would have been recorded `stops` brighter (negative: darker), from its correction's HDR estimate. */
export function synthesiseExposure(source: LinearImage, correction: CorrectResult, stops: number): LinearImage {
  const { hdr } = correction;
  if (hdr.width !== source.width || hdr.height !== source.height) throw new RangeError('the HDR estimate does not match the source frame');
  // The estimate is the frame times 2^correction.stops (where unclipped): undo that, then move.
  const k = 2 ** (stops - correction.stops);
  const out = createLinearImage(source.width, source.height, 3, {
    ...source.meta,
    sourceName: `synthetic ${stops > 0 ? '+' : ''}${stops} EV from ${source.meta.sourceName ?? 'a frame'}`,
    exposureTime: source.meta.exposureTime ? source.meta.exposureTime * 2 ** stops : undefined,
  }, source.ev === null ? null : source.ev + stops);
  // 8-bit like the frames it joins, so the merge's weighting treats it as a camera frame.
  for (let i = 0; i < out.data.length; i++) {
    const v = Math.min(1, Math.max(0, hdr.data[i] * k));
    out.data[i] = srgbToLinear(Math.round(255 * linearToSrgb(v)) / 255);
  }
  return out;
}

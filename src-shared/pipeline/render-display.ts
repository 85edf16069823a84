/**
 * The display image of a merge, identical for the export (main, CLI) and the preview (renderer):
 * a radiance map (or a single frame's HDR estimate) goes through the chosen tone operator with the
 * merge's auto-exposure key; a fused or corrected (display-referred) image keeps its tones and takes
 * only the controls (operator 'none').
 */
import type { ProfileTransfer } from '../codecs/icc-trc';
import type { Rgba8Image } from '../image/linear-image';
import type { Mat3, OutputSpace } from '../tonemap/output-space';
import { toneMap, toneMap16, type Rgba16Image } from '../tonemap/tone-map';
import type { ToneSettings } from '../tonemap/tone-settings';
import type { MergeOutcome } from './merge-bracket';

export type { OutputSpace } from '../tonemap/output-space';

/** What a radiance merge is shown with until the user picks otherwise: local contrast keeps detail in both ends. */
export const DEFAULT_RADIANCE_TONE: ToneSettings = { operator: 'local-contrast' };
/** A fused image is already display-referred. */
export const DEFAULT_FUSED_TONE: ToneSettings = { operator: 'none' };

/** The settings that apply to an image of this kind: a fused image keeps the controls but not the operator. */
export function settingsFor(kind: 'radiance' | 'display', settings: ToneSettings): ToneSettings {
  if (kind === 'radiance') return settings;
  const { operator: _operator, options: _options, ...controls } = settings;
  return { ...controls, operator: 'none' };
}

/**
 * The display image of a merge; `out` (width * height * 4 bytes of the outcome) receives it when given, e.g. shared
 * memory. `source`: the colorants of the merge's RGB where its frames are not sRGB (ToneOutputOptions.source), to
 * convert them into `output`; absent, the merge's RGB is taken as sRGB. `transfer`: the frames' tone curves, for an
 * sRGB output keeping their profile (ToneOutputOptions.transfer).
 */
export function renderOutcome(outcome: MergeOutcome, settings: ToneSettings, output: OutputSpace = 'srgb', out?: Uint8ClampedArray, source: Mat3 | null = null, transfer: ProfileTransfer | null = null): Rgba8Image {
  if (outcome.method === 'radiance' || outcome.method === 'recover-hdr') {
    if (!outcome.radiance) throw new Error('radiance merge has no radiance map');
    return toneMap(outcome.radiance, settingsFor('radiance', settings), { key: outcome.key, output, out, source, transfer });
  }
  if (!outcome.fused) throw new Error('fusion merge has no fused image');
  return toneMap(outcome.fused, settingsFor('display', settings), { key: 1, output, out, source, transfer });
}

/** renderOutcome at 16 bits per sample (16-bit TIFF export): the same pixels, finer steps. */
export function renderOutcome16(outcome: MergeOutcome, settings: ToneSettings, output: OutputSpace = 'srgb', source: Mat3 | null = null, transfer: ProfileTransfer | null = null): Rgba16Image {
  if (outcome.method === 'radiance' || outcome.method === 'recover-hdr') {
    if (!outcome.radiance) throw new Error('radiance merge has no radiance map');
    return toneMap16(outcome.radiance, settingsFor('radiance', settings), { key: outcome.key, output, source, transfer });
  }
  if (!outcome.fused) throw new Error('fusion merge has no fused image');
  return toneMap16(outcome.fused, settingsFor('display', settings), { key: 1, output, source, transfer });
}

/** Encodes a merge outcome to the requested files and writes each atomically. */
import { encodeExr } from '../../src-shared/codecs/exr';
import type { ExifFields } from '../../src-shared/codecs/exif-write';
import { encodeJpeg } from '../../src-shared/codecs/jpeg';
import { encodePng } from '../../src-shared/codecs/png';
import type { MergeOutcome } from '../../src-shared/pipeline/merge-bracket';
import { renderOutcome, type OutputSpace } from '../../src-shared/pipeline/render-display';
import type { ToneSettings } from '../../src-shared/tonemap/tone-settings';
import { writeFileAtomic } from './atomic-write';

export interface ExportTargets {
  exrPath?: string;
  jpegPath?: string;
  pngPath?: string;
  /** JPEG quality 1-100 (default 92). */
  quality?: number;
  exrPixelType?: 'half' | 'float';
  /** Colour space of the display image (default sRGB). */
  output?: OutputSpace;
}

/** Writes what was asked; returns the paths written, in order EXR, JPEG, PNG. */
export async function exportOutcome(
  outcome: MergeOutcome,
  tone: ToneSettings,
  targets: ExportTargets,
  exif?: ExifFields,
): Promise<string[]> {
  const written: string[] = [];
  if (targets.exrPath) {
    if (!outcome.radiance) throw new Error('no radiance map to write to EXR');
    await writeFileAtomic(targets.exrPath, encodeExr(outcome.radiance, { pixelType: targets.exrPixelType ?? 'half', compression: 'zip' }));
    written.push(targets.exrPath);
  }
  if (targets.jpegPath || targets.pngPath) {
    const display = renderOutcome(outcome, tone, targets.output ?? 'srgb');
    if (targets.jpegPath) {
      await writeFileAtomic(targets.jpegPath, encodeJpeg(display, { quality: targets.quality ?? 92, exif }));
      written.push(targets.jpegPath);
    }
    if (targets.pngPath) {
      await writeFileAtomic(targets.pngPath, encodePng({ width: display.width, height: display.height, channels: 3, bits: 8, data: dropAlpha(display.data) }));
      written.push(targets.pngPath);
    }
  }
  return written;
}

/** The display image is always opaque: an RGB PNG is smaller and reads the same everywhere. */
function dropAlpha(rgba: Uint8ClampedArray): Uint8Array {
  const n = rgba.length >> 2;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    rgb[j] = rgba[i * 4];
    rgb[j + 1] = rgba[i * 4 + 1];
    rgb[j + 2] = rgba[i * 4 + 2];
  }
  return rgb;
}

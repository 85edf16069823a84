/** Encodes a merge outcome to the requested files and writes each atomically. */
import { encodeExr, type ExrEncodeOptions } from '../../src-shared/codecs/exr';
import type { ExrMetadata } from '../../src-shared/codecs/exr-header-write';
import { encodeHdr } from '../../src-shared/codecs/hdr-write';
import { iccProfile } from '../../src-shared/codecs/icc';
import type { ImageMeta, LinearImage } from '../../src-shared/image/linear-image';
import type { Mat3 } from '../../src-shared/tonemap/output-space';
import { downsample } from '../../src-shared/image/resample';
import type { ExifFields } from '../../src-shared/codecs/exif-write';
import { encodePng } from '../../src-shared/codecs/png';
import type { MergeOutcome } from '../../src-shared/pipeline/merge-bracket';
import { renderOutcome, renderOutcome16, type OutputSpace } from '../../src-shared/pipeline/render-display';
import { encodeTiff } from '../../src-shared/codecs/tiff';
import type { ToneSettings } from '../../src-shared/tonemap/tone-settings';
import { transferables, tryCompute } from '../compute/compute-pool';
import { displayBytes, startJpegEncode, type JpegEncode } from '../compute/parallel-jpeg';
import { writeFileAtomic } from './atomic-write';
import type { ProfileTransfer } from '../../src-shared/codecs/icc-trc';
import { frameColorants, frameTransfer, sceneReferred } from './frame-colour';

/** Named in the files we write (EXIF Software, EXR software). */
export const SOFTWARE = 'Luxfuse 0.1.0';

export interface ExportTargets {
  exrPath?: string;
  /** Radiance RGBE (.hdr) of the radiance map, for tools that do not read EXR. */
  hdrPath?: string;
  jpegPath?: string;
  pngPath?: string;
  /** The display image as a 16-bit RGB TIFF (Deflate, ICC profile and EXIF like the JPEG): for further editing. */
  tiffPath?: string;
  /** JPEG quality 1-100 (default 92). */
  quality?: number;
  exrPixelType?: 'half' | 'float';
  exrCompression?: ExrEncodeOptions['compression'];
  /** Colour space of the display image (default sRGB). */
  output?: OutputSpace;
  /** Long side of the display images (JPEG, PNG, TIFF): a larger merge is area-downsampled before tone mapping, as the preview is. EXR and HDR stay full size. */
  maxSide?: number;
}

/** The outcome whose display image is at most maxSide on its long side (the image the display path reads, downsampled). */
export function displayOutcome(outcome: MergeOutcome, maxSide: number | undefined): MergeOutcome {
  if (maxSide === undefined || Math.max(outcome.width, outcome.height) <= maxSide) return outcome;
  const radianceShown = outcome.method === 'radiance' || outcome.method === 'recover-hdr';
  const source = radianceShown ? outcome.radiance : outcome.fused;
  if (!source) return outcome;
  const small = downsample(source, maxSide);
  return radianceShown
    ? { ...outcome, width: small.width, height: small.height, radiance: small, fused: null }
    : { ...outcome, width: small.width, height: small.height, fused: small, radiance: null };
}

/** 'YYYY-MM-DDTHH:MM:SS(.sss)(±HH:MM)' -> EXIF's 'YYYY:MM:DD HH:MM:SS', sub-seconds and offset apart. */
function exifTime(iso: string | undefined): Pick<ExifFields, 'dateTimeOriginal' | 'subSecTimeOriginal' | 'offsetTimeOriginal'> {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([+-]\d{2}:\d{2}|Z)?$/.exec(iso) : null;
  if (!m) return {};
  return {
    dateTimeOriginal: `${m[1]}:${m[2]}:${m[3]} ${m[4]}:${m[5]}:${m[6]}`,
    ...(m[7] ? { subSecTimeOriginal: m[7] } : {}),
    ...(m[8] && m[8] !== 'Z' ? { offsetTimeOriginal: m[8] } : {}),
  };
}

/**
 * The ICC profile of a display image: the output space's, or, for the default sRGB output of frames in another
 * space (meta.colourProfile: Adobe RGB, Display P3), the frames' own, as enfuse does: a fusion's codes are theirs.
 */
export function displayIcc(meta: ImageMeta | undefined, output: OutputSpace): Uint8Array {
  return output === 'srgb' && meta?.colourProfile ? meta.colourProfile.icc : iccProfile(output);
}

/**
 * What the display image's render converts from: for a Display P3 output, the frames' colorants (Adobe RGB frames
 * converted into P3); for the default sRGB output, nothing, since such frames keep their codes and their profile.
 */
export function displaySource(meta: ImageMeta | undefined, output: OutputSpace): Mat3 | null {
  return output === 'srgb' ? null : frameColorants(meta);
}

/**
 * The tone curves a display image is encoded with where they are not the output's own: for the default sRGB output of
 * frames in another space, their profile's (Adobe RGB's 2.2 power), which readFrame linearised them with, so their
 * codes come back; null otherwise (sRGB frames, Display P3 output, a profile whose curves are sRGB's).
 */
export function displayTransfer(meta: ImageMeta | undefined, output: OutputSpace): ProfileTransfer | null {
  return output === 'srgb' ? frameTransfer(meta).transfer : null;
}

/** The metadata of the frame a merge is normalised to (the middle frame for a fusion): its EXIF, time and colour space go into the outputs. */
export function referenceMeta(frames: readonly LinearImage[], outcome: Pick<MergeOutcome, 'plan'>): ImageMeta | undefined {
  return frames[outcome.plan?.referenceIndex ?? Math.floor(frames.length / 2)]?.meta;
}

/** EXIF of a display image: the reference frame's shot, our software, the colour space tag. */
export function exifFromReference(meta: ImageMeta | undefined, output: OutputSpace): ExifFields {
  const m = meta ?? {};
  return {
    ...(m.exposureTime ? { exposureTime: m.exposureTime } : {}),
    ...(m.fNumber ? { fNumber: m.fNumber } : {}),
    ...(m.iso ? { iso: Math.round(m.iso) } : {}),
    ...(m.make ? { make: m.make } : {}),
    ...(m.model ? { model: m.model } : {}),
    ...exifTime(m.dateTimeOriginal),
    software: SOFTWARE,
    // 'uncalibrated' (65535) whenever the ICC profile is not sRGB's, as EXIF asks.
    colorSpace: output === 'srgb' && !m.colourProfile ? 'srgb' : 'uncalibrated',
  };
}

/** EXR header attributes from the reference frame: when it was taken and how. */
export function exrMetadataFromReference(meta: ImageMeta | undefined): ExrMetadata {
  const m = meta ?? {};
  const t = exifTime(m.dateTimeOriginal);
  const offset = t.offsetTimeOriginal ? /^([+-])(\d{2}):(\d{2})$/.exec(t.offsetTimeOriginal) : null;
  return {
    ...(t.dateTimeOriginal ? { capDate: t.dateTimeOriginal } : {}),
    ...(offset ? { utcOffset: -(offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 3600 + Number(offset[3]) * 60) } : {}),
    ...(m.exposureTime ? { expTime: m.exposureTime } : {}),
    ...(m.fNumber ? { aperture: m.fNumber } : {}),
    ...(m.iso ? { isoSpeed: m.iso } : {}),
    software: SOFTWARE,
  };
}

/**
 * Writes what was asked; returns the paths written, in order EXR, HDR, JPEG, PNG, TIFF. `reference` is
 * the metadata of the frame the merge is normalised to: it goes into the EXIF and the EXR header.
 */
export async function exportOutcome(
  outcome: MergeOutcome,
  tone: ToneSettings,
  targets: ExportTargets,
  reference?: ImageMeta,
): Promise<string[]> {
  const output = targets.output ?? 'srgb';
  if (targets.exrPath || targets.hdrPath) {
    if (!outcome.radiance) throw new Error('no radiance map to write');
  }
  // The display images are rendered first and encoded on the compute workers where there are some, while
  // this thread writes the EXR; it then helps with what is left of the JPEG. Returned in the order EXR, HDR, JPEG, PNG, TIFF.
  const shown = targets.jpegPath || targets.pngPath || targets.tiffPath ? displayOutcome(outcome, targets.maxSide) : outcome;
  const source = displaySource(reference, output);
  const transfer = displayTransfer(reference, output);
  let jpeg: JpegEncode | null = null;
  let png: Uint8Array | null = null;
  if (targets.jpegPath || targets.pngPath) {
    // In shared memory when there are compute workers: they encode the JPEG's strips from it in place.
    const display = renderOutcome(shown, tone, output, targets.jpegPath ? displayBytes(shown.width, shown.height) : undefined, source, transfer);
    if (targets.pngPath) png = encodePng({ width: display.width, height: display.height, channels: 3, bits: 8, data: dropAlpha(display.data), icc: displayIcc(reference, output) });
    if (targets.jpegPath) {
      const options = { quality: targets.quality ?? 92, exif: exifFromReference(reference, output), icc: displayIcc(reference, output) };
      jpeg = startJpegEncode(display, options);
    }
  }
  let tiff: Promise<Uint8Array> | null = null;
  if (targets.tiffPath) {
    const display = renderOutcome16(shown, tone, output, source, transfer);
    const input = {
      width: display.width,
      height: display.height,
      channels: 3 as const,
      bits: 16 as const,
      data: dropAlpha(display.data),
      compression: 'deflate' as const,
      exif: exifFromReference(reference, output),
      icc: displayIcc(reference, output),
    };
    tiff = tryCompute('encodeTiff', [input], transferables(input.data)) ?? Promise.resolve(encodeTiff(input));
  }
  // Awaited below, after the EXR: marked handled now so a failed EXR does not leave a worker's rejection unhandled.
  tiff?.catch(() => undefined);
  const written: string[] = [];
  // Frames in a wider space than sRGB (Adobe RGB, Display P3): the scene-referred files are written in Rec. 709
  // primaries, as readers take an EXR or HDR without chromaticities to be. Negative channels stay in EXR; RGBE holds none.
  if (targets.exrPath) {
    const exr = encodeExr(sceneReferred(outcome.radiance!, reference), {
      pixelType: targets.exrPixelType ?? 'half',
      compression: targets.exrCompression ?? 'zip',
      metadata: exrMetadataFromReference(reference),
    });
    await writeFileAtomic(targets.exrPath, exr);
    written.push(targets.exrPath);
  }
  if (targets.hdrPath) {
    await writeFileAtomic(targets.hdrPath, encodeHdr(sceneReferred(outcome.radiance!, reference, 0), { comment: `written by ${SOFTWARE}` }));
    written.push(targets.hdrPath);
  }
  if (targets.jpegPath && jpeg) {
    await writeFileAtomic(targets.jpegPath, await jpeg.finish());
    written.push(targets.jpegPath);
  }
  if (targets.pngPath && png) {
    await writeFileAtomic(targets.pngPath, png);
    written.push(targets.pngPath);
  }
  if (targets.tiffPath && tiff) {
    await writeFileAtomic(targets.tiffPath, await tiff);
    written.push(targets.tiffPath);
  }
  return written;
}

/** The display image is always opaque: RGB files are smaller and read the same everywhere. */
function dropAlpha<T extends Uint8ClampedArray | Uint16Array>(rgba: T): T extends Uint16Array ? Uint16Array : Uint8Array;
function dropAlpha(rgba: Uint8ClampedArray | Uint16Array): Uint8Array | Uint16Array {
  const n = rgba.length >> 2;
  const rgb = rgba instanceof Uint16Array ? new Uint16Array(n * 3) : new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    rgb[j] = rgba[i * 4];
    rgb[j + 1] = rgba[i * 4 + 1];
    rgb[j + 2] = rgba[i * 4 + 2];
  }
  return rgb;
}

/**
 * A file's pixel probe (src-shared/bracket/pixel-probe.ts), for grouping the files that carry no exposure
 * data. A JPEG is decoded at reduced size by libjpeg-turbo's DCT scaling (sharp's shrink-on-load: a few
 * milliseconds where the full decode of 24 MP takes 0.3 s); every other file, and a JPEG sharp will not
 * read, is decoded as a merge would decode it, then averaged down.
 */
import { readFile } from 'node:fs/promises';
import { fileKind } from '../../src-shared/bracket/file-kind';
import { PROBE_SIDE, probeFromImage, type PixelProbe } from '../../src-shared/bracket/pixel-probe';
import { jpegFrameHeader, MAX_DECODE_PIXELS } from '../../src-shared/codecs/decode';
import { jpegFrame } from '../../src-shared/codecs/jpeg';
import { readFrame } from './frames';

/** The reduced JPEG decode is this many times the probe's side, so each probe pixel averages many decoded ones. */
const JPEG_OVERSAMPLE = 8;

async function jpegProbe(path: string): Promise<PixelProbe | null> {
  if (process.env.LUXFUSE_JPEG_DECODER === 'js') return null;
  let sharp: (typeof import('sharp'))['default'];
  try {
    sharp = (await import('sharp')).default;
  } catch {
    return null;
  }
  const bytes = await readFile(path);
  const components = jpegFrameHeader(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))?.components;
  if (components !== 1 && components !== 3) return null;
  try {
    const side = PROBE_SIDE * JPEG_OVERSAMPLE;
    const { data, info } = await sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_DECODE_PIXELS, ignoreIcc: true })
      .resize(side, side, { fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: true })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) return null;
    return probeFromImage(jpegFrame(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), path));
  } catch {
    return null;
  }
}

/** The probe of one file; throws what readFrame throws for a file it cannot decode. */
export async function readProbe(path: string): Promise<PixelProbe> {
  const fast = fileKind(path) === 'jpeg' ? await jpegProbe(path) : null;
  return fast ?? probeFromImage(await readFrame(path));
}

/**
 * A file's pixel probe (src-shared/bracket/pixel-probe.ts), for grouping the files that carry no exposure
 * data. A JPEG is decoded reduced (native-jpeg.ts: libjpeg-turbo's DCT scaling); every other file, and a JPEG
 * sharp will not read, is decoded as a merge would decode it, then averaged down. `npx tsx
 * bench/pixel-grouping.ts` times both.
 */
import { readFile } from 'node:fs/promises';
import { fileKind } from '../../src-shared/bracket/file-kind';
import { PROBE_SIDE, probeFromImage, type PixelProbe } from '../../src-shared/bracket/pixel-probe';
import { readFrame } from './frames';
import { decodeJpegNativeReduced } from './native-jpeg';

/** The reduced JPEG decode is this many times the probe's side, so each probe pixel averages many decoded ones. */
const JPEG_OVERSAMPLE = 8;

/** The probe of one file; throws what readFrame throws for a file it cannot decode. */
export async function readProbe(path: string): Promise<PixelProbe> {
  if (fileKind(path) === 'jpeg') {
    const bytes = await readFile(path).catch(() => null);
    const small = bytes && (await decodeJpegNativeReduced(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), path, PROBE_SIDE * JPEG_OVERSAMPLE));
    if (small) return probeFromImage(small);
  }
  return probeFromImage(await readFrame(path));
}

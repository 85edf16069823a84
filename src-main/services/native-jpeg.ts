/**
 * JPEG frames through libjpeg-turbo (sharp: libvips with mozjpeg's decoder) where Node can load it, instead
 * of jpeg-js (src-shared/codecs/jpeg.ts), which stays the decoder of record for everything sharp refuses.
 * `npx tsx bench/jpeg-decode.ts` (BENCHMARKS.md): a 24 MP JPEG in 0.28-0.30 s against 3.5-3.8 s, 100 MP in
 * 1.1 s against 20.6 s; and off this thread: sharp decodes on libuv's pool, so readBracket's two reads at a
 * time decode on two cores.
 *
 * The pixels are libjpeg's: its smooth ("fancy") chroma upsampling, as OpenCV, PIL and most viewers decode
 * (so what a metric or a training script reads from the same file); jpeg-js repeats chroma samples instead.
 * The two differ by 1 level in 39-45 % of samples and by more than 2 in 0-1.4 % (up to 17 levels, at sharp
 * colour edges of a real photograph; bench/jpeg-decode.ts). As with jpeg-js, EXIF orientation is not applied
 * and an embedded ICC profile is not converted (the engine reads every frame as sRGB).
 *
 * A file sharp cannot read, or reads only with a warning (truncated data, a bad table), returns null: the
 * caller then decodes it with jpeg-js, which either reads it or says specifically what is wrong with it.
 * LUXFUSE_JPEG_DECODER=js turns this decoder off (comparisons, and a platform without sharp's binary).
 */
import { jpegFrameHeader, MAX_DECODE_PIXELS } from '../../src-shared/codecs/decode';
import { jpegFrame } from '../../src-shared/codecs/jpeg';
import type { LinearImage } from '../../src-shared/image/linear-image';

type Sharp = (typeof import('sharp'))['default'];

let loading: Promise<Sharp | null> | null = null;

/** sharp, loaded once; null where its native binary is missing or does not load (then jpeg-js decodes). */
function loadSharp(): Promise<Sharp | null> {
  if (process.env.LUXFUSE_JPEG_DECODER === 'js') return Promise.resolve(null);
  loading ??= import('sharp')
    .then((module) => {
      const sharp = module.default;
      // Each frame is decoded once: libvips' operation cache would only hold on to memory.
      sharp.cache(false);
      return sharp;
    })
    .catch(() => null);
  return loading;
}

/**
 * Loads sharp on the calling thread, for a process whose frames decode on worker threads (WorkerProjectService
 * calls it as it starts the engine thread): with glibc, the libraries a worker loaded are unloaded when it
 * exits, which can crash the process (sharp issue #2263); loaded here too, they stay. Where sharp does not load
 * this does nothing.
 */
export function keepNativeJpegLoaded(): void {
  void loadSharp();
}

/** Whether JPEG frames decode through libjpeg-turbo here (reports, tests). */
export async function nativeJpegAvailable(): Promise<boolean> {
  return (await loadSharp()) !== null;
}

/**
 * A JPEG's pixels through libjpeg-turbo, as jpegFrame makes them linear; null when sharp is unavailable or
 * refuses the file (the caller falls back to jpeg-js). The caller has checked the header (checkImageBytes).
 * CMYK files go to jpeg-js too, so they decode as before: libvips would convert them through its CMYK profile,
 * jpeg-js inverts them plainly, and which of the two matches a file depends on the program that wrote it.
 */
export async function decodeJpegNative(bytes: Uint8Array, fileName: string): Promise<LinearImage | null> {
  return viaSharp(bytes, fileName, null);
}

/**
 * decodeJpegNative reduced to at most `maxSide` px on the long side, by libjpeg-turbo's DCT scaling where the factor
 * allows (sharp's shrink-on-load: the entropy decode stays, the inverse transforms shrink) and libvips' reduce for
 * the rest, done in the file's 8-bit sRGB; null in the same cases.
 */
export async function decodeJpegNativeReduced(bytes: Uint8Array, fileName: string, maxSide: number): Promise<LinearImage | null> {
  return viaSharp(bytes, fileName, maxSide);
}

async function viaSharp(bytes: Uint8Array, fileName: string, maxSide: number | null): Promise<LinearImage | null> {
  const components = jpegFrameHeader(bytes)?.components;
  if (components !== 1 && components !== 3) return null;
  const sharp = await loadSharp();
  if (!sharp) return null;
  try {
    let pipeline = sharp(bytes, { failOn: 'warning', limitInputPixels: MAX_DECODE_PIXELS, ignoreIcc: true, sequentialRead: true });
    if (maxSide !== null) pipeline = pipeline.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true, fastShrinkOnLoad: true });
    const { data, info } = await pipeline.toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (info.channels !== 3 || data.length !== info.width * info.height * 3) return null;
    return jpegFrame(info.width, info.height, new Uint8Array(data.buffer, data.byteOffset, data.byteLength), fileName);
  } catch {
    return null;
  }
}

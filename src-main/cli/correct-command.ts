/** `luxfuse correct`: one badly exposed frame to a well-exposed PNG/JPEG and an HDR estimate (EXR/HDR). */
import { encodeExr } from '../../src-shared/codecs/exr';
import { encodeHdr } from '../../src-shared/codecs/hdr-write';
import { encodeJpeg } from '../../src-shared/codecs/jpeg';
import { encodePng } from '../../src-shared/codecs/png';
import { CORRECT_METHODS, type CorrectMethod } from '../../src-shared/correct/correct';
import { toSrgb8 } from '../../src-shared/correct/display8';
import { frameWarnings } from '../../src-shared/image/linear-image';
import { checkOutputPath, writeFileAtomic } from '../services/atomic-write';
import { correctImage } from '../services/correct-service';
import { displayIcc, displayTransfer, exifFromReference, exrMetadataFromReference, SOFTWARE } from '../services/export-service';
import { sceneReferred } from '../services/frame-colour';
import { readFrame } from '../services/frames';
import { parseNumber, UsageError } from './parse-values';

type ExrCompression = 'none' | 'zips' | 'zip' | 'piz';
/** Flags of other commands: given to correct they would be silently ignored, so they are refused. */
const NOT_FOR_CORRECT = [
  'exposure-times', 'exposures-from-pixels', 'tonemap', 'exposure', 'contrast', 'highlights', 'shadows', 'whites', 'blacks',
  'saturation', 'vibrance', 'detail', 'align', 'deghost', 'reference', 'ghost-mask', 'recursive',
];
const EXR_COMPRESSIONS: readonly ExrCompression[] = ['zip', 'piz', 'zips', 'none'];

export interface CorrectReport {
  method: CorrectMethod;
  file: string;
  width: number;
  height: number;
  /** Exposure change applied, in stops (negative: the frame was over-exposed). */
  stops: number;
  /** Fraction of the frame with a clipped channel. */
  clipped: number;
  outputs: string[];
  /** What the decoder chose that the user should hear about (one page of a multi-page TIFF read), as merge reports it. */
  warnings: string[];
  millis: { decode: number; correct: number; write: number; total: number };
}

export async function correctCommand({ files, values }: { files: string[]; values: Record<string, string | boolean | undefined> }): Promise<CorrectReport> {
  const started = performance.now();
  if (files.length !== 1) throw new UsageError(`correct takes exactly one file, got ${files.length}`);
  const foreign = NOT_FOR_CORRECT.filter((flag) => values[flag] !== undefined);
  if (foreign.length > 0) throw new UsageError(`correct does not take ${foreign.map((f) => `--${f}`).join(', ')} (merge options)`);
  const [file] = files;
  const method = ((values.method as string | undefined) ?? 'learned') as CorrectMethod;
  if (!CORRECT_METHODS.includes(method)) throw new UsageError(`--method: '${method}' is not one of ${CORRECT_METHODS.join(', ')} for correct`);
  const { exr: exrPath, hdr: hdrPath, jpeg: jpegPath, png: pngPath } = values as Record<string, string | undefined>;
  if (!exrPath && !hdrPath && !jpegPath && !pngPath) throw new UsageError('correct: give at least one output: --png, --jpeg, --exr or --hdr');
  if (values.colorspace !== undefined && values.colorspace !== 'srgb') throw new UsageError('--colorspace: correct writes sRGB only');
  const exrCompression = (values['exr-compression'] as string | undefined) ?? 'zip';
  if (!EXR_COMPRESSIONS.includes(exrCompression as ExrCompression)) {
    throw new UsageError(`--exr-compression: '${exrCompression}' is not one of ${EXR_COMPRESSIONS.join(', ')}`);
  }
  const quality = Math.round(parseNumber('quality', values.quality as string | undefined, 1, 100, 92));
  for (const path of [exrPath, hdrPath, jpegPath, pngPath]) if (path) await checkOutputPath(path, files);

  const frame = await readFrame(file);
  const decoded = performance.now();
  const result = await correctImage(frame, { method });
  const corrected = performance.now();

  const outputs: string[] = [];
  if (exrPath) {
    const bytes = encodeExr(sceneReferred(result.hdr, frame.meta), {
      pixelType: values['exr-float'] === true ? 'float' : 'half',
      compression: exrCompression as ExrCompression,
      metadata: exrMetadataFromReference(frame.meta),
    });
    await writeFileAtomic(exrPath, bytes);
    outputs.push(exrPath);
  }
  if (hdrPath) {
    await writeFileAtomic(hdrPath, encodeHdr(sceneReferred(result.hdr, frame.meta, 0), { comment: `written by ${SOFTWARE}` }));
    outputs.push(hdrPath);
  }
  if (jpegPath || pngPath) {
    // Kept in the frame's profile: encoded with its tone curves, as readFrame decoded it.
    const display = toSrgb8(result.ldr, displayTransfer(frame.meta, 'srgb'));
    if (jpegPath) {
      await writeFileAtomic(jpegPath, encodeJpeg(display, { quality, exif: exifFromReference(frame.meta, 'srgb'), icc: displayIcc(frame.meta, 'srgb') }));
      outputs.push(jpegPath);
    }
    if (pngPath) {
      const rgb = new Uint8Array(display.width * display.height * 3);
      for (let p = 0; p < display.width * display.height; p++) {
        rgb[p * 3] = display.data[p * 4];
        rgb[p * 3 + 1] = display.data[p * 4 + 1];
        rgb[p * 3 + 2] = display.data[p * 4 + 2];
      }
      await writeFileAtomic(pngPath, encodePng({ width: display.width, height: display.height, channels: 3, bits: 8, data: rgb, icc: displayIcc(frame.meta, 'srgb') }));
      outputs.push(pngPath);
    }
  }
  const written = performance.now();
  return {
    method,
    file,
    width: frame.width,
    height: frame.height,
    stops: result.stops,
    clipped: result.clipped,
    outputs,
    warnings: frameWarnings([frame]),
    millis: {
      decode: Math.round(decoded - started),
      correct: Math.round(corrected - decoded),
      write: Math.round(written - corrected),
      total: Math.round(written - started),
    },
  };
}

export function describeCorrect(r: CorrectReport): string {
  const dir = r.stops >= 0 ? 'brightened' : 'darkened';
  const lines = [
    `${r.method} correction of ${r.file}, ${r.width}x${r.height}, ${r.millis.total} ms: ${dir} by ${Math.abs(r.stops).toFixed(2)} stops, ${(r.clipped * 100).toFixed(1)}% of the frame clipped`,
  ];
  for (const warning of r.warnings) lines.push(`warning: ${warning}`);
  for (const output of r.outputs) lines.push(`wrote ${output}`);
  return lines.join('\n');
}

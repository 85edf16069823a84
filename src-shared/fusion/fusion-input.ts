/**
 * The network input: each frame area-downsampled to the working resolution, as the luma
 * (0.2989 R' + 0.5870 G' + 0.1140 B') of its sRGB-encoded values in 0..1, edge-padded on the
 * right and bottom to multiples of FUSION_MULTIPLE. Also the full-resolution luma used as the
 * guide when the weights are lifted back.
 */
import type { LinearImage } from '../image/linear-image';
import { downsample } from '../image/resample';
import { readTable, srgbEncodeTable } from '../image/srgb-tables';
import { FUSION_MAX_EXPOSURES, FUSION_MIN_EXPOSURES, FUSION_MULTIPLE } from './meta';

export interface FusionInput {
  /** K x paddedHeight x paddedWidth, planar. */
  data: Float32Array;
  exposures: number;
  /** Working size of the image itself, before padding. */
  width: number;
  height: number;
  paddedWidth: number;
  paddedHeight: number;
}

/** Luma of the sRGB-encoded pixels of an RGB (or grey) linear image, clamped to 0..1. */
export function encodedLuma(img: LinearImage, out = new Float32Array(img.width * img.height)): Float32Array {
  const enc = srgbEncodeTable();
  const read = readTable;
  const { data, channels: ch } = img;
  const n = img.width * img.height;
  if (out.length !== n) throw new RangeError(`luma output must hold ${n} samples, got ${out.length}`);
  if (ch === 1) {
    for (let p = 0; p < n; p++) out[p] = read(enc, data[p]);
  } else {
    for (let p = 0, i = 0; p < n; p++, i += ch) {
      out[p] = 0.2989 * read(enc, data[i]) + 0.587 * read(enc, data[i + 1]) + 0.114 * read(enc, data[i + 2]);
    }
  }
  return out;
}

export function checkFusionFrames(frames: readonly LinearImage[]): void {
  if (frames.length < FUSION_MIN_EXPOSURES || frames.length > FUSION_MAX_EXPOSURES) {
    throw new RangeError(`learned fusion takes ${FUSION_MIN_EXPOSURES} to ${FUSION_MAX_EXPOSURES} frames, got ${frames.length}`);
  }
  const { width, height } = frames[0];
  for (const f of frames) {
    if (f.width !== width || f.height !== height) throw new RangeError(`frames differ in size: ${f.width}x${f.height} and ${width}x${height}`);
  }
}

const roundUp = (n: number): number => Math.ceil(n / FUSION_MULTIPLE) * FUSION_MULTIPLE;

export function fusionInput(frames: readonly LinearImage[], workingSide: number): FusionInput {
  checkFusionFrames(frames);
  if (!Number.isInteger(workingSide) || workingSide < FUSION_MULTIPLE * 4) throw new RangeError(`working side must be an integer >= 16, got ${workingSide}`);
  const small = frames.map((f) => downsample(f, workingSide));
  const { width, height } = small[0];
  const pw = roundUp(width);
  const ph = roundUp(height);
  const data = new Float32Array(frames.length * pw * ph);
  const luma = new Float32Array(width * height);
  small.forEach((img, k) => {
    encodedLuma(img, luma);
    const base = k * pw * ph;
    for (let y = 0; y < ph; y++) {
      const sy = Math.min(y, height - 1) * width;
      const o = base + y * pw;
      for (let x = 0; x < pw; x++) data[o + x] = luma[sy + Math.min(x, width - 1)];
    }
  });
  return { data, exposures: frames.length, width, height, paddedWidth: pw, paddedHeight: ph };
}

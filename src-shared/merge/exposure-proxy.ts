/** A small block-averaged grey proxy of a frame, with each block's brightest sample, for exposure estimation. */
import type { LinearImage } from '../image/linear-image';
import { readTable } from '../image/srgb-tables';
import { exposureTables, type CameraResponse } from './response';

/** Longer side of the block grid: ~100k blocks is plenty of samples. */
const PROXY_SIDE = 384;
/**
 * Samples read per block side at most: a larger block (a frame over 3000 px) is read on a regular
 * sub-grid. Every frame reads the same pixels, so a block's ratio between frames is still exact on
 * them, and 64 samples keep its mean's noise small; a 24 MP frame reads a quarter of its pixels.
 */
const SAMPLES_PER_SIDE = 8;

export interface ExposureProxy {
  /** Mean grey ((R+G+B)/3) of each block, linear as in the frame. */
  mean: Float32Array;
  /** Largest channel value in each block: a block with any clipped sample is not usable. */
  max: Float32Array;
  /** The level clipping starts at: the frame's clipLevel, or its brightest value when it has none. */
  clip: number;
}

/** Block size shared by every frame of a bracket so blocks line up. */
export function proxyBlockSize(width: number, height: number): number {
  return Math.max(1, Math.ceil(Math.max(width, height) / PROXY_SIDE));
}

/** The clip level thresholds refer to; frames without one (float files) use their brightest sample. */
function effectiveClip(frame: LinearImage): number {
  const clip = frame.meta.clipLevel;
  if (clip !== undefined && Number.isFinite(clip) && clip > 0) return clip;
  let m = 0;
  const d = frame.data;
  for (let i = 0; i < d.length; i++) if (d[i] > m) m = d[i];
  return m > 0 ? m : 1;
}

/**
 * The proxy of the frame as read through a camera response when one is given (the proxy of the
 * frame linearised through it, without making that copy: at 24 MP it was 290 MB per frame and most
 * of the exposure check's time).
 */
export function exposureProxy(frame: LinearImage, block: number, response: CameraResponse | null = null): ExposureProxy {
  const { width: w, height: h, channels: ch, data } = frame;
  if (!(block >= 1) || !Number.isInteger(block)) throw new RangeError(`block size must be a positive integer, got ${block}`);
  const gw = Math.max(1, Math.floor(w / block));
  const gh = Math.max(1, Math.floor(h / block));
  const bw = Math.min(block, w);
  const bh = Math.min(block, h);
  const mean = new Float32Array(gw * gh);
  const max = new Float32Array(gw * gh);
  const colour = ch >= 3 ? 3 : 1;
  const step = Math.ceil(block / SAMPLES_PER_SIDE);
  const norm = 1 / (colour * Math.ceil(bw / step) * Math.ceil(bh / step));
  // Through a response: one table per channel from the decoded value straight to exposure (the
  // encode table and the curve composed), read as the decoders' tables are.
  const tables = response ? exposureTables(response) : null;
  const read = readTable;
  for (let gy = 0; gy < gh; gy++) {
    for (let gx = 0; gx < gw; gx++) {
      let s = 0;
      let m = 0;
      for (let y = gy * bh, ye = y + bh; y < ye; y += step) {
        for (let i = (y * w + gx * bw) * ch, ie = i + bw * ch, di = step * ch; i < ie; i += di) {
          for (let c = 0; c < colour; c++) {
            const v = tables ? read(tables[c], data[i + c]) : data[i + c];
            s += v;
            // NaN must not pass as unclipped: treat it as clipped.
            if (!(v <= m)) m = v === v ? v : Infinity;
          }
        }
      }
      mean[gy * gw + gx] = s * norm;
      max[gy * gw + gx] = m;
    }
  }
  return { mean, max, clip: effectiveClip(frame) };
}

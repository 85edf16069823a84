/**
 * Relative exposure (ev) of every frame of a bracket, measured from the pixels and checked
 * against the metadata: frames sorted by brightness, each adjacent pair's ratio taken from
 * blocks well exposed in both, chained; metadata is kept wherever the pixels agree with it.
 */
import { BracketMismatchError, MissingExposureError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { exposureProxy, proxyBlockSize } from './exposure-proxy';
import { pairRatio, responseSlope } from './exposure-pairs';
import { responseApplies, type CameraResponse } from './response';

export interface ExposureEstimate {
  ev: number[];
  source: ('metadata' | 'pixels')[];
  warnings: string[];
  /** Stops of pixel ratio per stop of exposure found in the frames (1 = plain sRGB response). */
  slope: number;
}

/** Pixels and metadata may disagree by this much (stops) before the pixels win. */
export const METADATA_TOLERANCE_STOPS = 1 / 3;

const stops = (v: number): string => `${v >= 0 ? '' : '-'}${Math.abs(v).toFixed(2)}`;

export interface EstimateOptions {
  /**
   * The camera's recovered response: frames it applies to are linearised through it before their
   * ratios are measured, so the ratios are true exposure ratios (slope 1) rather than ratios of
   * sRGB-decoded values stretched by the camera's tone curve.
   */
  response?: CameraResponse | null;
}

/** Throws BracketMismatchError naming the first frame whose size differs from the first's. */
export function checkFrameSizes(frames: readonly LinearImage[]): void {
  const { width, height } = frames[0];
  for (const f of frames) {
    if (f.width !== width || f.height !== height) {
      throw new BracketMismatchError(`${f.meta.sourceName ?? 'a frame'} is ${f.width}x${f.height}, the bracket is ${width}x${height}`, f.meta.sourceName);
    }
  }
}

export function estimateRelativeExposures(frames: LinearImage[], metadataEv: (number | null)[], opts: EstimateOptions = {}): ExposureEstimate {
  const n = frames.length;
  if (n === 0) throw new RangeError('no frames to estimate exposures for');
  if (metadataEv.length !== n) throw new RangeError(`${metadataEv.length} metadata exposures for ${n} frames`);
  const meta = metadataEv.map((v) => (v !== null && Number.isFinite(v) ? v : null));
  checkFrameSizes(frames);
  const { width, height } = frames[0];
  const name = (i: number): string => frames[i].meta.sourceName ?? `frame ${i + 1}`;
  const block = proxyBlockSize(width, height);
  const response = opts.response && frames.every(responseApplies) ? opts.response : null;
  // Read through the response block by block: no linearised copy of a frame is made.
  const proxies = frames.map((f) => exposureProxy(f, block, response));
  const brightness = proxies.map((p) => p.mean.reduce((s, v) => s + Math.min(v, p.clip), 0));
  // Darkest first; ties (identical frames) fall back to metadata, then input order.
  const order = [...Array(n).keys()].sort((a, b) => brightness[a] - brightness[b] || (meta[a] ?? 0) - (meta[b] ?? 0) || a - b);

  const pixelSteps: (number | null)[] = [null];
  const metaSteps: (number | null)[] = [null];
  for (let k = 1; k < n; k++) {
    const a = order[k - 1];
    const b = order[k];
    pixelSteps.push(pairRatio(proxies[a], proxies[b]));
    metaSteps.push(meta[a] !== null && meta[b] !== null ? (meta[b] as number) - (meta[a] as number) : null);
  }
  const slope = response ? 1 : responseSlope(pixelSteps, metaSteps);
  const warnings: string[] = [];
  if (Math.abs(slope - 1) > 0.1) {
    warnings.push(
      `the pixels change by ${slope.toFixed(2)} stops per stop of exposure (the camera's tone curve is not plain sRGB); pixel ratios are scaled by it`,
    );
  }

  // Chain the sorted frames: each step from metadata where the pixels confirm it, else from the pixels.
  const path = new Array<number>(n).fill(0);
  for (let k = 1; k < n; k++) {
    const a = order[k - 1];
    const b = order[k];
    const px = pixelSteps[k];
    const fromPixels = px === null ? null : px / slope;
    const fromMeta = metaSteps[k];
    let step: number;
    if (fromPixels === null && fromMeta === null) {
      throw new MissingExposureError(
        `cannot tell the exposure of ${name(b)} relative to ${name(a)}: no metadata and too few pixels well exposed in both`,
        frames[b].meta.sourceName,
      );
    } else if (fromPixels === null) {
      step = fromMeta as number;
      warnings.push(`too few pixels are well exposed in both ${name(a)} and ${name(b)} to check their metadata; using it`);
    } else if (fromMeta === null || Math.abs(fromMeta - fromPixels) <= METADATA_TOLERANCE_STOPS) {
      step = fromMeta ?? fromPixels;
    } else {
      step = fromPixels;
      warnings.push(
        `metadata says ${stops(fromMeta)} stops between ${name(a)} and ${name(b)}, the pixels say ${stops(fromPixels)}; using the pixels`,
      );
    }
    path[b] = path[a] + step;
  }

  // Anchor on the metadata frame most others agree with (a lying anchor must not shift the rest),
  // first in input order on ties; without metadata the first frame gets ev 0.
  let anchor = -1;
  let best = -1;
  for (let a = 0; a < n; a++) {
    if (meta[a] === null) continue;
    let agree = 0;
    for (let i = 0; i < n; i++) {
      if (meta[i] !== null && Math.abs(path[i] - path[a] - ((meta[i] as number) - (meta[a] as number))) <= METADATA_TOLERANCE_STOPS) agree++;
    }
    if (agree > best) {
      best = agree;
      anchor = a;
    }
  }
  const offset = anchor >= 0 ? (meta[anchor] as number) - path[anchor] : -path[0];
  const ev: number[] = [];
  const source: ('metadata' | 'pixels')[] = [];
  for (let i = 0; i < n; i++) {
    const v = path[i] + offset;
    const m = meta[i];
    // Snap to metadata within tolerance: keeps exact metadata ratios past a lying frame.
    if (m !== null && Math.abs(v - m) <= METADATA_TOLERANCE_STOPS) {
      ev.push(m);
      source.push('metadata');
    } else {
      ev.push(v);
      source.push('pixels');
    }
  }
  return { ev, source, warnings, slope };
}

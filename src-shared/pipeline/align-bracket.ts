/**
 * Alignment as a pipeline step, shared by the app and the CLI: frames onto the reference frame's
 * grid before any merge, with a short per-frame summary for reports and the UI.
 */
import { ALIGN_PROXY_SIDE, alignFrames, greyProxy, identityTransform, proxyFactor, suggestReference, type AlignMode, type AlignTransform, type GreyProxy, type Rect } from '../align';
import type { LinearImage } from '../image/linear-image';

export type { AlignMode } from '../align';
export const ALIGN_MODES: readonly AlignMode[] = ['similarity', 'translation', 'off'];

/** What happened to one frame, in the units a photographer reads (pixels, degrees). */
export interface FrameAlignment {
  method: 'reference' | 'none' | 'translation' | 'similarity';
  dx: number;
  dy: number;
  rotationDeg: number;
  scale: number;
  /** Mismatch against its anchor frame before and after (stops of log luminance; NaN for the reference). */
  residualBefore: number;
  residualAfter: number;
  note?: string;
}

export interface AlignedBracket {
  frames: LinearImage[];
  reference: number;
  mode: AlignMode;
  alignment: FrameAlignment[];
  /** Per frame, the warp that put it on the reference grid: other images on the same grid can be moved the same way. */
  transforms: AlignTransform[];
  /** The region every frame covers with its own pixels. */
  crop: Rect;
}

const round = (v: number, d: number): number => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : v);

export interface AlignBracketOptions {
  /** The frame to align to; default suggestReference's (the app gives its preview the one suggested at full resolution). */
  reference?: number;
  /** Longer side of the grey proxy the estimates are made on (alignFrames' proxySide, default 1536). */
  proxySide?: number;
  /** The frames' grey proxies at that side, kept from an earlier read (alignmentProxies); built here otherwise. */
  proxies?: readonly GreyProxy[];
  /** The caller gives up `frames`: moved frames replace their originals in it as they are made (alignFrames' consume). */
  consume?: boolean;
}

/** The grey proxies alignBracket aligns these frames on at this proxy side: one read of each frame, for suggestReference too. */
export function alignmentProxies(frames: readonly LinearImage[], proxySide = ALIGN_PROXY_SIDE): GreyProxy[] {
  return frames.map((f) => greyProxy(f, proxyFactor(frames[0].width, frames[0].height, proxySide)));
}

export function alignBracket(frames: LinearImage[], mode: AlignMode = 'similarity', options: AlignBracketOptions = {}): AlignedBracket {
  if (mode === 'off' || frames.length < 2) {
    const alignment = frames.map((): FrameAlignment => ({ method: 'none', dx: 0, dy: 0, rotationDeg: 0, scale: 1, residualBefore: Number.NaN, residualAfter: Number.NaN }));
    return { frames, reference: 0, mode: 'off', alignment, transforms: frames.map(() => identityTransform()), crop: { x: 0, y: 0, width: frames[0]?.width ?? 0, height: frames[0]?.height ?? 0 } };
  }
  const proxySide = options.proxySide ?? ALIGN_PROXY_SIDE;
  // Without a reference, the suggestion and the alignment share one read of each frame (its grey proxy).
  const proxies = options.proxies ?? (options.reference === undefined ? alignmentProxies(frames, proxySide) : undefined);
  const reference = options.reference ?? suggestReference(frames, proxies);
  const result = alignFrames(frames, { reference, mode, proxySide, ...(proxies ? { proxies } : {}), ...(options.consume ? { consume: true } : {}) });
  const alignment = result.report.map(
    (r): FrameAlignment => ({
      method: r.method,
      dx: round(r.dx, 3),
      dy: round(r.dy, 3),
      rotationDeg: round(r.rotationDeg, 4),
      scale: round(r.scale, 5),
      residualBefore: round(r.residualBefore, 4),
      residualAfter: round(r.residualAfter, 4),
      ...(r.note ? { note: r.note } : {}),
    }),
  );
  return { frames: result.frames, reference, mode, alignment, transforms: result.transforms, crop: result.crop };
}

/**
 * A report made on frames downsampled by (sx, sy) (full-resolution pixels per pixel across and
 * down), in full-resolution pixels: the shifts scale, rotation, scale and residuals (stops) do not.
 */
export function scaleAlignment(alignment: readonly FrameAlignment[], sx: number, sy: number): FrameAlignment[] {
  return alignment.map((a) => ({ ...a, dx: round(a.dx * sx, 3), dy: round(a.dy * sy, 3) }));
}

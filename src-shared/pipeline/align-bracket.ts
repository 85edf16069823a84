/**
 * Alignment as a pipeline step, shared by the app and the CLI: frames onto the reference frame's
 * grid before any merge, with a short per-frame summary for reports and the UI.
 */
import { alignFrames, suggestReference, type AlignMode, type Rect } from '../align';
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
  /** The region every frame covers with its own pixels. */
  crop: Rect;
}

const round = (v: number, d: number): number => (Number.isFinite(v) ? Math.round(v * 10 ** d) / 10 ** d : v);

export function alignBracket(frames: LinearImage[], mode: AlignMode = 'similarity'): AlignedBracket {
  if (mode === 'off' || frames.length < 2) {
    const alignment = frames.map((): FrameAlignment => ({ method: 'none', dx: 0, dy: 0, rotationDeg: 0, scale: 1, residualBefore: Number.NaN, residualAfter: Number.NaN }));
    return { frames, reference: 0, mode: 'off', alignment, crop: { x: 0, y: 0, width: frames[0]?.width ?? 0, height: frames[0]?.height ?? 0 } };
  }
  const reference = suggestReference(frames);
  const result = alignFrames(frames, { reference, mode });
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
  return { frames: result.frames, reference, mode, alignment, crop: result.crop };
}

/**
 * The user's corrections to a ghost mask: brush strokes in normalised image coordinates (x over the
 * width, y over the height, 0..1; the radius a fraction of the long side), so one set of strokes
 * fits the preview and the full-resolution frames alike. 'add' forces deghosting where it passes,
 * 'remove' forces the frames' own content; where strokes overlap, the later one wins.
 */
import { DEFAULT_THRESHOLD, type GhostDetection } from './detect';
import { expandPlane, fullPlane } from '../image/scaled-plane';
import { maskArea } from './morphology';

export type GhostStrokeMode = 'add' | 'remove';
export const GHOST_STROKE_MODES: readonly GhostStrokeMode[] = ['add', 'remove'];

export interface GhostStroke {
  mode: GhostStrokeMode;
  /** Brush radius as a fraction of the image's long side. */
  radius: number;
  /** The brush's path, [x, y] each 0..1 of the width and height. */
  points: [number, number][];
}

/** Limits a saved or requested set of strokes is held to (the renderer is untrusted). */
export const MAX_GHOST_STROKES = 500;
export const MAX_STROKE_POINTS = 4000;
export const MAX_STROKE_RADIUS = 0.5;
/** Points over all strokes together. */
export const MAX_GHOST_POINTS = 100_000;

/**
 * Per pixel: 1 where the last stroke over it adds, -1 where it removes, 0 where no stroke passes (a
 * pixel is under a stroke when its centre is within the radius of the stroke's polyline).
 */
export function paintStrokes(width: number, height: number, strokes: readonly GhostStroke[]): Int8Array {
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) throw new RangeError(`bad image size ${width}x${height}`);
  const out = new Int8Array(width * height);
  const long = Math.max(width, height);
  for (const stroke of strokes) {
    if (!(stroke.radius > 0 && stroke.radius <= MAX_STROKE_RADIUS)) throw new RangeError(`stroke radius must be in (0, ${MAX_STROKE_RADIUS}], got ${stroke.radius}`);
    if (stroke.points.length === 0) continue;
    const value = stroke.mode === 'add' ? 1 : -1;
    // At least half a pixel, so a small brush on a small preview still marks the pixel it is on.
    const r = Math.max(0.5, stroke.radius * long);
    const pts = stroke.points.map(([x, y]) => [x * width, y * height] as const);
    // One point is a dab; a path is a capsule per segment.
    for (let s = 0; s < Math.max(1, pts.length - 1); s++) {
      const [ax, ay] = pts[s];
      const [bx, by] = pts[Math.min(s + 1, pts.length - 1)];
      capsule(out, width, height, ax, ay, bx, by, r, value);
    }
  }
  return out;
}

/** Sets every pixel whose centre is within r of the segment a-b (a disc when a = b). */
function capsule(out: Int8Array, w: number, h: number, ax: number, ay: number, bx: number, by: number, r: number, value: number): void {
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r));
  const x1 = Math.min(w - 1, Math.ceil(Math.max(ax, bx) + r));
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r));
  const y1 = Math.min(h - 1, Math.ceil(Math.max(ay, by) + r));
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  for (let y = y0; y <= y1; y++) {
    const py = y + 0.5 - ay;
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - ax;
      const t = len2 > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / len2)) : 0;
      const ex = px - t * dx;
      const ey = py - t * dy;
      if (ex * ex + ey * ey <= r2) out[y * w + x] = value;
    }
  }
}

/**
 * A detection with the strokes applied to every frame's mask: 'remove' clears all of them there,
 * 'add' sets them for every frame but the reference (each needs its level map from the reference,
 * which is how the reference's content is painted into it). The union mask and area follow; the
 * uncertainty stays the detector's. The masks come out at the frames' size (a stroke is finer than the
 * detector's working pixels). Without strokes the detection itself is returned.
 */
export function applyStrokes(detection: GhostDetection, strokes: readonly GhostStroke[]): GhostDetection {
  if (strokes.length === 0) return detection;
  const { width: w, height: h, reference } = detection;
  const paint = paintStrokes(w, h, strokes);
  const adds = paint.includes(1);
  const frameMasks = detection.frameMasks.map((m, i) => {
    if (i === reference) return null;
    if (adds && !detection.fromReference[i]) throw new RangeError(`the ghost detection has no level map for frame ${i}: it cannot be deghosted there`);
    const out = m ? expandPlane(m) : new Uint8Array(w * h);
    for (let p = 0; p < out.length; p++) {
      const v = paint[p];
      if (v !== 0) out[p] = v > 0 ? 1 : 0;
    }
    return out;
  });
  const mask = new Uint8Array(w * h);
  for (const m of frameMasks) if (m) for (let p = 0; p < mask.length; p++) mask[p] |= m[p];
  return { ...detection, frameMasks: frameMasks.map((m) => m && fullPlane(m, w, h)), mask: fullPlane(mask, w, h), area: maskArea(mask) };
}

/** The threshold the app offers (noise units; detect.ts's default in the middle); the engine takes any in (0, MAX]. */
export const GHOST_THRESHOLD_RANGE = { min: 0.6, max: 4, step: 0.1, default: DEFAULT_THRESHOLD } as const;
export const MAX_GHOST_THRESHOLD = 20;

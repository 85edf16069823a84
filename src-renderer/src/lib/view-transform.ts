/**
 * The viewer's mapping from image to screen: screen = offset + image * scale, in CSS pixels
 * relative to the viewport, with `scale` in CSS pixels per full-resolution image pixel. Zoom as
 * the user sees it (1 = 100%: one image pixel per device pixel) is scale * devicePixelRatio.
 */
export interface View {
  scale: number;
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Most magnification, in device pixels per image pixel (1600%). */
export const MAX_ZOOM = 16;
/** Space kept around the image when it is fitted, CSS pixels. */
export const FIT_MARGIN = 12;
/** Pixels of the image that stay on screen however far it is panned. */
export const KEEP_VISIBLE = 48;
/** The +/- zoom levels (device pixels per image pixel). */
export const ZOOM_STEPS = [1 / 16, 1 / 8, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 1, 1.5, 2, 3, 4, 6, 8, 12, 16] as const;

function checkSize(what: string, s: Size): void {
  if (!(s.width > 0 && s.height > 0 && Number.isFinite(s.width) && Number.isFinite(s.height))) {
    throw new RangeError(`${what} must have a positive finite size, got ${s.width}x${s.height}`);
  }
}

/** The whole image in the viewport, centred, as large as fits inside the margin. */
export function fitView(image: Size, viewport: Size, margin = FIT_MARGIN): View {
  checkSize('image', image);
  checkSize('viewport', viewport);
  const room = { width: Math.max(1, viewport.width - 2 * margin), height: Math.max(1, viewport.height - 2 * margin) };
  const scale = Math.min(room.width / image.width, room.height / image.height);
  return centred(image, viewport, scale);
}

/** The image at `scale`, centred in the viewport. */
export function centred(image: Size, viewport: Size, scale: number): View {
  return { scale, x: (viewport.width - image.width * scale) / 2, y: (viewport.height - image.height * scale) / 2 };
}

/** Scale bounds: down to half the fitted size (or 100% if that is smaller), up to MAX_ZOOM. */
export function scaleLimits(image: Size, viewport: Size, dpr = 1): { min: number; max: number } {
  const fit = fitView(image, viewport).scale;
  return { min: Math.min(fit / 2, 1 / dpr), max: MAX_ZOOM / dpr };
}

export function toImage(view: View, p: Point): Point {
  return { x: (p.x - view.x) / view.scale, y: (p.y - view.y) / view.scale };
}

export function toScreen(view: View, p: Point): Point {
  return { x: view.x + p.x * view.scale, y: view.y + p.y * view.scale };
}

/** Zooms to `scale` (clamped to limits) keeping the image point under `anchor` (viewport coordinates) where it is. */
export function zoomAt(view: View, scale: number, anchor: Point, limits: { min: number; max: number }): View {
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be positive, got ${scale}`);
  const s = Math.min(limits.max, Math.max(limits.min, scale));
  const k = s / view.scale;
  return { scale: s, x: anchor.x - (anchor.x - view.x) * k, y: anchor.y - (anchor.y - view.y) * k };
}

/** Moves the image by (dx, dy) screen pixels, keeping at least KEEP_VISIBLE pixels of it in the viewport. */
export function panBy(view: View, dx: number, dy: number, image: Size, viewport: Size): View {
  return clampPan({ ...view, x: view.x + dx, y: view.y + dy }, image, viewport);
}

export function clampPan(view: View, image: Size, viewport: Size, keep = KEEP_VISIBLE): View {
  const w = image.width * view.scale;
  const h = image.height * view.scale;
  const kx = Math.min(keep, w);
  const ky = Math.min(keep, h);
  return {
    scale: view.scale,
    x: Math.min(viewport.width - kx, Math.max(kx - w, view.x)),
    y: Math.min(viewport.height - ky, Math.max(ky - h, view.y)),
  };
}

/** The next +/- level strictly beyond `zoom` in `direction` (1 in, -1 out); the last level when there is none. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  const eps = 1e-6;
  if (direction > 0) return ZOOM_STEPS.find((z) => z > zoom * (1 + eps)) ?? ZOOM_STEPS[ZOOM_STEPS.length - 1];
  return [...ZOOM_STEPS].reverse().find((z) => z < zoom * (1 - eps)) ?? ZOOM_STEPS[0];
}

/** A wheel event's zoom factor: 1.25x per notch (100 pixels of deltaY; lines count 33 pixels, pages 800). */
export function wheelFactor(deltaY: number, deltaMode = 0): number {
  const pixels = deltaY * (deltaMode === 1 ? 33 : deltaMode === 2 ? 800 : 1);
  return 1.25 ** (-pixels / 100);
}

/** The image pixels the viewport shows (whole pixels, clipped to the image); null when none are. */
export function visibleRect(view: View, image: Size, viewport: Size): { x: number; y: number; width: number; height: number } | null {
  const a = toImage(view, { x: 0, y: 0 });
  const b = toImage(view, { x: viewport.width, y: viewport.height });
  const x0 = Math.max(0, Math.floor(a.x));
  const y0 = Math.max(0, Math.floor(a.y));
  const x1 = Math.min(image.width, Math.ceil(b.x));
  const y1 = Math.min(image.height, Math.ceil(b.y));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}

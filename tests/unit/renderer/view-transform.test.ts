import { describe, expect, it } from 'vitest';
import {
  clampPan,
  fitView,
  MAX_ZOOM,
  panBy,
  scaleLimits,
  stepZoom,
  toImage,
  toScreen,
  visibleRect,
  wheelFactor,
  zoomAt,
  ZOOM_STEPS,
} from '../../../src-renderer/src/lib/view-transform';

const image = { width: 6000, height: 4000 };
const viewport = { width: 824, height: 624 };

describe('view transform', () => {
  it('fits the whole image inside the margin, centred, and maps screen and image points both ways', () => {
    const v = fitView(image, viewport, 12);
    expect(v.scale).toBeCloseTo(800 / 6000, 12);
    expect(v.x).toBeCloseTo(12, 9);
    // 4000 * 0.1333 = 533.3 tall in 624: centred vertically.
    expect(v.y).toBeCloseTo((624 - 4000 * v.scale) / 2, 9);
    const p = { x: 1234.5, y: 987.25 };
    const back = toImage(v, toScreen(v, p));
    expect(back.x).toBeCloseTo(p.x, 9);
    expect(back.y).toBeCloseTo(p.y, 9);
    // Tall images fit by height.
    expect(fitView({ width: 100, height: 1000 }, viewport, 12).scale).toBeCloseTo(600 / 1000, 12);
    expect(() => fitView({ width: 0, height: 10 }, viewport)).toThrow(RangeError);
  });

  it('zooms keeping the image point under the cursor where it is, within the limits', () => {
    const v = fitView(image, viewport);
    const limits = scaleLimits(image, viewport, 1);
    const cursor = { x: 300, y: 200 };
    const under = toImage(v, cursor);
    const z = zoomAt(v, v.scale * 3, cursor, limits);
    expect(z.scale).toBeCloseTo(v.scale * 3, 12);
    const still = toImage(z, cursor);
    expect(still.x).toBeCloseTo(under.x, 9);
    expect(still.y).toBeCloseTo(under.y, 9);
    // Clamped to MAX_ZOOM device pixels per image pixel, and to half the fitted size.
    expect(zoomAt(v, 1000, cursor, limits).scale).toBe(MAX_ZOOM);
    expect(zoomAt(v, 1e-6, cursor, limits).scale).toBeCloseTo(v.scale / 2, 12);
    // On a 2x display 100% is half a CSS pixel per image pixel, and the most zoom halves too.
    expect(scaleLimits(image, viewport, 2).max).toBe(MAX_ZOOM / 2);
    expect(() => zoomAt(v, Number.NaN, cursor, limits)).toThrow(RangeError);
  });

  it('pans by the drag, keeping part of the image on screen', () => {
    const v = { scale: 1, x: -1000, y: -500 };
    expect(panBy(v, 30, -20, image, viewport)).toEqual({ scale: 1, x: -970, y: -520 });
    // Dragged far right: the image's left edge stops KEEP_VISIBLE pixels from the viewport's right edge.
    expect(panBy(v, 1e6, 0, image, viewport).x).toBe(824 - 48);
    // Far left: its right edge stops 48 pixels into the viewport.
    expect(panBy(v, -1e6, 0, image, viewport).x).toBe(48 - 6000);
    // A tiny image stays wholly visible-able: what is kept is at most its size.
    expect(clampPan({ scale: 1, x: -100, y: 0 }, { width: 10, height: 10 }, viewport).x).toBe(0);
  });

  it('steps through the zoom levels past the current zoom, and turns wheel notches into factors', () => {
    expect(stepZoom(1, 1)).toBe(1.5);
    expect(stepZoom(1, -1)).toBeCloseTo(2 / 3, 12);
    expect(stepZoom(0.13, 1)).toBe(0.25);
    expect(stepZoom(0.13, -1)).toBe(0.125);
    expect(stepZoom(16, 1)).toBe(16);
    expect(stepZoom(ZOOM_STEPS[0], -1)).toBe(ZOOM_STEPS[0]);
    expect(wheelFactor(-100)).toBeCloseTo(1.25, 12);
    expect(wheelFactor(100)).toBeCloseTo(0.8, 12);
    expect(wheelFactor(-3, 1)).toBeCloseTo(1.25 ** 0.99, 12);
    expect(wheelFactor(0)).toBe(1);
  });

  it('finds the image pixels on screen, in whole pixels inside the image', () => {
    // 100% with the image 100.5 pixels off screen to the left and 40 down: pixels 100..924 across, 0..583 down.
    expect(visibleRect({ scale: 1, x: -100.5, y: 40 }, image, viewport)).toEqual({ x: 100, y: 0, width: 825, height: 584 });
    // Fitted: all of it.
    expect(visibleRect(fitView(image, viewport), image, viewport)).toEqual({ x: 0, y: 0, width: 6000, height: 4000 });
    // Panned wholly away: nothing.
    expect(visibleRect({ scale: 1, x: 900, y: 0 }, image, viewport)).toBeNull();
  });
});

/** Brush strokes on the ghost mask: rasterised resolution-independently, later strokes winning, applied to every frame's mask. */
import { describe, expect, it } from 'vitest';
import type { GhostDetection, LevelMap } from '../../../../src-shared/ghost/detect';
import { applyStrokes, paintStrokes, type GhostStroke } from '../../../../src-shared/ghost/strokes';
import { expandPlane, nearestIndex, scaledPlane } from '../../../../src-shared/image/scaled-plane';

const count = (a: ArrayLike<number>, v: number): number => Array.prototype.filter.call(a, (x: number) => x === v).length;

/**
 * A 3-frame detection of a w x h image (w, h even), reference 1, found at half size as the detectors
 * work: one masked square in frame 0, pixels 2..5 at full size.
 */
function detection(w: number, h: number): GhostDetection {
  const [ww, wh] = [w / 2, h / 2];
  const m0 = new Uint8Array(ww * wh);
  for (let y = 1; y < 3; y++) for (let x = 1; x < 3; x++) m0[y * ww + x] = 1;
  const map = {} as LevelMap;
  const half = <T extends Float32Array | Uint8Array>(data: T) => scaledPlane(data, ww, wh, nearestIndex(ww, w), nearestIndex(wh, h));
  return {
    width: w,
    height: h,
    reference: 1,
    frameMasks: [half(m0), null, half(new Uint8Array(ww * wh))],
    frameUncertainty: [half(new Float32Array(ww * wh)), null, half(new Float32Array(ww * wh))],
    fromReference: [map, null, map],
    mask: half(Uint8Array.from(m0)),
    uncertainty: half(new Float32Array(ww * wh)),
    area: 16 / (w * h),
  };
}

describe('ghost strokes', () => {
  it('paints a disc for one point and a capsule along a path, scaled with the image', () => {
    const dab: GhostStroke = { mode: 'add', radius: 0.1, points: [[0.5, 0.5]] };
    const small = paintStrokes(40, 20, [dab]);
    const large = paintStrokes(400, 200, [dab]);
    // Radius 0.1 of the long side: 4 px and 40 px; the covered fraction is the same at both sizes.
    expect(count(small, 1) / small.length).toBeCloseTo(count(large, 1) / large.length, 2);
    expect(count(large, 1)).toBeGreaterThan(0.95 * Math.PI * 40 * 40);
    expect(count(large, 1)).toBeLessThan(1.05 * Math.PI * 40 * 40);
    expect(large[100 * 400 + 200]).toBe(1);
    expect(large[100 * 400 + 245]).toBe(0);
    const line = paintStrokes(400, 200, [{ mode: 'remove', radius: 0.01, points: [[0.1, 0.5], [0.9, 0.5]] }]);
    // A band 320 px long and 8 px wide (plus round caps), set to -1.
    expect(count(line, -1)).toBeGreaterThan(320 * 8);
    expect(count(line, -1)).toBeLessThan(340 * 9);
    expect(count(line, 1)).toBe(0);
  });

  it('lets a later stroke win where strokes overlap', () => {
    const add: GhostStroke = { mode: 'add', radius: 0.2, points: [[0.5, 0.5]] };
    const remove: GhostStroke = { mode: 'remove', radius: 0.1, points: [[0.5, 0.5]] };
    const a = paintStrokes(50, 50, [add, remove]);
    expect(a[25 * 50 + 25]).toBe(-1);
    expect(a[25 * 50 + 33]).toBe(1);
    const b = paintStrokes(50, 50, [remove, add]);
    expect(b[25 * 50 + 25]).toBe(1);
    expect(() => paintStrokes(50, 50, [{ ...add, radius: 0 }])).toThrow(RangeError);
  });

  it('clears every frame mask under a remove stroke and sets every frame but the reference under an add stroke', () => {
    const d = detection(20, 20);
    expect(applyStrokes(d, [])).toBe(d);
    const removed = applyStrokes(d, [{ mode: 'remove', radius: 0.1, points: [[0.2, 0.2]] }]);
    // Painted masks are at the frames' size: a stroke is finer than the detector's pixels.
    expect([removed.mask.workWidth, removed.mask.workHeight]).toEqual([20, 20]);
    expect(expandPlane(removed.frameMasks[0]!)[4 * 20 + 4]).toBe(0);
    expect(expandPlane(removed.mask)[4 * 20 + 4]).toBe(0);
    expect(removed.area).toBeLessThan(d.area);
    // The detection given is left as it was.
    expect(expandPlane(d.frameMasks[0]!)[4 * 20 + 4]).toBe(1);
    const added = applyStrokes(d, [{ mode: 'add', radius: 0.1, points: [[0.75, 0.75]] }]);
    expect(expandPlane(added.frameMasks[0]!)[15 * 20 + 15]).toBe(1);
    expect(expandPlane(added.frameMasks[2]!)[15 * 20 + 15]).toBe(1);
    expect(added.frameMasks[1]).toBeNull();
    const union = expandPlane(added.mask);
    expect(union[15 * 20 + 15]).toBe(1);
    // What the detector found stays where no stroke passed.
    expect(union[3 * 20 + 3]).toBe(1);
    expect(added.area).toBeCloseTo(union.reduce((s, v) => s + v, 0) / 400, 12);
    expect(added.uncertainty).toBe(d.uncertainty);
    // Without the reference's level map a frame cannot be painted, and it says so.
    expect(() => applyStrokes({ ...d, fromReference: [null, null, null] }, [{ mode: 'add', radius: 0.1, points: [[0.5, 0.5]] }])).toThrow(/no level map for frame 0/);
  });
});

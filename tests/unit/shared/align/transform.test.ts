import { describe, expect, it } from 'vitest';
import { applyAffine, composeAffine, describeAffine, invertAffine, maxCornerDisplacement, rmsDisplacement, scaleAffine, similarity } from '../../../../src-shared/align/transform';

describe('alignment transforms', () => {
  it('measure the root-mean-square displacement over the image exactly', () => {
    expect(rmsDisplacement([1, 0, 3, 0, 1, -4], 640, 480)).toBeCloseTo(5, 10);
    expect(rmsDisplacement([1, 0, 0, 0, 1, 0], 640, 480)).toBe(0);
    // A rotation and scale about the centre, against a fine grid's mean.
    const m = similarity({ dx: 0.3, dy: -0.2, rotationDeg: 0.4, scale: 1.003 }, 640, 480).matrix;
    let sum = 0;
    const n = 400;
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const [x, y] = [((i + 0.5) / n) * 640, ((j + 0.5) / n) * 480];
        const [u, v] = applyAffine(m, x, y);
        sum += (u - x) ** 2 + (v - y) ** 2;
      }
    }
    expect(rmsDisplacement(m, 640, 480)).toBeCloseTo(Math.sqrt(sum / (n * n)), 4);
  });

  it('describe a similarity by the parameters it was built from', () => {
    const t = similarity({ dx: 3.5, dy: -1.25, rotationDeg: 0.7, scale: 1.02 }, 640, 480);
    const d = describeAffine(t.matrix, 640, 480);
    expect(d.dx).toBeCloseTo(3.5, 10);
    expect(d.dy).toBeCloseTo(-1.25, 10);
    expect(d.rotationDeg).toBeCloseTo(0.7, 10);
    expect(d.scale).toBeCloseTo(1.02, 10);
    // The centre moves by exactly (dx, dy).
    expect(applyAffine(t.matrix, 319.5, 239.5)).toEqual([319.5 + 3.5, 239.5 - 1.25].map((v) => expect.closeTo(v, 10)));
  });

  it('compose with their inverse to the identity', () => {
    const m = similarity({ dx: -2, dy: 5, rotationDeg: -1.5, scale: 0.99 }, 100, 80).matrix;
    const id = composeAffine(m, invertAffine(m));
    for (const [k, v] of [1, 0, 0, 0, 1, 0].entries()) expect(id[k]).toBeCloseTo(v, 10);
    expect(maxCornerDisplacement(id, 100, 80)).toBeLessThan(1e-9);
  });

  it('scale to a smaller image so that block edges map to block edges', () => {
    const m = similarity({ dx: 4, dy: -6, rotationDeg: 0.3 }, 800, 600).matrix;
    const small = scaleAffine(m, 4);
    // Point x in the small image is point 4 (x + 0.5) - 0.5 in the full one.
    const [x, y] = [37.25, 91.5];
    const [u, v] = applyAffine(small, x, y);
    const [U, V] = applyAffine(m, 4 * (x + 0.5) - 0.5, 4 * (y + 0.5) - 0.5);
    expect(u).toBeCloseTo((U + 0.5) / 4 - 0.5, 10);
    expect(v).toBeCloseTo((V + 0.5) / 4 - 0.5, 10);
    const back = scaleAffine(small, 1 / 4);
    for (let k = 0; k < 6; k++) expect(back[k]).toBeCloseTo(m[k], 10);
  });
});

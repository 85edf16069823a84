/** Reading frames through a camera response without a linearised copy gives the numbers of the copy (the consistency check to the bit, the exposure proxy within the composed table's 0.2%). */
import { describe, expect, it } from 'vitest';
import { srgbEncodeTable } from '../../../../src-shared/image/srgb-tables';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { estimateRelativeExposures } from '../../../../src-shared/merge/exposure-estimate';
import { exposureProxy, proxyBlockSize } from '../../../../src-shared/merge/exposure-proxy';
import { mergeRadiance } from '../../../../src-shared/merge/radiance';
import { radianceConsistency } from '../../../../src-shared/merge/radiance-consistency';
import { readCurve, recoverResponse, type CameraResponse } from '../../../../src-shared/merge/response';
import { levelPosition } from '../../../../src-shared/merge/response-samples';
import { CURVES, photographBracket } from './camera-curves';
import { radianceField } from './synthetic-bracket';

const EV = [-2, 0, 2];
const frames = photographBracket(radianceField(120, 90, 12, 3), EV, { curve: CURVES['gamma-s'], shot: 0.004, read: 0.0004 });
const response = recoverResponse(frames, EV)!;

/** The frame linearised into a Float32 copy, sample by sample: the reference. */
function linearised(frame: LinearImage, r: CameraResponse): LinearImage {
  const enc = srgbEncodeTable();
  const out = Float32Array.from(frame.data, (v, i) => readCurve(r.curves[i % frame.channels], levelPosition(v, r.levels, enc)));
  return { ...frame, data: out, meta: { ...frame.meta } };
}

describe('reading through a response in place', () => {
  it('exposureProxy matches the proxy of the linearised copy within 0.2% (0.003 stops)', () => {
    expect(response).not.toBeNull();
    const rel = (a: Float32Array, b: Float32Array): number => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]) / Math.max(1e-6, Math.abs(b[i]))));
    for (const f of frames) {
      const inPlace = exposureProxy(f, 4, response);
      const copy = exposureProxy(linearised(f, response), 4);
      expect(rel(inPlace.mean, copy.mean)).toBeLessThan(2e-3);
      expect(rel(inPlace.max, copy.max)).toBeLessThan(2e-3);
      expect(inPlace.clip).toBe(copy.clip);
      // And it is not the plain sRGB reading: the camera curve matters here.
      expect(Array.from(exposureProxy(f, 4).mean)).not.toEqual(Array.from(copy.mean));
    }
  });

  it('radianceConsistency reads the sampled pixels through the response as the linearised copies would be read', () => {
    const merged = mergeRadiance(frames, EV, { response });
    const inPlace = radianceConsistency(frames, EV, merged, response);
    const copies = radianceConsistency(frames.map((f) => linearised(f, response)), EV, merged, null);
    expect(inPlace).toEqual(copies);
    // Through the curve the frames agree with the map within 1%; read as sRGB they do not.
    for (const e of inPlace) expect(e).toBeLessThan(0.01);
    expect(Math.max(...radianceConsistency(frames, EV, merged, null))).toBeGreaterThan(0.02);
  });
});

describe('the proxy of a large frame', () => {
  it('reads a block of 32 on a 4-pixel sub-grid: the mean and max of exactly those samples', () => {
    const w = 64;
    const h = 32;
    const data = Float32Array.from({ length: w * h * 3 }, (_, i) => ((i * 7919) % 1000) / 1000);
    const frame: LinearImage = { width: w, height: h, channels: 3, data, meta: {}, ev: null } as unknown as LinearImage;
    const proxy = exposureProxy(frame, 32);
    for (let gx = 0; gx < 2; gx++) {
      let s = 0;
      let m = 0;
      let count = 0;
      for (let y = 0; y < 32; y += 4) {
        for (let x = gx * 32; x < gx * 32 + 32; x += 4) {
          for (let c = 0; c < 3; c++) {
            const v = data[(y * w + x) * 3 + c];
            s += v;
            m = Math.max(m, v);
            count++;
          }
        }
      }
      expect(count).toBe(8 * 8 * 3);
      expect(proxy.mean[gx]).toBeCloseTo(s / count, 6);
      expect(proxy.max[gx]).toBe(Math.fround(m));
    }
  });

  it('a 3600 px noisy bracket read on the sub-grid still finds its exposures within 0.02 stops', () => {
    const ev = [-2, 0, 2];
    const wide = photographBracket(radianceField(3600, 300, 12, 5), ev, { curve: CURVES['gamma-s'], shot: 0.004, read: 0.0004 });
    // Blocks of 10 pixels, read on a 2-pixel sub-grid.
    expect(proxyBlockSize(3600, 300)).toBe(10);
    const through = recoverResponse(wide, ev)!;
    const found = estimateRelativeExposures(wide, [null, null, null], { response: through }).ev;
    for (let i = 0; i < 3; i++) expect(Math.abs(found[i] - found[0] - (ev[i] - ev[0]))).toBeLessThan(0.02);
  });
});

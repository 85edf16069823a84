import { describe, expect, it } from 'vitest';
import { blendFrames } from '../../../../src-shared/fusion/blend';
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { readTable, srgbDecodeTable, srgbEncodeTable } from '../../../../src-shared/image/srgb-tables';
import { collapse, createPlane, gaussianPyramid, laplacianPyramid, maxPyramidLevels } from '../../../../src-shared/merge/pyramid';
import { seededRandom, testImage } from '../../helpers/test-images';

/** The pyramid blend written plainly (whole pyramids per frame), as blend.ts computed it before it was streamed. */
function referencePyramidBlend(frames: LinearImage[], weights: Float32Array[]): Float32Array {
  const { width: w, height: h } = frames[0];
  const levels = maxPyramidLevels(w, h);
  const enc = srgbEncodeTable();
  let acc: ReturnType<typeof createPlane>[] | null = null;
  frames.forEach((f, k) => {
    const e = createPlane(w, h, 3);
    for (let p = 0; p < w * h; p++) {
      for (let c = 0; c < 3; c++) e.data[p * 3 + c] = readTable(enc, f.data[p * f.channels + (f.channels === 1 ? 0 : c)]);
    }
    const lap = laplacianPyramid(e, levels);
    const gw = gaussianPyramid({ width: w, height: h, channels: 1, data: weights[k] }, levels);
    acc ??= lap.map((l) => createPlane(l.width, l.height, 3));
    for (let l = 0; l < levels; l++) {
      for (let p = 0; p < gw[l].data.length; p++) for (let c = 0; c < 3; c++) acc[l].data[p * 3 + c] += gw[l].data[p] * lap[l].data[p * 3 + c];
    }
  });
  const out = collapse(acc!, true).data;
  const dec = srgbDecodeTable();
  return out.map((v) => readTable(dec, v));
}

describe('blendFrames (learned fusion blend)', () => {
  it('streams the pyramid blend to the same image as whole pyramids, for odd sizes, grey and RGB frames', () => {
    const [w, h] = [37, 22];
    const frames = [testImage(w, h, 3, 1), testImage(w, h, 1, 2), testImage(w, h, 3, 3)];
    const rnd = seededRandom(4);
    const raw = frames.map(() => Float32Array.from({ length: w * h }, () => rnd()));
    const weights = raw.map((r) => r.map((v, p) => v / (raw[0][p] + raw[1][p] + raw[2][p])));
    const got = blendFrames(frames, weights, 'pyramid').data;
    const want = referencePyramidBlend(frames, weights);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(1e-5);
  });
});

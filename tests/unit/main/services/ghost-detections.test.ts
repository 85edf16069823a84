/** The app's ghost detector: the judge network by default, its threshold tied to the app's slider, the classical baseline on request. */
import { describe, expect, it } from 'vitest';
import { GhostDetections, judgeThreshold } from '../../../../src-main/services/ghost-detections';
import { bracketAroundMedian, renderDynamicBracket } from '../../../../src-shared/ghost/dynamic-bracket';
import { DEFAULT_THRESHOLD } from '../../../../src-shared/ghost/detect';
import { maskScores } from '../../../../src-shared/metrics/mask-scores';
import { radianceField } from '../../shared/merge/synthetic-bracket';
import { expandPlane } from '../../../../src-shared/image/scaled-plane';

describe('judgeThreshold', () => {
  it('maps the default slider value to probability 0.5, grows with it, stays inside (0, 1), and scales odds as T^4', () => {
    expect(judgeThreshold(DEFAULT_THRESHOLD)).toBeCloseTo(0.5, 12);
    const ts = [0.6, 1, 1.4, 2, 3, 4];
    const ps = ts.map(judgeThreshold);
    ps.forEach((p, i) => {
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThan(1);
      if (i > 0) expect(p).toBeGreaterThan(ps[i - 1]);
    });
    const odds = (p: number) => p / (1 - p);
    expect(odds(judgeThreshold(2.8)) / odds(judgeThreshold(1.4))).toBeCloseTo(16, 9);
  });
});

describe('GhostDetections', () => {
  const W = 160;
  const H = 112;
  const radiance = radianceField(W, H, 8, 5);
  const bracket = renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, 3, 2), seed: 5, objects: 2 });

  it('uses the judge network unless told otherwise, and a higher threshold masks less', async () => {
    const judge = new GhostDetections(bracket.frames);
    const d = await judge.detect(1, DEFAULT_THRESHOLD);
    expect(judge.lastDetector).toBe('judge');
    expect(maskScores(expandPlane(d.mask), bracket.union).precision).toBeGreaterThan(0.7);
    const strict = await judge.detect(1, 3);
    expect(strict.area).toBeLessThan(d.area);
    const classical = new GhostDetections(bracket.frames, 'classical');
    await classical.detect(1, DEFAULT_THRESHOLD);
    expect(classical.lastDetector).toBe('classical');
  }, 60_000);

  it('keeps the detections asked for again within its bytes, the latest always', async () => {
    const roomy = new GhostDetections(bracket.frames);
    const first = await roomy.detect(1, DEFAULT_THRESHOLD);
    await roomy.detect(1, 3);
    expect(await roomy.detect(1, DEFAULT_THRESHOLD)).toBe(first);
    expect(roomy.lastMillis).toBe(0);
    // keptBytes 0 (the app's large full-size stage): only the latest; the earlier one is made again, equal.
    const tight = new GhostDetections(bracket.frames, 'judge', { keptBytes: 0 });
    const latest = await tight.detect(1, DEFAULT_THRESHOLD);
    expect(await tight.detect(1, DEFAULT_THRESHOLD)).toBe(latest);
    await tight.detect(1, 3);
    const again = await tight.detect(1, DEFAULT_THRESHOLD);
    expect(again).not.toBe(latest);
    expect(again.mask).toEqual(latest.mask);
    expect(again.uncertainty).toEqual(latest.uncertainty);
  }, 60_000);
});

/**
 * The WebGPU guided lift and weighted-sum blend (src-renderer/src/gpu/merge-gpu.ts) against their
 * CPU references (guidedLift; normaliseWeights + blendFrames 'weighted-sum') in Chromium, on
 * SwiftShader where the machine has no GPU. beforeAll builds merge.html and serves it with the
 * app's COOP/COEP headers (harness-server.ts); the page runs both paths on seeded inputs and
 * returns only the differences. Without WebGPU the tests skip locally with the reason printed,
 * and fail on CI.
 */
import { expect, test, type Page } from '@playwright/test';
import { serveHarness, type HarnessServer } from './harness-server';
import { openWebGpuHarness } from './open-harness';
import type { DiffResult, LiftCase, PyramidCase, Sizes } from './merge-harness';

/**
 * Largest |GPU - CPU| of a lifted plane (maps in 0..1). Both sides round to float32; the GPU also
 * sums the box windows in float32 (the CPU sums columns in doubles), solves a = cov / (var + eps)
 * and places the bilinear samples in float32. Measured on SwiftShader: at most 2.1e-6 over the
 * cases below (eps down to 1e-4); 1e-5 leaves room for other drivers' rounding (fused multiply-add,
 * WGSL's 2.5-ulp division), while a misplaced sample or an unclipped box edge is 1e-3 to 0.5 off.
 */
const LIFT_TOLERANCE = 1e-5;
/**
 * Largest |GPU - CPU| of the blend (linear light in 0..1): float32 sums and table interpolation.
 * Measured at most 4.2e-7; an epsilon of 1e-6 added to the normalisation's sum moves it by 1e-6 to 8e-5.
 */
const BLEND_TOLERANCE = 2e-6;

/**
 * Largest |GPU - CPU| of the pyramid blend (linear light in 0..1): the same sums in the same order per level,
 * float32 both, the level-0 terms added in another order. Measured on SwiftShader: at most 7.2e-7 (Dawn in Node,
 * 37x23 to 64x48, 1-4 frames of 1, 3 and 4 channels, detail levels 0-2); a misplaced tap or border is 1e-3 off.
 */
const PYRAMID_TOLERANCE = 5e-6;

/**
 * |GPU - CPU| of the detail weights (0..1). The contrast is quantised to 1/16384 of a Laplacian the GPU sums in float32
 * (the CPU in doubles) from luma one rounding apart: a Laplacian at a quantum's edge can land in the next one, and
 * where contrasts are near the floor (16 quanta) that moves a pixel's weights by up to 1/17 of themselves. Measured on
 * SwiftShader: at most 6.0e-3 at such pixels (smooth frames), 4.3e-5 on noise; the guide and the coarse weights 1.2e-7.
 * So the largest difference is held loosely (below one 8-bit code's share of a blend) and the mean tightly: a wrong
 * floor or scale moves every pixel, by 1e-3 and more.
 */
const DETAIL_TOLERANCE = 1e-2;
const DETAIL_MEAN_TOLERANCE = 2e-5;

const SMALL: Sizes = { W: 96, H: 64, w: 24, h: 16, K: 3, seed: 1 };
/** Sizes that do not divide: the bilinear weights are not exact binary fractions. */
const ODD: Sizes = { W: 90, H: 53, w: 23, h: 13, K: 3, seed: 7 };

const LIFT_CASES: LiftCase[] = [
  { ...SMALL, radius: 2, eps: 1e-3 },
  { ...SMALL, radius: 1, eps: 1e-2 },
  { ...SMALL, radius: 4, eps: 1e-4, seed: 2 },
  { ...SMALL, radius: 0, eps: 1e-3, seed: 3 },
  // Windows wider than the plane: every window clipped.
  { ...SMALL, radius: 12, eps: 1e-3, seed: 4 },
  { ...ODD, radius: 2, eps: 1e-3 },
  { ...ODD, radius: 3, eps: 1e-4, K: 5, seed: 8 },
];

let harness: HarnessServer;
let url = '';

test.beforeAll(async () => {
  harness = await serveHarness('merge.html');
  url = harness.url;
});

test.afterAll(async () => harness?.close());

/** Opens the harness; skips (locally) or fails (CI) when the browser has no WebGPU. */
const openHarness = (page: Page): Promise<void> => openWebGpuHarness(page, url, 'mergeHarness', 'merge-gpu', 'GPU merge tests');

function check(results: DiffResult[], tolerance: number, bands: number): void {
  for (const r of results) {
    const w = r.worst;
    console.log(
      `[merge-gpu] ${r.name}: max diff ${r.maxDiff.toExponential(2)} over outputs in ${r.min.toFixed(3)}..${r.max.toFixed(3)}, ${r.bands} band(s)` +
        `${r.bandedVsWhole === null ? '' : `, banded vs whole ${r.bandedVsWhole}`}${w ? ` (worst plane ${w.plane} at ${w.x},${w.y}: cpu ${w.cpu} gpu ${w.gpu})` : ''}`,
    );
    expect.soft(r.maxDiff, `${r.name}: largest |GPU - CPU|`).toBeLessThanOrEqual(tolerance);
    expect.soft(r.bands, `${r.name}: bands`).toBe(bands);
    // Bands split rows only; every output pixel runs the same arithmetic on the same inputs.
    if (r.bandedVsWhole !== null) expect.soft(r.bandedVsWhole, `${r.name}: banded against unbanded`).toBe(0);
  }
}

test(`the GPU guided lift matches guidedLift within ${LIFT_TOLERANCE}`, async ({ page }) => {
  await openHarness(page);
  check(await page.evaluate((cases) => window.mergeHarness.compareLift({ cases }), LIFT_CASES), LIFT_TOLERANCE, 1);
});

test(`the GPU weighted-sum blend matches normaliseWeights + blendFrames within ${BLEND_TOLERANCE}`, async ({ page }) => {
  await openHarness(page);
  const cases: Sizes[] = [SMALL, { ...ODD, K: 5 }, { ...SMALL, K: 2, seed: 5 }];
  check(await page.evaluate((cases) => window.mergeHarness.compareBlend({ cases }), cases), BLEND_TOLERANCE, 1);
});

test(`the GPU pyramid blend matches blendFrames 'pyramid' (with and without detail levels) within ${PYRAMID_TOLERANCE}`, async ({ page }) => {
  await openHarness(page);
  const cases: PyramidCase[] = [
    { ...SMALL, coarseLevel: 0 },
    { ...ODD, K: 5, coarseLevel: 0 },
    { ...ODD, coarseLevel: 1 },
    { ...SMALL, K: 2, seed: 5, coarseLevel: 3 },
    // Sides down to 1 px at the top level, and odd ones at every level.
    { W: 37, H: 23, w: 1, h: 1, K: 3, seed: 9, coarseLevel: 2 },
  ];
  check(await page.evaluate((cases) => window.mergeHarness.comparePyramid({ cases }), cases), PYRAMID_TOLERANCE, 1);
});

test(`the GPU guide and coarse weights match learned-fuse.ts's within 1e-6, its detail weights within ${DETAIL_TOLERANCE} (mean ${DETAIL_MEAN_TOLERANCE})`, async ({ page }) => {
  await openHarness(page);
  const cases: PyramidCase[] = [
    { ...SMALL, coarseLevel: 3 },
    { ...ODD, K: 5, coarseLevel: 1 },
    { ...SMALL, K: 2, seed: 5, coarseLevel: 0 },
  ];
  const results = await page.evaluate((cases) => window.mergeHarness.compareDetail({ cases }), cases);
  check(results.filter((r) => !r.name.startsWith('detail')), 1e-6, 1);
  check(results.filter((r) => r.name.startsWith('detail')), DETAIL_TOLERANCE, 1);
  for (const r of results.filter((x) => x.meanDiff !== undefined)) {
    console.log(`[merge-gpu] ${r.name}: mean diff ${r.meanDiff!.toExponential(2)}`);
    expect.soft(r.meanDiff!, `${r.name}: mean |GPU - CPU|`).toBeLessThanOrEqual(DETAIL_MEAN_TOLERANCE);
  }
});

/**
 * The whole learned merge after the network in one submission (gpuLearnedFuse) against learnedFuse: the detail weights'
 * contrast quanta (DETAIL_TOLERANCE above) carry into the fused image at a few pixels, so its largest difference is held
 * below one 8-bit code's share (5e-3 in linear 0..1) and its mean tightly. Measured on SwiftShader (Dawn in Node, 3 x
 * 384x256, bench/gpu-merge.ts): largest 5.8e-4, mean 3.3e-7, and no difference at all from the staged functions.
 */
const LEARNED_TOLERANCE = 5e-3;
const LEARNED_MEAN_TOLERANCE = 2e-5;

test(`the GPU learned merge in one submission matches learnedFuse within ${LEARNED_TOLERANCE} (mean ${LEARNED_MEAN_TOLERANCE})`, async ({ page }) => {
  await openHarness(page);
  const cases: PyramidCase[] = [
    { ...SMALL, coarseLevel: 3 },
    { ...ODD, K: 4, coarseLevel: 1 },
    { ...SMALL, K: 2, seed: 5, coarseLevel: 0 },
  ];
  const results = await page.evaluate((cases) => window.mergeHarness.compareLearned({ cases }), cases);
  check(results.filter((r) => r.name.startsWith('fused')), LEARNED_TOLERANCE, 1);
  check(results.filter((r) => r.name.startsWith('weights')), DETAIL_TOLERANCE, 1);
  for (const r of results) {
    console.log(`[merge-gpu] ${r.name}: largest ${r.maxDiff.toExponential(2)}, mean ${r.meanDiff!.toExponential(2)}`);
    expect.soft(r.meanDiff!, `${r.name}: mean |GPU - CPU|`).toBeLessThanOrEqual(r.name.startsWith('fused') ? LEARNED_MEAN_TOLERANCE : DETAIL_MEAN_TOLERANCE);
  }
});

test('over the buffer limit both stages run in bands with the same result', async ({ page }) => {
  await openHarness(page);
  // The lift's full-resolution planes: 16 rows of 96 floats per band, 4 bands for 64 rows.
  const lift = await page.evaluate((cases) => window.mergeHarness.compareLift({ cases, maxBandBytes: 96 * 4 * 16 }), [LIFT_CASES[0], LIFT_CASES[2]]);
  check(lift, LIFT_TOLERANCE, 4);
  // The blend's widest buffer holds 4 channels (the RGBA frame) per pixel: 16 rows a band.
  const blend = await page.evaluate((cases) => window.mergeHarness.compareBlend({ cases, maxBandBytes: 96 * 4 * 4 * 16 }), [SMALL]);
  check(blend, BLEND_TOLERANCE, 4);
});

test('a lost or unusable device falls back to the CPU reference, mid-call and from then on', async ({ page }) => {
  await openHarness(page);
  const r = await page.evaluate((c) => window.mergeHarness.deviceLoss(c), LIFT_CASES[0]);
  console.log(`[merge-gpu] device loss: ${JSON.stringify(r)}`);
  expect(r.firstPath).toBe('gpu');
  expect(r.firstVsCpu).toBeLessThanOrEqual(LIFT_TOLERANCE);
  expect(r.loss).toBe('destroyed');
  expect(r.inFlightPath).toBe('cpu');
  expect(r.inFlightFallback).toBe('device lost (destroyed)');
  expect(r.inFlightVsCpu).toBe(0);
  expect(r.afterPath).toBe('cpu');
  expect(r.afterFallback).toBe('device lost (destroyed)');
  expect(r.afterVsCpu).toBe(0);
  expect(r.direct).toBe('GpuDeviceLostError: destroyed');
  expect(r.offPath).toBe('cpu');
  expect(r.offFallback).toBe('GPU preview switched off');
  expect(r.newDeviceAfterLoss).toBe(true);
  expect(r.unavailablePath).toBe('cpu');
  expect(r.unavailableFallback).toBe('a low-resolution plane of 24x16 exceeds the 64-byte buffer limit');
  expect(r.unavailableVsCpu).toBe(0);
});

/** Procedural brackets for the speed benchmarks: no files, any size. */
import { createLinearImage, type LinearImage } from '../../src-shared/image/linear-image';

/**
 * Three exposures (gains 1/4, 1, 4) of a smooth two-zone scene, clipped at 1: every frame has clipped and
 * dark areas, so every weight map has work to do. Linear RGB, 3 channels.
 */
export function syntheticBracket(W: number, H: number, gains: readonly number[] = [0.25, 1, 4]): LinearImage[] {
  return gains.map((g) => {
    const img = createLinearImage(W, H);
    const d = img.data;
    for (let y = 0, i = 0; y < H; y++) {
      for (let x = 0; x < W; x++, i += 3) {
        const v = Math.min(1, g * (0.02 + 0.5 * (1 + Math.sin(x / 37) * Math.cos(y / 53))) * (x > W / 2 ? 2 : 0.5));
        d[i] = v;
        d[i + 1] = v * 0.9;
        d[i + 2] = v * 0.8;
      }
    }
    return img;
  });
}

/** A scene-referred map over 16 stops left to right, with texture and a bright disc, for the tone-mapping benchmarks. */
export function syntheticRadiance(W: number, H: number): LinearImage {
  const img = createLinearImage(W, H, 3, {}, 0);
  const d = img.data;
  for (let y = 0, i = 0; y < H; y++) {
    for (let x = 0; x < W; x++, i += 3) {
      let stops = -8 + (16 * x) / Math.max(1, W - 1) + 0.7 * Math.sin(x * 0.07) * Math.sin(y * 0.09);
      if ((x - W * 0.7) ** 2 + (y - H * 0.3) ** 2 < (H * 0.12) ** 2) stops += 5;
      const v = 2 ** stops;
      d[i] = v;
      d[i + 1] = v * (0.8 + 0.2 * Math.cos(y / 40));
      d[i + 2] = v * (0.7 + 0.3 * Math.sin(y / 60));
    }
  }
  return img;
}

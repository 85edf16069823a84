// A procedural scene that can be photographed from any similarity pose without resampling, at any exposure.
import type { LinearImage } from '../../../../src-shared/image/linear-image';
import { invertAffine, similarity, type SimilarityParams } from '../../../../src-shared/align/transform';
import { renderFrame, rng } from '../merge/synthetic-bracket';

interface Wave {
  fx: number;
  fy: number;
  phase: number;
  amp: number;
}

export interface Scene {
  /** Linear radiance (mid-grey 0.18) at a continuous point, in reference-frame pixels. */
  at(x: number, y: number): number;
}

/** About `stops` stops of range: a slow log ramp, soft blobs, band-limited texture and a few soft-edged boxes. */
export function texturedScene(width: number, height: number, stops = 10, seed = 3): Scene {
  const rand = rng(seed);
  const waves: Wave[] = Array.from({ length: 14 }, () => {
    const period = 5 + rand() * 40;
    const angle = rand() * Math.PI;
    return { fx: Math.cos(angle) / period, fy: Math.sin(angle) / period, phase: rand() * 2 * Math.PI, amp: (0.12 + 0.3 * rand()) * Math.sqrt(period / 40) };
  });
  const blobs = Array.from({ length: 8 }, () => ({ x: rand() * width, y: rand() * height, r: (0.04 + rand() * 0.12) * width, s: (rand() - 0.5) * 5 }));
  const boxes = Array.from({ length: 10 }, () => ({ x: rand() * width, y: rand() * height, w: 8 + rand() * 40, h: 8 + rand() * 40, s: (rand() - 0.5) * 2.5 }));
  const soft = (v: number): number => 1 / (1 + Math.exp(-2 * v));
  return {
    at(x: number, y: number): number {
      let l = (x / width - 0.5) * stops * 0.45 + (y / height - 0.5) * stops * 0.25;
      for (const b of blobs) l += b.s * Math.exp(-((x - b.x) ** 2 + (y - b.y) ** 2) / (2 * b.r * b.r));
      for (const wv of waves) l += wv.amp * Math.sin(2 * Math.PI * (wv.fx * x + wv.fy * y) + wv.phase);
      for (const b of boxes) l += b.s * soft(x - b.x) * soft(b.x + b.w - x) * soft(y - b.y) * soft(b.y + b.h - y);
      return 0.18 * 2 ** l;
    },
  };
}

/**
 * The frame a camera moved by `pose` records at exposure `ev`: its pixel v shows the scene at
 * T^-1(v), where T = similarity(pose) is the transform alignment should find. 8-bit sRGB with noise.
 */
export function photograph(scene: Scene, width: number, height: number, pose: SimilarityParams, ev: number, seed = 11): LinearImage {
  const inv = invertAffine(similarity(pose, width, height).matrix);
  const data = new Float32Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const sx = inv[0] * x + inv[1] * y + inv[2];
      const sy = inv[3] * x + inv[4] * y + inv[5];
      const v = scene.at(sx, sy);
      const i = (y * width + x) * 3;
      data[i] = v * 0.95;
      data[i + 1] = v;
      data[i + 2] = v * 1.05;
    }
  }
  const radiance: LinearImage = { width, height, channels: 3, data, ev: 0, meta: { sourceTransfer: 'linear', clipLevel: Infinity } };
  return renderFrame(radiance, ev, { noise: 0.01, seed, name: `ev${ev}.png` }).frame;
}

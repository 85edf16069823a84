// The ghost bench's scene kinds and noise levels, shared by bench/ghost-quality.ts and
// bench/ghost-plan-split.ts so that both render the same held-out scenes.
import type { DynamicBracketOptions } from '../src-shared/ghost/dynamic-bracket';

export const GHOST_KINDS: Record<string, Pick<DynamicBracketOptions, 'objects' | 'warps' | 'flickers'>> = {
  objects: { objects: 3 },
  warp: { warps: 2 },
  flicker: { flickers: 2 },
  mixed: { objects: 2, warps: 1, flickers: 1 },
};

export const GHOST_NOISE = [
  { name: 'low', shot: 2e-4, read: 5e-4 },
  { name: 'high', shot: 2e-3, read: 3e-3 },
] as const;

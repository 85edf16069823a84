// npx tsx bench/response-bias.ts: how far the recovered camera response is from the true one (the
// generator's sRGB curve) on the ghost bench's held-out warp scene (pedestrian_overpass_1k, 512x320 at
// 0, seed 2), noise-free and at the bench's two noise levels, on the motion-free frames as they are and
// with the deghosting mask of the moving bracket hidden (as planWithoutGhosts hides it). Prints the
// green curve's error in stops at levels 32..224 after matching at level 128. Needs ../shared/datasets.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeHdr } from '../src-shared/codecs/hdr-read';
import { cropLinear } from '../src-shared/correct/render-pair';
import { deghostBracket } from '../src-shared/ghost/deghost';
import { expandPlane } from '../src-shared/image/scaled-plane';
import { bracketAroundMedian, renderDynamicBracket } from '../src-shared/ghost/dynamic-bracket';
import type { LinearImage } from '../src-shared/image/linear-image';
import { srgbToLinear } from '../src-shared/image/srgb';
import { recoverResponse } from '../src-shared/merge/response';

const DATA = resolve(import.meta.dirname, '../../shared/datasets');
const hdr = decodeHdr(new Uint8Array(readFileSync(join(DATA, 'radiance', 'pedestrian_overpass_1k.hdr'))), 'pedestrian_overpass_1k.hdr');
const image = cropLinear(cropLinear(hdr, 0, 96, hdr.width, 320), 0, 0, 512, 320);
const evs = bracketAroundMedian(image, 3, 2);
const LEVELS = [32, 64, 96, 160, 192, 224];
const error = (frames: LinearImage[]): string => {
  const c = recoverResponse(frames, evs)!.curves[1];
  return LEVELS.map((z) => (Math.log2(c[z] / c[128]) - Math.log2(srgbToLinear(z / 255) / srgbToLinear(128 / 255))).toFixed(3)).join(' ');
};
const hide = (frames: LinearImage[], mask: Uint8Array): LinearImage[] =>
  frames.map((f) => ({ ...f, data: f.data.map((v, i) => (mask[Math.floor(i / f.channels)] ? 1 : v)) }));
const moving = renderDynamicBracket(image, { evs, seed: 2, shot: 2e-4, read: 5e-4, warps: 2 });
const mask = expandPlane(deghostBracket(moving.frames, { mode: 'auto', reference: moving.reference }).summary.mask);
console.log(`stops off the true curve at levels ${LEVELS.join(', ')} (mask: ${((100 * mask.reduce((s, v) => s + v, 0)) / mask.length).toFixed(1)}% of the frame)`);
for (const [name, noise] of [['noise-free', { shot: 0, read: 0 }], ['low noise', { shot: 2e-4, read: 5e-4 }], ['high noise', { shot: 2e-3, read: 3e-3 }]] as const) {
  const still = renderDynamicBracket(image, { evs, seed: 2, ...noise, warps: 2 }).staticFrames;
  console.log(`${name.padEnd(10)} motion-free: ${error(still)} | mask hidden: ${error(hide(still, mask))}`);
}

/** A reference frame to align to when the caller has no preference: the one the others can best be matched to. */
import type { LinearImage } from '../image/linear-image';
import { greyProxy, proxyFactor, sharedValidFraction } from './proxy';

/** Side of the quick proxy used to count usable pixels: enough to rank frames, cheap to build. */
const COUNT_SIDE = 256;

/**
 * Index of the frame that shares the most usable pixels (neither clipped nor near black, in both)
 * with all the others together, so the most frames can be matched to it directly. Ties go to the
 * frame nearest the middle of the list.
 */
export function suggestReference(frames: LinearImage[]): number {
  if (frames.length === 0) throw new RangeError('no frames to choose a reference from');
  const { width, height } = frames[0];
  const factor = proxyFactor(width, height, COUNT_SIDE);
  const proxies = frames.map((f) => greyProxy(f, factor));
  const middle = (frames.length - 1) / 2;
  let best = 0;
  let bestScore = -Infinity;
  proxies.forEach((p, i) => {
    const shared = proxies.reduce((s, q) => s + sharedValidFraction(p, q), 0);
    // A tenth of a percent counts as a tie; then the central frame wins.
    const score = Math.round(shared * 1000) - Math.abs(i - middle) * 1e-3;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

/** A reference frame to align to when the caller has no preference: the one the others can best be matched to. */
import type { LinearImage } from '../image/linear-image';
import { ALIGN_PROXY_SIDE, coarsenProxy, greyProxy, proxyFactor, sharedValidFraction, type GreyProxy } from './proxy';

/** Side of the quick proxy used to count usable pixels: enough to rank frames, cheap to build. */
const COUNT_SIDE = 256;

/**
 * Index of the frame that shares the most usable pixels (neither clipped nor near black, in both)
 * with all the others together, so the most frames can be matched to it directly. Ties go to the
 * frame nearest the middle of the list.
 *
 * The count is made on the alignment's proxies (given, or built here at ALIGN_PROXY_SIDE) coarsened to about
 * COUNT_SIDE, so a caller that aligns next reads each frame once for both, and the answer is the same either way.
 */
export function suggestReference(frames: LinearImage[], proxies?: readonly GreyProxy[]): number {
  if (frames.length === 0) throw new RangeError('no frames to choose a reference from');
  if (proxies && proxies.length !== frames.length) throw new RangeError(`${proxies.length} proxies for ${frames.length} frames`);
  const { width, height } = frames[0];
  const fine = proxies ?? frames.map((f) => greyProxy(f, proxyFactor(width, height, ALIGN_PROXY_SIDE)));
  const counts = fine.map((p) => coarsenProxy(p, Math.ceil(proxyFactor(width, height, COUNT_SIDE) / p.factor)));
  const middle = (frames.length - 1) / 2;
  let best = 0;
  let bestScore = -Infinity;
  counts.forEach((p, i) => {
    const shared = counts.reduce((s, q) => s + sharedValidFraction(p, q), 0);
    // A tenth of a percent counts as a tie; then the central frame wins.
    const score = Math.round(shared * 1000) - Math.abs(i - middle) * 1e-3;
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

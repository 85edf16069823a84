/**
 * Per-frame factors both radiance merges share: 2^-ev (to exposure-normalise a value) and the
 * inverse-variance gain 4^(ev - evMax) (the same pixel noise divided by 2^ev has a radiance
 * variance ~ 4^-ev, so where several frames are unclipped the longest exposure dominates), and the
 * darkest and brightest frames (where every frame clips or is black).
 */
export function exposureWeights(ev: readonly number[]): { scale: Float64Array; gain: Float64Array; darkest: number; brightest: number } {
  const evMax = Math.max(...ev);
  const scale = new Float64Array(ev.map((e) => 2 ** -e));
  const gain = new Float64Array(ev.map((e) => 4 ** (e - evMax)));
  let darkest = 0;
  let brightest = 0;
  for (let f = 1; f < ev.length; f++) {
    if (ev[f] < ev[darkest]) darkest = f;
    if (ev[f] > ev[brightest]) brightest = f;
  }
  return { scale, gain, darkest, brightest };
}

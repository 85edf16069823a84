/**
 * The weights overlay's colours: a frame's weight in the merge (0..255 levels from the engine) as a
 * perceptual ramp from dark blue (the frame gives nothing) through teal to yellow (it gives the
 * whole pixel), mostly opaque so the map reads clearly and the image still shows through. The
 * legend's gradient is made from the same stops.
 */

/** Weight 0..1 -> RGB, linear between stops (a viridis-like ramp: brightness rises with the weight). */
export const WEIGHT_STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 20, 12, 60],
  [0.25, 59, 82, 139],
  [0.5, 33, 145, 140],
  [0.75, 94, 201, 98],
  [1, 253, 231, 37],
];

/** How opaque the overlay is: enough to read the map, not so much that the picture under it disappears. */
export const WEIGHT_ALPHA = 210;

function colour(w: number): [number, number, number] {
  let i = 0;
  while (i < WEIGHT_STOPS.length - 2 && w > WEIGHT_STOPS[i + 1][0]) i++;
  const [a, ar, ag, ab] = WEIGHT_STOPS[i];
  const [b, br, bg, bb] = WEIGHT_STOPS[i + 1];
  const t = Math.min(1, Math.max(0, (w - a) / (b - a)));
  return [Math.round(ar + t * (br - ar)), Math.round(ag + t * (bg - ag)), Math.round(ab + t * (bb - ab))];
}

/** RGBA pixels of the overlay for a map of 0..255 levels (one per pixel). */
export function weightOverlayPixels(levels: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const lut = Array.from({ length: 256 }, (_, v) => colour(v / 255));
  const out = new Uint8ClampedArray(new ArrayBuffer(levels.length * 4));
  for (let p = 0, o = 0; p < levels.length; p++, o += 4) {
    const [r, g, b] = lut[levels[p]];
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = WEIGHT_ALPHA;
  }
  return out;
}

/** The legend's CSS gradient, left (weight 0) to right (weight 1). */
export function weightLegendGradient(): string {
  return `linear-gradient(to right, ${WEIGHT_STOPS.map(([w, r, g, b]) => `rgb(${r} ${g} ${b}) ${w * 100}%`).join(', ')})`;
}

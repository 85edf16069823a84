/**
 * The ghost overlay's pixels: the detector's uncertainty as heat (clear where it is sure nothing
 * moved, blue to yellow to red as it grows, 0.5 being the threshold) and the final mask's edge
 * outlined in white, so the user sees both what the detector thinks and what the merge does.
 */
export interface GhostPlanes {
  width: number;
  height: number;
  /** 0..255. */
  uncertainty: Uint8Array;
  /** 1 = deghosted. */
  mask: Uint8Array;
}

/**
 * The planes as another threshold would make them, from the uncertainty alone, while its slider is
 * dragged (the engine's answer follows on release). The detector's uncertainty is q / (1 + q) with
 * q = (E / T^2)^2 for the conflict E, so at T' it is q' = q (T / T')^4; the mask is where that passes
 * 0.5, before the detector's morphology and its second pass; the strokes are painted on as the engine
 * does (`paint`: 1 add, -1 remove, at this size).
 */
export function rethreshold(g: GhostPlanes, from: number, to: number, paint?: Int8Array): GhostPlanes {
  const scale = (from / to) ** 4;
  const lut = new Uint8Array(256);
  for (let b = 0; b < 256; b++) {
    const u = Math.min(b, 254.5) / 255;
    const q = (u / (1 - u)) * scale;
    lut[b] = Math.round((255 * q) / (1 + q));
  }
  const uncertainty = new Uint8Array(g.uncertainty.length);
  const mask = new Uint8Array(g.mask.length);
  for (let p = 0; p < mask.length; p++) {
    uncertainty[p] = lut[g.uncertainty[p]];
    const v = paint ? paint[p] : 0;
    mask[p] = v > 0 ? 1 : v < 0 ? 0 : uncertainty[p] > 127 ? 1 : 0;
  }
  return { width: g.width, height: g.height, uncertainty, mask };
}

/** Uncertainty below this (0..255) is not drawn: the static scene stays clear. */
const FLOOR = 26;

/** Heat colour of an uncertainty 0..1: blue, cyan, yellow (the threshold), red. */
function heat(u: number): [number, number, number] {
  const stops: [number, number, number, number][] = [
    [0, 40, 90, 255],
    [0.3, 0, 200, 255],
    [0.5, 255, 230, 0],
    [1, 255, 40, 0],
  ];
  let i = 0;
  while (i < stops.length - 2 && u > stops[i + 1][0]) i++;
  const [a, ar, ag, ab] = stops[i];
  const [b, br, bg, bb] = stops[i + 1];
  const t = Math.min(1, Math.max(0, (u - a) / (b - a)));
  return [ar + t * (br - ar), ag + t * (bg - ag), ab + t * (bb - ab)];
}

/** RGBA (width x height) of the overlay: heat where `showHeat`, the mask's edge where `showEdge`. */
export function ghostOverlayPixels(g: GhostPlanes, showHeat: boolean, showEdge: boolean): Uint8ClampedArray<ArrayBuffer> {
  const { width: w, height: h, uncertainty, mask } = g;
  const out = new Uint8ClampedArray(new ArrayBuffer(w * h * 4));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const o = p * 4;
      if (showEdge && mask[p] && (x === 0 || y === 0 || x === w - 1 || y === h - 1 || !mask[p - 1] || !mask[p + 1] || !mask[p - w] || !mask[p + w])) {
        out[o] = out[o + 1] = out[o + 2] = out[o + 3] = 255;
        continue;
      }
      const u = uncertainty[p];
      if (!showHeat || u < FLOOR) continue;
      const [r, gg, b] = heat(u / 255);
      out[o] = r;
      out[o + 1] = gg;
      out[o + 2] = b;
      // At most about 60% opaque: the merged content under the heat stays visible.
      out[o + 3] = 40 + (u / 255) * 110;
    }
  }
  return out;
}

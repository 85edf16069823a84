/**
 * Clipping warnings over a display image (8-bit RGBA): pixels with a channel at the top of the
 * output (255) are painted red, pixels at the bottom in every channel (0) blue, the rest left clear.
 */
export const CLIP_HIGH_RGBA = [255, 32, 32, 255] as const;
export const CLIP_LOW_RGBA = [40, 110, 255, 255] as const;

export interface ClippingOverlay {
  /** RGBA, same size as the input. */
  data: Uint8ClampedArray<ArrayBuffer>;
  /** Pixels at the top / the bottom. */
  high: number;
  low: number;
}

export function clippingOverlay(rgba: Uint8ClampedArray, out?: Uint8ClampedArray<ArrayBuffer>): ClippingOverlay {
  if (rgba.length % 4 !== 0) throw new RangeError(`RGBA data must hold a multiple of 4 bytes, got ${rgba.length}`);
  const data = out ?? new Uint8ClampedArray(rgba.length);
  if (data.length !== rgba.length) throw new RangeError(`output must hold ${rgba.length} bytes, got ${data.length}`);
  let high = 0;
  let low = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const r = rgba[i];
    const g = rgba[i + 1];
    const b = rgba[i + 2];
    const mark = r >= 255 || g >= 255 || b >= 255 ? CLIP_HIGH_RGBA : r <= 0 && g <= 0 && b <= 0 ? CLIP_LOW_RGBA : null;
    if (mark === CLIP_HIGH_RGBA) high++;
    else if (mark) low++;
    data[i] = mark ? mark[0] : 0;
    data[i + 1] = mark ? mark[1] : 0;
    data[i + 2] = mark ? mark[2] : 0;
    data[i + 3] = mark ? mark[3] : 0;
  }
  return { data, high, low };
}

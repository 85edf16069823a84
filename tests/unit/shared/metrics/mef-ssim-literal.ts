/**
 * A slow, literal MEF-SSIM written straight from the paper's definition and the reference
 * mef_ssim.m (window by window, two-pass statistics), to check the vectorised one against.
 */

const WIN = 11;
const HALF = 5;
const C2 = (0.03 * 255) ** 2;
const EPS = Number.EPSILON;

/** fspecial('gaussian', 11, 1.5) as a 121-vector, row-major. */
function gaussian2d(): number[] {
  const g: number[] = [];
  for (let i = -HALF; i <= HALF; i++) for (let j = -HALF; j <= HALF; j++) g.push(Math.exp(-(i * i + j * j) / (2 * 1.5 * 1.5)));
  const s = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / s);
}

const norm = (v: number[]): number => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;

function patch(plane: Float64Array, width: number, x0: number, y0: number): number[] {
  const v: number[] = [];
  for (let y = y0; y < y0 + WIN; y++) for (let x = x0; x < x0 + WIN; x++) v.push(plane[y * width + x]);
  return v;
}

/** One scale: the quality map over the valid region and its mean. */
export function literalMefScale(exposures: Float64Array[], fused: Float64Array, width: number, height: number): { score: number; map: number[] } {
  const g = gaussian2d();
  const map: number[] = [];
  for (let y0 = 0; y0 + WIN <= height; y0++) {
    for (let x0 = 0; x0 + WIN <= width; x0++) {
      const vecs = exposures.map((p) => patch(p, width, x0, y0));
      const centred = vecs.map((v) => {
        const m = mean(v);
        return v.map((x) => x - m);
      });
      const norms = centred.map(norm);
      const contrast = norms.map((n) => n + 0.001);
      const summed = vecs[0].map((_, i) => vecs.reduce((s, v) => s + v[i], 0));
      const summedMean = mean(summed);
      let R = (norm(summed.map((x) => x - summedMean)) + EPS) / (norms.reduce((a, b) => a + b, 0) + EPS);
      if (R > 1) R = 1 - EPS;
      if (R < 0) R = EPS;
      const p = Math.min(Math.tan((Math.PI / 2) * R), 10);
      const raw = contrast.map((c) => (c / WIN) ** p + EPS);
      const total = raw.reduce((a, b) => a + b, 0);
      let desired = vecs[0].map((_, i) => centred.reduce((s, v, k) => s + ((raw[k] / total) * v[i]) / contrast[k], 0));
      const nr = norm(desired);
      if (nr > 0) {
        const maxC = Math.max(...contrast);
        desired = desired.map((v) => (v / nr) * maxC);
      }
      const f = patch(fused, width, x0, y0);
      const mu1 = desired.reduce((s, v, i) => s + g[i] * v, 0);
      const mu2 = f.reduce((s, v, i) => s + g[i] * v, 0);
      let s1 = 0;
      let s2 = 0;
      let s12 = 0;
      for (let i = 0; i < g.length; i++) {
        s1 += g[i] * (desired[i] - mu1) ** 2;
        s2 += g[i] * (f[i] - mu2) ** 2;
        s12 += g[i] * (desired[i] - mu1) * (f[i] - mu2);
      }
      map.push((2 * s12 + C2) / (s1 + s2 + C2));
    }
  }
  return { score: mean(map), map };
}

/** imfilter(I, ones(2)/4, 'symmetric', 'same') then I(1:2:end, 1:2:end). */
function literalDownsample(plane: Float64Array, width: number, height: number): Float64Array {
  const at = (x: number, y: number): number => plane[Math.min(y, height - 1) * width + Math.min(x, width - 1)];
  const out: number[] = [];
  for (let y = 0; y < height; y += 2) for (let x = 0; x < width; x += 2) out.push(0.25 * at(x, y) + 0.25 * at(x + 1, y) + 0.25 * at(x, y + 1) + 0.25 * at(x + 1, y + 1));
  return Float64Array.from(out);
}

/** Three scales, weights 0.0448, 0.2856, 0.3001 normalised, prod(Q .^ weight). */
export function literalMefSsim(exposures: Float64Array[], fused: Float64Array, width: number, height: number): { score: number; perScale: number[] } {
  const weights = [0.0448, 0.2856, 0.3001];
  const total = weights.reduce((a, b) => a + b, 0);
  const perScale: number[] = [];
  let w = width;
  let h = height;
  for (let s = 0; s < 3; s++) {
    perScale.push(literalMefScale(exposures, fused, w, h).score);
    exposures = exposures.map((p) => literalDownsample(p, w, h));
    fused = literalDownsample(fused, w, h);
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
  }
  return { score: perScale.reduce((acc, q, s) => acc * q ** (weights[s] / total), 1), perScale };
}

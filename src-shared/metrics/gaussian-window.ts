/** The 1-D factor of MATLAB's fspecial('gaussian', size, sigma): the 2-D window is its outer product. */

/**
 * Normalised samples exp(-x^2 / (2 sigma^2)) at x = -(size-1)/2 .. (size-1)/2. The outer product of
 * this vector with itself equals the normalised 2-D fspecial window, because the 2-D Gaussian is
 * separable and its sum is the square of this vector's sum.
 */
export function gaussianWindow1d(size = 11, sigma = 1.5): Float64Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) throw new RangeError(`window size must be a positive odd integer, got ${size}`);
  if (!(sigma > 0) || !Number.isFinite(sigma)) throw new RangeError(`window sigma must be a finite number > 0, got ${sigma}`);
  const half = (size - 1) / 2;
  const w = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const x = i - half;
    w[i] = Math.exp(-(x * x) / (2 * sigma * sigma));
    sum += w[i];
  }
  for (let i = 0; i < size; i++) w[i] /= sum;
  return w;
}

/** A window of ones: filtering with it gives plain sums, exact on the integer and dyadic values the metric sees. */
export function boxWindow1d(size = 11): Float64Array {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`window size must be a positive integer, got ${size}`);
  return new Float64Array(size).fill(1);
}

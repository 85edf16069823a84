/**
 * The fusion network in overlapping tiles, for a GPU whose buffers cannot hold the whole input's
 * largest tensor: each tile reads its core plus a halo wider than the network's receptive field, and
 * only its core is kept, so the stitched weights are the whole run's (up to float summation order).
 *
 * Receptive field of resources/models/fusion.onnx (training/fusion/model.py), in input pixels from
 * the output pixel: enc1 3x3/2 (1), enc2 3x3/2 (+2), four 3x3 blocks dilated 1, 2, 4, 8 at quarter
 * resolution (+60), bilinear x2 (+4), dec1 3x3 at half (+2), bilinear x2 (+2), head 3x3 (+1): 72.
 * NET_HALO leaves room beyond that. Tiles start on multiples of 4, so the tile's stride-2 grids are
 * the whole image's; every tile side is a multiple of 4, as the network requires.
 */

/** Input pixels each side of a tile's core that the network reads and the tile throws away. */
export const NET_HALO = 96;

/** The smallest core side worth a tile (below it the halo's work is over 97 % of the tile's). */
const MIN_CORE = 32;

export interface NetTile {
  /** The region the network reads: x, y, width, height in the input's pixels (multiples of 4). */
  read: [number, number, number, number];
  /** The region kept from this tile's output (its core), in the same pixels. */
  keep: [number, number, number, number];
}

const down4 = (n: number): number => Math.floor(n / 4) * 4;

/** Cores along one axis of `length` pixels, `core` each (the last may be shorter), with their read spans. */
function spans(length: number, core: number, halo: number): { read: [number, number]; keep: [number, number] }[] {
  if (core >= length) return [{ read: [0, length], keep: [0, length] }];
  const out: { read: [number, number]; keep: [number, number] }[] = [];
  for (let k0 = 0; k0 < length; k0 += core) {
    const k1 = Math.min(length, k0 + core);
    out.push({ read: [Math.max(0, k0 - halo), Math.min(length, k1 + halo)], keep: [k0, k1] });
  }
  return out;
}

/**
 * Tiles of a width x height input (multiples of 4) whose read regions hold at most maxPixels pixels
 * each; one tile when the whole input fits. Throws RangeError when maxPixels leaves no core beside the halo.
 */
export function netTiles(width: number, height: number, maxPixels: number, halo = NET_HALO): NetTile[] {
  if (width % 4 !== 0 || height % 4 !== 0 || width <= 0 || height <= 0) throw new RangeError(`the network's input must be a positive multiple of 4 on each side, not ${width}x${height}`);
  if (halo % 4 !== 0 || halo < 0) throw new RangeError(`a tile halo of ${halo} px is not a multiple of 4`);
  if (width * height <= maxPixels) return [{ read: [0, 0, width, height], keep: [0, 0, width, height] }];
  // Square tiles, or tiles the image's whole width where that is no wider than a square one.
  const side = down4(Math.sqrt(maxPixels));
  const readWidth = width <= side ? width : side;
  const coreX = readWidth === width ? width : readWidth - 2 * halo;
  const readHeight = down4(maxPixels / Math.min(width, coreX + 2 * halo));
  const coreY = readHeight >= height ? height : readHeight - 2 * halo;
  if (coreX < MIN_CORE || coreY < MIN_CORE) {
    throw new RangeError(`a network tile of at most ${maxPixels} pixels leaves no ${MIN_CORE} px core beside its ${halo} px halo`);
  }
  const tiles: NetTile[] = [];
  for (const y of spans(height, coreY, halo)) {
    for (const x of spans(width, coreX, halo)) {
      tiles.push({ read: [x.read[0], y.read[0], x.read[1] - x.read[0], y.read[1] - y.read[0]], keep: [x.keep[0], y.keep[0], x.keep[1] - x.keep[0], y.keep[1] - y.keep[0]] });
    }
  }
  return tiles;
}

/** Runs the network (1 x K x H x W in, the same dims out) on one tile's input. */
export type NetRunner = (data: Float32Array, dims: [number, number, number, number]) => Promise<Float32Array>;

/**
 * The network's output for a 1 x K x H x W input, run tile by tile (in turn: each tile's buffers are
 * released before the next) where a tile may read at most maxPixels pixels per exposure.
 */
export async function runNetTiled(data: Float32Array, dims: readonly number[], maxPixels: number, run: NetRunner, halo = NET_HALO): Promise<{ output: Float32Array; tiles: number }> {
  const [n, k, h, w] = dims;
  if (dims.length !== 4 || n !== 1 || data.length !== k * h * w) throw new RangeError(`a network input of ${data.length} values is not 1 x K x H x W (${dims.join(' x ')})`);
  const tiles = netTiles(w, h, maxPixels, halo);
  if (tiles.length === 1) return { output: await run(data, [1, k, h, w]), tiles: 1 };
  const output = new Float32Array(data.length);
  for (const { read, keep } of tiles) {
    const [rx, ry, rw, rh] = read;
    const input = new Float32Array(k * rw * rh);
    for (let j = 0; j < k; j++) {
      for (let y = 0; y < rh; y++) {
        const from = j * w * h + (ry + y) * w + rx;
        input.set(data.subarray(from, from + rw), (j * rh + y) * rw);
      }
    }
    const out = await run(input, [1, k, rh, rw]);
    if (out.length !== input.length) throw new RangeError(`the network returned ${out.length} values for a tile of ${input.length}`);
    const [kx, ky, kw, kh] = keep;
    for (let j = 0; j < k; j++) {
      for (let y = ky; y < ky + kh; y++) {
        const from = (j * rh + (y - ry)) * rw + (kx - rx);
        output.set(out.subarray(from, from + kw), j * w * h + y * w + kx);
      }
    }
  }
  return { output, tiles: tiles.length };
}

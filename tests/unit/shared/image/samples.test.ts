/** Frame samples live in ordinary memory unless a thread turns shared memory on; decoders and the warp then allocate there. */
import { afterEach, describe, expect, it } from 'vitest';
import { warpFrame } from '../../../../src-shared/align/warp';
import { decodeImage } from '../../../../src-shared/codecs/decode';
import { encodePng } from '../../../../src-shared/codecs/png';
import { frameSamples, frameSamplesShared, isShared, shareFrameSamples } from '../../../../src-shared/image/samples';

const png = encodePng({ width: 4, height: 3, channels: 3, bits: 8, data: new Uint8Array(36).map((_, i) => i * 7) });

afterEach(() => shareFrameSamples(false));

describe('frame samples', () => {
  it('are ordinary memory by default, shared once turned on, for decoded and warped frames alike', () => {
    expect(frameSamplesShared()).toBe(false);
    const plain = decodeImage(png, 'a.png');
    expect(isShared(plain.data)).toBe(false);
    shareFrameSamples(true);
    expect(frameSamplesShared()).toBe(true);
    const shared = decodeImage(png, 'a.png');
    expect(isShared(shared.data)).toBe(true);
    // The same values either way.
    expect(Array.from(shared.data)).toEqual(Array.from(plain.data));
    // A whole-pixel shift (copied) and a sub-pixel one (resampled).
    expect(isShared(warpFrame(shared, [1, 0, 1, 0, 1, 0]).image.data)).toBe(true);
    expect(isShared(warpFrame(shared, [1, 0, 0.5, 0, 1, 0.25]).image.data)).toBe(true);
    const a = frameSamples(10);
    expect(a.length).toBe(10);
    expect(a.every((v) => v === 0)).toBe(true);
    shareFrameSamples(false);
    expect(isShared(frameSamples(10))).toBe(false);
  });
});

/**
 * The colour space of frames that are not sRGB (meta.colourProfile: an embedded Adobe RGB or Display P3 profile, or
 * a camera's EXIF Adobe RGB), for what is made from them: their colorants, and scene-referred or thumbnail images
 * converted to Rec. 709 / sRGB primaries; their tone curves, which readFrame linearises them with and an output keeping
 * their profile encodes with.
 */
import { iccColorantMatrix, iccTransfer } from '../../src-shared/codecs/icc-read';
import type { ProfileTransfer } from '../../src-shared/codecs/icc-trc';
import type { ImageMeta, LinearImage } from '../../src-shared/image/linear-image';
import type { Mat3 } from '../../src-shared/tonemap/output-space';
import { outputMatrix } from '../../src-shared/tonemap/tone-plan';

/**
 * The colorants (RGB -> PCS XYZ, D50) of frames in another space than sRGB, from their profile; null for sRGB
 * frames or a profile without colorants (a LUT profile, read as sRGB).
 */
export function frameColorants(meta: ImageMeta | undefined): Mat3 | null {
  return meta?.colourProfile ? iccColorantMatrix(meta.colourProfile.icc) : null;
}

const transfers = new WeakMap<Uint8Array, ProfileTransfer>();

/**
 * The tone curves of frames in another space than sRGB, from their profile: null for sRGB frames and for a profile
 * whose curves are sRGB's (Display P3's) or cannot be read (`problem` says why; the frames are then read as sRGB).
 * The same profile gives the same answer to the decode (readFrame) and to the encode (an sRGB export keeping it).
 */
export function frameTransfer(meta: ImageMeta | undefined): { transfer: ProfileTransfer | null; problem?: string } {
  const icc = meta?.colourProfile?.icc;
  if (!icc) return { transfer: null };
  let t = transfers.get(icc);
  if (!t) transfers.set(icc, (t = iccTransfer(icc)));
  return t.srgb ? { transfer: null, ...(t.problem ? { problem: t.problem } : {}) } : { transfer: t };
}

/**
 * Linear RGB in the frames' colour space (meta.colourProfile's colorants) -> linear sRGB (Rec. 709 primaries),
 * what an EXR or a Radiance HDR without a chromaticities attribute is read as; null where the frames are sRGB
 * or their profile has no colorants (a LUT profile).
 */
export function toRec709(meta: ImageMeta | undefined): Mat3 | null {
  const from = frameColorants(meta);
  return from ? outputMatrix('srgb', from) : null;
}

/**
 * A scene-referred image (radiance map, a single frame's HDR estimate) as an EXR or HDR file holds it: in Rec. 709
 * primaries, converted from the frames' space where they had another (the same image where not).
 */
export function sceneReferred(img: LinearImage, meta: ImageMeta | undefined, floor = -Infinity): LinearImage {
  const m = img.channels >= 3 ? toRec709(meta) : null;
  return m ? convertedRadiance(img, m, floor) : img;
}

/**
 * The radiance map in Rec. 709 primaries through m (a copy: the outcome is the caller's, and may be exported again).
 * Colours outside sRGB's gamut come out with a negative channel, which EXR keeps; `floor` 0 clips them (RGBE holds none).
 */
function convertedRadiance(img: LinearImage, m: Mat3, floor = -Infinity): LinearImage {
  const { data, channels } = img;
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i += channels) {
    const r = data[i];
    const g = data[i + 1];
    const b = data[i + 2];
    out[i] = Math.max(floor, m[0] * r + m[1] * g + m[2] * b);
    out[i + 1] = Math.max(floor, m[3] * r + m[4] * g + m[5] * b);
    out[i + 2] = Math.max(floor, m[6] * r + m[7] * g + m[8] * b);
    for (let k = 3; k < channels; k++) out[i + k] = data[i + k];
  }
  return { ...img, data: out };
}

/**
 * The single-frame correction models (DRHT, Yang et al. CVPR 2018, scaled down): names and shapes
 * shared by the runtime (src-shared/correct, src-main/services/correct-model.ts), the training code
 * (training/correct) and the golden tests. Change them in all three places or not at all.
 *
 * correct-hdr.onnx  input  'ldr'     [1, 5, H, W]  float32
 *                     channels 0..2: the frame's sRGB codes / 255 at working resolution (0..1)
 *                     channel 3:     clip indicator, clamp((max_c code/255 - 0.95) / 0.05, 0, 1)
 *                     channel 4:     log2(preGain) / 4, constant over the frame (see preGain)
 *                   output 'log_hdr' [1, 3, H, W]  natural log of scene radiance in the units of the
 *                     truth: linear Rec.709, scene median luminance at 0.18
 * correct-ldr.onnx  input  'log_hdr' [1, 3, H, W]  (the first net's output)
 *                   output 'ldr'     [1, 3, H, W]  the well-exposed frame, sRGB-encoded, 0..1
 * H and W are multiples of CORRECT_MULTIPLE (the runtime pads by edge replication).
 */
export const CORRECT_HDR_MODEL_FILE = 'correct-hdr.onnx';
export const CORRECT_LDR_MODEL_FILE = 'correct-ldr.onnx';
export const CORRECT_HDR_INPUT = 'ldr';
export const CORRECT_HDR_OUTPUT = 'log_hdr';
export const CORRECT_LDR_INPUT = 'log_hdr';
export const CORRECT_LDR_OUTPUT = 'ldr';
export const CORRECT_INPUT_CHANNELS = 5;
/** Long side of the working resolution the networks run at. */
export const CORRECT_WORKING_SIDE = 384;
export const CORRECT_MULTIPLE = 16;
/** Scene median luminance of a well-exposed frame (the truth's definition). */
export const MIDDLE_GREY = 0.18;
/** Rec.709 luminance weights, used for the median everywhere in this feature. */
export const LUMA_709 = [0.2126, 0.7152, 0.0722] as const;

/**
 * The pre-gain fed to the HDR net (channel 4) and used by the classical method: 0.18 over the
 * median Rec.709 luminance of the linearised frame at working resolution, clamped to
 * [1/64, 64]. Computed identically in training/correct/data.py (pre_gain).
 */
export const PRE_GAIN_MIN = 1 / 64;
export const PRE_GAIN_MAX = 64;

/** CLI flags of the display image: --tonemap and one flag per tone control, ranges from the engine's table. */
import type { OutputSpace } from '../../src-shared/tonemap/output-space';
import { CONTROL_RANGES, TONE_OPERATORS, type ToneControls, type ToneOperatorName, type ToneSettings } from '../../src-shared/tonemap/tone-settings';
import { DEFAULT_RADIANCE_TONE } from '../../src-shared/pipeline/render-display';
import { parseNumber, UsageError } from './parse-values';

/** Flag name -> control, in the order the usage text lists them. */
export const CONTROL_FLAGS: Record<string, keyof ToneControls> = {
  exposure: 'exposure',
  contrast: 'contrast',
  highlights: 'highlights',
  shadows: 'shadows',
  whites: 'whitePoint',
  blacks: 'blackPoint',
  saturation: 'saturation',
  vibrance: 'vibrance',
  detail: 'detail',
};

/** Operators a user can name; 'none' is implied for fused images. 'global' stays as the old name of Reinhard. */
const OPERATOR_NAMES = TONE_OPERATORS.filter((op) => op !== 'none');

export function parseToneFlags(values: Record<string, unknown>): { tone: ToneSettings; output: OutputSpace } {
  const name = (values.tonemap as string | undefined) ?? DEFAULT_RADIANCE_TONE.operator;
  const operator = (name === 'global' ? 'reinhard' : name) as ToneOperatorName;
  if (!OPERATOR_NAMES.includes(operator as (typeof OPERATOR_NAMES)[number])) {
    throw new UsageError(`--tonemap: '${name}' is not a tone operator; available: ${OPERATOR_NAMES.join(', ')}`);
  }
  const tone = { operator } as ToneSettings & Record<string, number>;
  for (const [flag, control] of Object.entries(CONTROL_FLAGS)) {
    const r = CONTROL_RANGES[control];
    const text = values[flag] as string | undefined;
    if (text !== undefined) tone[control] = parseNumber(flag, text, r.min, r.max, r.default);
  }
  const space = (values.colorspace as string | undefined) ?? 'srgb';
  if (space !== 'srgb' && space !== 'display-p3') throw new UsageError(`--colorspace: '${space}' is not one of srgb, display-p3`);
  return { tone, output: space };
}

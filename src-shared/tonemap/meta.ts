/** The tone operators as the UI lists them (Squoosh-style meta): name, label, one line, whether it is local, default options. */
import { defaultOptions, OPTION_RANGES, TONE_OPERATORS, type OperatorOptions, type ToneOperatorName } from './tone-settings';

export interface ToneOperatorMeta<K extends ToneOperatorName = ToneOperatorName> {
  name: K;
  label: string;
  description: string;
  /** Local operators need a per-image preparation (a filter pass) before the first render. */
  local: boolean;
  defaultOptions: OperatorOptions[K];
  optionRanges: (typeof OPTION_RANGES)[K];
}

const TEXT: Record<ToneOperatorName, { label: string; description: string; local: boolean }> = {
  none: { label: 'None (display-referred)', description: 'Exposure and the controls only; for fused images that are already displayable.', local: false },
  reinhard: { label: 'Reinhard', description: 'Reinhard 2002 global photographic operator with a white point.', local: false },
  'reinhard-local': { label: 'Reinhard local', description: 'Reinhard 2002 dodging-and-burning: each pixel adapts to its largest even surround.', local: true },
  drago: { label: 'Drago', description: 'Drago 2003 adaptive logarithmic mapping; the bias sets how hard highlights are compressed.', local: false },
  filmic: { label: 'Filmic', description: 'ACES-like filmic curve (Hill or Narkowicz fit): soft toe, long shoulder.', local: false },
  'local-contrast': { label: 'Local contrast', description: 'Guided-filter base/detail split of log luminance: the base is compressed, the detail kept.', local: true },
};

export const TONE_OPERATOR_META: readonly ToneOperatorMeta[] = TONE_OPERATORS.map((name) => ({
  name,
  ...TEXT[name],
  defaultOptions: defaultOptions(name),
  optionRanges: OPTION_RANGES[name],
}));

export function toneOperatorMeta<K extends ToneOperatorName>(name: K): ToneOperatorMeta<K> {
  const m = TONE_OPERATOR_META.find((e) => e.name === name);
  if (!m) throw new RangeError(`unknown tone operator ${String(name)}`);
  return m as unknown as ToneOperatorMeta<K>;
}

/**
 * What the tone-mapping stage is told: an operator, its options, and the live controls, each with
 * a range and a neutral default. Everything but the operator is optional; missing values take the
 * defaults below. validateToneSettings throws a RangeError naming the offending field, so the
 * same check guards IPC arguments, CLI flags and saved presets.
 */

export const TONE_OPERATORS = ['none', 'reinhard', 'reinhard-local', 'drago', 'filmic', 'local-contrast'] as const;
export type ToneOperatorName = (typeof TONE_OPERATORS)[number];

export const FILMIC_CURVES = ['hill', 'narkowicz'] as const;
export type FilmicCurve = (typeof FILMIC_CURVES)[number];

/**
 * The live controls, applied in this order: exposure, local detail, the operator, contrast,
 * highlights, shadows, white and black point, saturation, vibrance. 0 is neutral for all of them.
 */
export interface ToneControls {
  /** Stops of gain on the scene before the operator. */
  exposure?: number;
  /** S-curve around mid-grey on the display value: -1 flat .. +1 punchy. */
  contrast?: number;
  /** Brightens (+) or recovers (-) the upper tones; black and white stay put. */
  highlights?: number;
  /** Lifts (+) or deepens (-) the lower tones; black and white stay put. */
  shadows?: number;
  /** + moves the white clipping point down (brighter whites, clips sooner); - dims white. */
  whitePoint?: number;
  /** + lifts black (faded); - crushes the darkest tones to black. */
  blackPoint?: number;
  /** -1 grey .. +1 twice the chroma. */
  saturation?: number;
  /** Saturation that favours muted colours and spares skin tones. */
  vibrance?: number;
  /** Gain on the guided-filter detail layer of log luminance: -1 a third .. +1 three times. */
  detail?: number;
}

export interface OperatorOptions {
  none: Record<string, never>;
  reinhard: { whiteStops: number };
  'reinhard-local': { whiteStops: number; phi: number; threshold: number };
  drago: { bias: number };
  filmic: { curve: FilmicCurve };
  'local-contrast': { radius: number; eps: number; compression: number };
}

/** Settings for one operator: `options` may name any subset of that operator's options. */
export type ToneSettings = {
  [K in ToneOperatorName]: ToneControls & { operator: K; options?: Partial<OperatorOptions[K]> };
}[ToneOperatorName];

/** Settings with every default filled in. */
export type ResolvedToneSettings = {
  [K in ToneOperatorName]: Required<ToneControls> & { operator: K; options: OperatorOptions[K] };
}[ToneOperatorName];

export interface NumberRange {
  min: number;
  max: number;
  default: number;
  step: number;
  label: string;
  /** One line for a tooltip: what the number means. */
  hint?: string;
}

export interface ChoiceRange<T extends string = string> {
  choices: readonly T[];
  default: T;
  label: string;
  hint?: string;
}

export const CONTROL_RANGES: Readonly<Record<keyof ToneControls, NumberRange>> = {
  exposure: { min: -5, max: 5, default: 0, step: 0.05, label: 'Exposure', hint: 'stops' },
  contrast: { min: -1, max: 1, default: 0, step: 0.01, label: 'Contrast' },
  highlights: { min: -1, max: 1, default: 0, step: 0.01, label: 'Highlights' },
  shadows: { min: -1, max: 1, default: 0, step: 0.01, label: 'Shadows' },
  whitePoint: { min: -1, max: 1, default: 0, step: 0.01, label: 'Whites' },
  blackPoint: { min: -1, max: 1, default: 0, step: 0.01, label: 'Blacks' },
  saturation: { min: -1, max: 1, default: 0, step: 0.01, label: 'Saturation' },
  vibrance: { min: -1, max: 1, default: 0, step: 0.01, label: 'Vibrance' },
  detail: { min: -1, max: 1, default: 0, step: 0.01, label: 'Local detail' },
};

const WHITE_STOPS: NumberRange = {
  min: 0.5,
  max: 20,
  default: 6,
  step: 0.1,
  label: 'White point',
  hint: 'stops above mid-grey that reach white (Reinhard L_white)',
};

export const OPTION_RANGES: {
  readonly [K in ToneOperatorName]: { readonly [F in keyof OperatorOptions[K]]: OperatorOptions[K][F] extends string ? ChoiceRange<OperatorOptions[K][F]> : NumberRange };
} = {
  none: {},
  reinhard: { whiteStops: WHITE_STOPS },
  'reinhard-local': {
    whiteStops: WHITE_STOPS,
    phi: { min: 1, max: 20, default: 8, step: 0.5, label: 'Sharpening', hint: 'Reinhard phi: higher picks larger surrounds' },
    threshold: { min: 0.005, max: 0.5, default: 0.05, step: 0.005, label: 'Threshold', hint: 'Reinhard epsilon for the scale selection' },
  },
  drago: { bias: { min: 0.5, max: 1, default: 0.85, step: 0.01, label: 'Bias', hint: 'Drago bias: lower brightens and compresses more' } },
  filmic: { curve: { choices: FILMIC_CURVES, default: 'hill', label: 'Curve', hint: "Hill's ACES RRT+ODT fit or Narkowicz's" } },
  'local-contrast': {
    radius: { min: 0.002, max: 0.1, default: 0.02, step: 0.001, label: 'Radius', hint: 'fraction of the longer side' },
    eps: { min: 0.01, max: 4, default: 0.25, step: 0.01, label: 'Edge threshold', hint: 'stops squared: larger smooths stronger edges into the base' },
    compression: { min: 0, max: 1, default: 0.7, step: 0.01, label: 'Compression', hint: 'how far the base is squeezed into the display range' },
  },
};

export function defaultOptions<K extends ToneOperatorName>(operator: K): OperatorOptions[K] {
  const ranges = OPTION_RANGES[operator] as Record<string, NumberRange | ChoiceRange>;
  const out: Record<string, number | string> = {};
  for (const [name, range] of Object.entries(ranges)) out[name] = range.default;
  return out as OperatorOptions[K];
}

function isChoice(r: NumberRange | ChoiceRange): r is ChoiceRange {
  return 'choices' in r;
}

function checkNumber(field: string, v: unknown, r: NumberRange): void {
  if (typeof v !== 'number' || !(v >= r.min && v <= r.max)) {
    throw new RangeError(`tone setting ${field} must be a number within ${r.min}..${r.max}, got ${String(v)}`);
  }
}

/** Throws a RangeError naming the first bad field; accepts any value so it can check IPC input. */
export function validateToneSettings(s: unknown): asserts s is ToneSettings {
  if (typeof s !== 'object' || s === null) throw new RangeError(`tone settings must be an object, got ${String(s)}`);
  const rec = s as Record<string, unknown>;
  const op = rec.operator;
  if (typeof op !== 'string' || !(TONE_OPERATORS as readonly string[]).includes(op)) {
    throw new RangeError(`tone setting operator must be one of ${TONE_OPERATORS.join(', ')}, got ${String(op)}`);
  }
  for (const [field, v] of Object.entries(rec)) {
    if (field === 'operator' || v === undefined) continue;
    if (field === 'options') continue;
    const range = (CONTROL_RANGES as Record<string, NumberRange>)[field];
    if (!range) throw new RangeError(`tone setting ${field} is not a known control`);
    checkNumber(field, v, range);
  }
  const opts = rec.options;
  if (opts === undefined) return;
  if (typeof opts !== 'object' || opts === null) throw new RangeError(`tone setting options must be an object, got ${String(opts)}`);
  const ranges = OPTION_RANGES[op as ToneOperatorName] as Record<string, NumberRange | ChoiceRange>;
  for (const [field, v] of Object.entries(opts)) {
    if (v === undefined) continue;
    const range = ranges[field];
    if (!range) throw new RangeError(`tone setting options.${field} is not an option of ${op}`);
    if (isChoice(range)) {
      if (typeof v !== 'string' || !range.choices.includes(v)) {
        throw new RangeError(`tone setting options.${field} must be one of ${range.choices.join(', ')}, got ${String(v)}`);
      }
    } else {
      checkNumber(`options.${field}`, v, range);
    }
  }
}

/** Validates and fills in every default. */
export function resolveToneSettings(s: ToneSettings): ResolvedToneSettings {
  validateToneSettings(s);
  const controls = {} as Required<ToneControls>;
  for (const [name, range] of Object.entries(CONTROL_RANGES) as [keyof ToneControls, NumberRange][]) {
    controls[name] = s[name] ?? range.default;
  }
  const options = { ...defaultOptions(s.operator) } as Record<string, unknown>;
  for (const [k, v] of Object.entries(s.options ?? {})) if (v !== undefined) options[k] = v;
  return { ...controls, operator: s.operator, options } as ResolvedToneSettings;
}

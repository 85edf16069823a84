/**
 * Presets of the side panel: a merge method and a whole tone setting (operator, its options, every
 * control), under a name. The built-in ones ship with the app; the user's are kept by main
 * (src-main/services/preset-store.ts). A preset is a look, not a shot: alignment, deghosting, the
 * synthetic frame and the output colour space stay as they are when one is applied.
 */
import { CONTROL_RANGES, defaultOptions, resolveToneSettings, validateToneSettings, type ToneControls, type ToneSettings } from '../tonemap/tone-settings';

/** The merges a preset can choose (a one-frame project keeps its recovery method). */
export const PRESET_METHODS = ['mertens', 'radiance', 'learned'] as const;
export type PresetMethod = (typeof PRESET_METHODS)[number];

export interface Preset {
  name: string;
  /** Absent: the project's method is kept. */
  method?: PresetMethod;
  /** Complete: every control and option filled in (see completeTone), so applying it sets them all. */
  tone: ToneSettings;
}

/** Names are shown in buttons and menus: short, printable, trimmed. */
export const MAX_PRESET_NAME = 60;
/** User presets kept at most (the file stays small and the panel usable). */
export const MAX_USER_PRESETS = 200;

export class PresetNameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PresetNameError';
  }
}

/** The name as it will be kept (trimmed, inner runs of spaces made one), or a PresetNameError saying what is wrong. */
export function checkPresetName(name: unknown): string {
  if (typeof name !== 'string') throw new PresetNameError('A preset name must be text');
  const clean = name.trim().replace(/\s+/g, ' ');
  if (clean.length === 0) throw new PresetNameError('Give the preset a name');
  if (clean.length > MAX_PRESET_NAME) throw new PresetNameError(`A preset name has at most ${MAX_PRESET_NAME} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(clean)) throw new PresetNameError('A preset name cannot contain control characters');
  return clean;
}

/** Names compare without case: "Dramatic" and "dramatic" would be the same button to a person. */
export function sameName(a: string, b: string): boolean {
  return a.localeCompare(b, undefined, { sensitivity: 'accent' }) === 0;
}

/** Every control and option of the operator filled in, so a preset applied overwrites all of them. */
export function completeTone(tone: ToneSettings): ToneSettings {
  const resolved = resolveToneSettings(tone);
  return { ...resolved, options: { ...resolved.options } } as ToneSettings;
}

/** A preset checked field by field (a RangeError or PresetNameError says what is wrong) and copied with nothing extra. */
export function checkPreset(value: unknown): Preset {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RangeError('a preset must be an object with name and tone');
  const rec = value as Record<string, unknown>;
  const name = checkPresetName(rec.name);
  if (rec.method !== undefined && !PRESET_METHODS.includes(rec.method as PresetMethod)) {
    throw new RangeError(`preset method must be one of ${PRESET_METHODS.join(', ')}, got ${String(rec.method)}`);
  }
  validateToneSettings(rec.tone);
  return { name, ...(rec.method !== undefined ? { method: rec.method as PresetMethod } : {}), tone: completeTone(rec.tone) };
}

/** The controls a preset sets away from neutral, for its tooltip: "Exposure +0.30, Contrast +0.25". */
export function describePreset(preset: Preset): string {
  const parts: string[] = [];
  if (preset.method) parts.push({ mertens: 'Exposure fusion', radiance: 'Radiance merge', learned: 'Learned fusion' }[preset.method]);
  if (preset.method === 'radiance') parts.push(`${preset.tone.operator} operator`);
  for (const [name, range] of Object.entries(CONTROL_RANGES) as [keyof ToneControls, (typeof CONTROL_RANGES)[keyof ToneControls]][]) {
    const v = preset.tone[name];
    if (v !== undefined && v !== range.default) parts.push(`${range.label} ${v > 0 ? '+' : ''}${v.toFixed(2)}`);
  }
  return parts.join(', ');
}

function builtIn(name: string, method: PresetMethod, tone: ToneSettings): Preset {
  return { name, method, tone: completeTone(tone) };
}

/**
 * The presets every install has. Values were chosen on the bundled sample bracket (a bright sky over
 * a shaded foreground) and on interiors: each is a different, plausible photographic intent, not a
 * step of one slider.
 */
export const BUILT_IN_PRESETS: readonly Preset[] = [
  // Exposure fusion as it comes, a touch of colour: the least processed look.
  builtIn('Natural', 'mertens', { operator: 'local-contrast', vibrance: 0.15, contrast: 0.05 }),
  // Radiance map, local contrast with a moderate squeeze and some detail: open shadows, kept highlights.
  builtIn('Balanced detail', 'radiance', {
    operator: 'local-contrast',
    options: { ...defaultOptions('local-contrast'), compression: 0.75 },
    detail: 0.4,
    highlights: -0.35,
    shadows: 0.2,
    vibrance: 0.1,
  }),
  // Strong local compression, lots of detail, deep blacks, punch and colour: the "HDR look".
  builtIn('Dramatic', 'radiance', {
    operator: 'local-contrast',
    options: { radius: 0.03, eps: 0.4, compression: 0.9 },
    detail: 0.8,
    contrast: 0.35,
    highlights: -0.4,
    shadows: 0.25,
    blackPoint: -0.25,
    whitePoint: 0.1,
    saturation: 0.2,
    vibrance: 0.25,
  }),
  // A room lit by its windows: the radiance map squeezed hard so the view outside holds, shadows lifted, detail gentle.
  builtIn('Interior (window pull)', 'radiance', {
    operator: 'local-contrast',
    options: { radius: 0.015, eps: 0.15, compression: 1 },
    detail: 0.2,
    highlights: -0.6,
    shadows: 0.4,
    contrast: 0.1,
    blackPoint: -0.15,
    vibrance: 0.1,
  }),
  // Saturation -1 is grey (the engine mixes colour to luminance); contrast and detail make up for the colour.
  builtIn('Black and white', 'radiance', {
    operator: 'local-contrast',
    options: { ...defaultOptions('local-contrast'), compression: 0.8 },
    saturation: -1,
    contrast: 0.3,
    detail: 0.4,
    blackPoint: -0.15,
  }),
];

/** Whether a name is taken by a built-in preset (a user preset may not shadow one). */
export function isBuiltInName(name: string): boolean {
  return BUILT_IN_PRESETS.some((p) => sameName(p.name, name));
}

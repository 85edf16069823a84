/** Presets: names are checked and tidied, a preset is checked field by field and completed, the built-ins are valid and differ. */
import { describe, expect, it } from 'vitest';
import { BUILT_IN_PRESETS, checkPreset, checkPresetName, completeTone, describePreset, isBuiltInName, MAX_PRESET_NAME, PresetNameError, sameName } from '../../../../src-shared/presets/presets';
import { CONTROL_RANGES, validateToneSettings } from '../../../../src-shared/tonemap/tone-settings';

describe('preset names', () => {
  it('trims and collapses spaces, keeps any language', () => {
    expect(checkPresetName('  Golden   hour ')).toBe('Golden hour');
    expect(checkPresetName('Île de Ré · 夕方')).toBe('Île de Ré · 夕方');
  });

  it('refuses empty, overlong, non-text and control characters, with a reason', () => {
    expect(() => checkPresetName('   ')).toThrow(PresetNameError);
    expect(() => checkPresetName('x'.repeat(MAX_PRESET_NAME + 1))).toThrow(/at most 60/);
    expect(() => checkPresetName(42)).toThrow(/text/);
    expect(() => checkPresetName('a\u0007b')).toThrow(/control characters/);
    expect(checkPresetName('x'.repeat(MAX_PRESET_NAME))).toHaveLength(MAX_PRESET_NAME);
  });

  it('compares names without case, and knows the built-in ones', () => {
    expect(sameName('Dramatic', 'dRAMATIC')).toBe(true);
    expect(sameName('Dramatic', 'Dramatic 2')).toBe(false);
    expect(isBuiltInName('black and white')).toBe(true);
    expect(isBuiltInName('My look')).toBe(false);
  });
});

describe('checkPreset', () => {
  it('keeps name, method and tone, fills in every control and option, drops anything else', () => {
    const p = checkPreset({ name: ' Mine ', method: 'radiance', tone: { operator: 'drago', exposure: 1 }, extra: true });
    expect(p).toEqual({
      name: 'Mine',
      method: 'radiance',
      tone: { operator: 'drago', exposure: 1, contrast: 0, highlights: 0, shadows: 0, whitePoint: 0, blackPoint: 0, saturation: 0, vibrance: 0, detail: 0, options: { bias: 0.85 } },
    });
    expect(checkPreset({ name: 'No method', tone: { operator: 'filmic' } }).method).toBeUndefined();
  });

  it('refuses recoveries, bad tone values and shapes that are not presets', () => {
    expect(() => checkPreset({ name: 'a', method: 'recover', tone: { operator: 'filmic' } })).toThrow(/method/);
    expect(() => checkPreset({ name: 'a', tone: { operator: 'filmic', exposure: 9 } })).toThrow(/exposure/);
    expect(() => checkPreset({ name: 'a', tone: { operator: 'filmic', options: { bias: 0.9 } } })).toThrow(/options\.bias/);
    expect(() => checkPreset({ name: 'a' })).toThrow(/tone settings/);
    expect(() => checkPreset([])).toThrow(/object/);
  });
});

describe('built-in presets', () => {
  it('are complete, valid tone settings under distinct names', () => {
    expect(BUILT_IN_PRESETS.map((p) => p.name)).toEqual(['Natural', 'Balanced detail', 'Dramatic', 'Interior (window pull)', 'Black and white']);
    for (const p of BUILT_IN_PRESETS) {
      validateToneSettings(p.tone);
      expect(p.tone).toEqual(completeTone(p.tone));
      expect(checkPreset(p)).toEqual(p);
    }
  });

  it('differ from each other and from the neutral settings in more than one control', () => {
    const neutral = Object.fromEntries(Object.entries(CONTROL_RANGES).map(([k, r]) => [k, r.default]));
    const moved = (a: object, b: object) => Object.keys(CONTROL_RANGES).filter((k) => (a as Record<string, unknown>)[k] !== (b as Record<string, unknown>)[k]).length;
    for (const [i, p] of BUILT_IN_PRESETS.entries()) {
      expect(moved(p.tone, neutral)).toBeGreaterThanOrEqual(2);
      for (const q of BUILT_IN_PRESETS.slice(i + 1)) expect(moved(p.tone, q.tone)).toBeGreaterThanOrEqual(2);
    }
    // Black and white is grey because saturation -1 mixes every colour to its luminance (tone-map.ts).
    expect(BUILT_IN_PRESETS.find((p) => p.name === 'Black and white')?.tone.saturation).toBe(-1);
  });

  it('describe what they change, for the tooltip', () => {
    expect(describePreset(BUILT_IN_PRESETS[2])).toMatch(/^Radiance merge, local-contrast operator, Contrast \+0\.35,/);
  });
});

import { describe, expect, it } from 'vitest';
import { TONE_OPERATOR_META, toneOperatorMeta } from '../../../../src-shared/tonemap/meta';
import {
  CONTROL_RANGES,
  defaultOptions,
  resolveToneSettings,
  TONE_OPERATORS,
  validateToneSettings,
  type ToneSettings,
} from '../../../../src-shared/tonemap/tone-settings';

describe('validateToneSettings', () => {
  it('accepts an operator alone and every control at its limits', () => {
    for (const operator of TONE_OPERATORS) expect(() => validateToneSettings({ operator })).not.toThrow();
    for (const [name, r] of Object.entries(CONTROL_RANGES)) {
      expect(() => validateToneSettings({ operator: 'reinhard', [name]: r.min })).not.toThrow();
      expect(() => validateToneSettings({ operator: 'reinhard', [name]: r.max })).not.toThrow();
    }
  });

  it.each([
    [{ operator: 'mantiuk' }, /operator/],
    [null, /object/],
    [{ operator: 'reinhard', shadows: 1.5 }, /shadows/],
    [{ operator: 'reinhard', exposure: NaN }, /exposure/],
    [{ operator: 'reinhard', contrast: '0.5' }, /contrast/],
    [{ operator: 'reinhard', clarity: 0.2 }, /clarity/],
    [{ operator: 'drago', options: { bias: 0.2 } }, /options\.bias/],
    [{ operator: 'drago', options: { whiteStops: 4 } }, /options\.whiteStops/],
    [{ operator: 'filmic', options: { curve: 'uchimura' } }, /options\.curve/],
    [{ operator: 'local-contrast', options: { radius: 0 } }, /options\.radius/],
    [{ operator: 'reinhard', options: 3 }, /options/],
  ])('throws a RangeError naming the field for %j', (settings, field) => {
    expect(() => validateToneSettings(settings)).toThrow(RangeError);
    expect(() => validateToneSettings(settings)).toThrow(field);
  });
});

describe('resolveToneSettings', () => {
  it('fills neutral controls and the operator defaults, keeping what was given', () => {
    const r = resolveToneSettings({ operator: 'local-contrast', shadows: 0.3, options: { eps: 0.5 } });
    expect(r).toMatchObject({ operator: 'local-contrast', exposure: 0, contrast: 0, shadows: 0.3, saturation: 0, vibrance: 0, detail: 0 });
    expect(r.options).toEqual({ ...defaultOptions('local-contrast'), eps: 0.5 });
  });
});

describe('tone operator meta', () => {
  it('lists every operator once, with a label and default options that validate', () => {
    expect(TONE_OPERATOR_META.map((m) => m.name)).toEqual([...TONE_OPERATORS]);
    for (const m of TONE_OPERATOR_META) {
      expect(m.label.length).toBeGreaterThan(2);
      expect(() => validateToneSettings({ operator: m.name, options: m.defaultOptions } as ToneSettings)).not.toThrow();
    }
    expect(toneOperatorMeta('drago').defaultOptions).toEqual({ bias: 0.85 });
    expect(toneOperatorMeta('reinhard-local').local).toBe(true);
    expect(() => toneOperatorMeta('x' as 'none')).toThrow(RangeError);
  });
});

import { describe, expect, it } from 'vitest';
import { nominalStops, parseExifDateTime, shotExposure } from '../../../../src-shared/bracket/shot-info';

describe('parseExifDateTime', () => {
  const noon = Date.UTC(2024, 5, 1, 12, 0, 0);

  it('reads a time without offset as wall-clock time, whatever the machine zone', () => {
    expect(parseExifDateTime('2024:06:01 12:00:00')).toBe(noon);
  });

  it('adds SubSecTimeOriginal as a decimal fraction', () => {
    expect(parseExifDateTime('2024:06:01 12:00:00', '5')).toBe(noon + 500);
    expect(parseExifDateTime('2024:06:01 12:00:00', '05')).toBe(noon + 50);
    expect(parseExifDateTime('2024:06:01 12:00:00', '123')).toBe(noon + 123);
    expect(parseExifDateTime('2024:06:01 12:00:00', '123456')).toBeCloseTo(noon + 123.456, 3);
    expect(parseExifDateTime('2024:06:01 12:00:00', 47)).toBe(noon + 470);
    expect(parseExifDateTime('2024:06:01 12:00:00', '  ')).toBe(noon);
  });

  it('applies OffsetTimeOriginal to give a true instant', () => {
    expect(parseExifDateTime('2024:06:01 14:00:00', undefined, '+02:00')).toBe(noon);
    expect(parseExifDateTime('2024:06:01 07:00:00', '25', '-05:00')).toBe(noon + 250);
    expect(parseExifDateTime('2024:06:01 12:00:00', undefined, 'Z')).toBe(noon);
    expect(parseExifDateTime('2024:06:01 17:30:00', undefined, '+05:30')).toBe(noon);
  });

  it('makes shots from two zones comparable when both carry offsets', () => {
    const paris = parseExifDateTime('2024:06:01 14:00:01', undefined, '+02:00')!;
    const newYork = parseExifDateTime('2024:06:01 08:00:00', undefined, '-04:00')!;
    expect(paris - newYork).toBe(1000);
  });

  it('accepts the variants seen in the wild', () => {
    expect(parseExifDateTime('2024-06-01T12:00:00')).toBe(noon);
    expect(parseExifDateTime('2024:06:01 12:00:00.250')).toBe(noon + 250);
    expect(parseExifDateTime('2024:06:01 12:00:00+02:00')).toBe(noon - 2 * 3600_000);
    expect(parseExifDateTime('2024:06:01 12:00:00\u0000')).toBe(noon);
    expect(parseExifDateTime('2024:06:01 12:00')).toBe(noon);
  });

  it('returns undefined for blank, zeroed or impossible dates', () => {
    for (const bad of ['', '    :  :     :  :  ', '0000:00:00 00:00:00', '2024:02:31 10:00:00', '2024:13:01 10:00:00', 'yesterday']) {
      expect(parseExifDateTime(bad)).toBeUndefined();
    }
    expect(parseExifDateTime(undefined)).toBeUndefined();
    expect(parseExifDateTime(null)).toBeUndefined();
  });

  it('ignores a malformed offset rather than guessing', () => {
    expect(parseExifDateTime('2024:06:01 12:00:00', undefined, '   :  ')).toBe(noon);
  });
});

describe('shotExposure', () => {
  it('is log2(t x ISO/100 / N^2) on the nominal 1/3-stop values cameras write', () => {
    expect(shotExposure({ file: 'a', exposureTime: 1 / 128, iso: 100, fNumber: 1 })).toEqual({ ev: -7, source: 'settings' });
    expect(shotExposure({ file: 'a', exposureTime: 1 / 125, iso: 100, fNumber: 1 })!.ev).toBe(-7);
    expect(shotExposure({ file: 'a', exposureTime: 1 / 60, iso: 400, fNumber: 5.6 })!.ev).toBeCloseTo(-6 + 2 - 5, 9);
    expect(shotExposure({ file: 'a', exposureTime: 2, iso: 100, fNumber: 11 })!.ev).toBeCloseTo(1 - 7, 9);
  });

  it('counts missing ISO as 100 and missing aperture as f/1', () => {
    expect(shotExposure({ file: 'a', exposureTime: 0.5 })!.ev).toBe(-1);
  });

  it('keeps a non-nominal time (a phone) within 1/12 stop', () => {
    const t = 1 / 121.7;
    expect(Math.abs(shotExposure({ file: 'a', exposureTime: t })!.ev - Math.log2(t))).toBeLessThanOrEqual(1 / 12 + 1e-9);
  });

  it('falls back to the exposure bias, and gives up without either', () => {
    expect(shotExposure({ file: 'a', exposureBias: -0.7 })).toEqual({ ev: -0.7, source: 'bias' });
    expect(shotExposure({ file: 'a', exposureTime: 0, exposureBias: 1 })).toEqual({ ev: 1, source: 'bias' });
    expect(shotExposure({ file: 'a' })).toBeUndefined();
  });

  it('reads half-stop values too', () => {
    expect(nominalStops(1 / 90)).toBeCloseTo(-6.5, 9);
    expect(nominalStops(1 / 45)).toBeCloseTo(-5.5, 9);
  });
});

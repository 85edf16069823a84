import { describe, expect, it } from 'vitest';
import { captureDate, checkTemplate, expandTemplate, methodForGroup, outputNames, stemOf, uniqueStems } from '../../../../src-shared/export/naming';

const values = { firstFrame: '/shoot/IMG_0042.CR3', captured: '2026-03-07T18:04:05.25+01:00', method: 'radiance', n: 3, total: 12 };

describe('export naming template', () => {
  it('replaces {name}, {date}, {method} and {n} (padded to the batch width)', () => {
    expect(expandTemplate('{name}-hdr', values)).toBe('IMG_0042-hdr');
    expect(expandTemplate('{date}_{name}_{method}_{n}', values)).toBe('2026-03-07_IMG_0042_radiance_03');
    expect(expandTemplate('{n}', { ...values, n: 7, total: 100 })).toBe('007');
    expect(expandTemplate('{n}', { ...values, n: 1, total: undefined })).toBe('1');
    expect(expandTemplate('plain', values)).toBe('plain');
  });

  it('says undated without a capture time, and reads the EXIF form too', () => {
    expect(expandTemplate('{date}', { ...values, captured: undefined })).toBe('undated');
    expect(captureDate('2026:01:02 03:04:05')).toBe('2026-01-02');
    expect(captureDate('garbage')).toBe('undated');
  });

  it('keeps a name a file system takes: unsafe characters become _, trailing dots go', () => {
    expect(expandTemplate('{name}?*<>|"', { ...values, firstFrame: 'a:b.jpg' })).toBe('a_b______');
    expect(expandTemplate('{name}...', values)).toBe('IMG_0042');
    expect(stemOf('C:\\shots\\x.y.tif')).toBe('x.y');
    expect(stemOf('.hidden')).toBe('.hidden');
  });

  it('refuses empty templates, unknown tokens, unmatched braces and folders', () => {
    expect(() => checkTemplate('  ')).toThrow(/empty/);
    expect(() => checkTemplate('{nam}')).toThrow(/unknown token \{nam\}/);
    expect(() => checkTemplate('{name')).toThrow(/unmatched/);
    expect(() => checkTemplate('x}')).toThrow(/unmatched/);
    expect(() => checkTemplate('out/{name}')).toThrow(/folder/);
    expect(() => checkTemplate('x'.repeat(201))).toThrow(/longer/);
    expect(() => expandTemplate('...', values)).toThrow(/empty file name/);
    expect(() => expandTemplate('{n}', { ...values, n: 0 })).toThrow(RangeError);
  });

  it('gives files in the format order, repeated names -2, -3 (ignoring case), and the method per group size', () => {
    expect(outputNames('a', ['tiff', 'jpeg', 'exr'])).toEqual(['a.jpg', 'a.exr', 'a.tif']);
    expect(uniqueStems(['a', 'b', 'A', 'a', 'a-2'])).toEqual(['a', 'b', 'A-2', 'a-3', 'a-2-2']);
    expect(methodForGroup('radiance', 3)).toBe('radiance');
    expect(methodForGroup('radiance', 1)).toBe('recover');
    expect(methodForGroup('recover-hdr', 1)).toBe('recover-hdr');
    expect(methodForGroup('recover-hdr', 3)).toBe('mertens');
  });
});

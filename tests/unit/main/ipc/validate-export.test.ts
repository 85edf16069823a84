import { describe, expect, it } from 'vitest';
import { validators } from '../../../../src-main/ipc/validate-args';

const tone = { operator: 'reinhard', exposure: 0, contrast: 0 };
const options = { formats: ['jpeg', 'tiff'], quality: 90.4, output: 'srgb', exrPixelType: 'float', exrCompression: 'piz', template: '{name}-{n}', folder: '/out' };
const batch = (change: Record<string, unknown> = {}) => validators['batch:start']([{ groups: [{ paths: ['/a/1.jpg', '/a/2.jpg'] }], method: 'radiance', align: 'off', tone, options, overwrite: false, ...change }]);

describe('export and batch argument validation', () => {
  it('takes TIFF, a long side, EXR pixel type and compression on project:export', () => {
    const [req] = validators['project:export']([{ projectId: 'p', tone, tiffPath: '/o/a.tif', maxSide: 2048, exrPixelType: 'float', exrCompression: 'piz', sneaky: 1 }]);
    expect(req).toMatchObject({ tiffPath: '/o/a.tif', maxSide: 2048, exrPixelType: 'float', exrCompression: 'piz' });
    expect(req).not.toHaveProperty('sneaky');
    const bad = (change: Record<string, unknown>) => () => validators['project:export']([{ projectId: 'p', tone, jpegPath: '/o/a.jpg', ...change }]);
    expect(bad({ maxSide: 32 })).toThrow(/maxSide must be a number in \[64, 65535\]/);
    expect(bad({ maxSide: 100.5 })).toThrow(/whole number/);
    expect(bad({ exrPixelType: 'double' })).toThrow(/exrPixelType must be one of half, float/);
    expect(bad({ exrCompression: 'dwaa' })).toThrow(/exrCompression/);
    expect(bad({ tiffPath: 'a.tif' })).toThrow(/tiffPath must be an absolute path/);
    expect(bad({ tiffPath: '/o/a.jpg' })).toThrow(/same path/);
  });

  it('takes a batch: groups of absolute paths, a known method and alignment, checked options, a boolean overwrite; nothing else', () => {
    const [req] = batch({ extra: true });
    expect(req).toEqual({ groups: [{ paths: ['/a/1.jpg', '/a/2.jpg'] }], method: 'radiance', align: 'off', tone, options: { ...options, quality: 90 }, overwrite: false });
    expect(() => batch({ groups: [] })).toThrow(/1 to 1000 groups/);
    expect(() => batch({ groups: Array.from({ length: 1001 }, () => ({ paths: ['/a.jpg'] })) })).toThrow(/1 to 1000 groups/);
    expect(() => batch({ groups: [{ paths: [] }] })).toThrow(/1 to 64 files/);
    expect(() => batch({ groups: [{ paths: ['rel.jpg'] }] })).toThrow(/absolute/);
    expect(() => batch({ groups: ['/a.jpg'] })).toThrow(/groups\[0\]/);
    expect(() => batch({ method: 'magic' })).toThrow(/method must be one of/);
    expect(() => batch({ align: 'rotate' })).toThrow(/align must be one of/);
    expect(() => batch({ overwrite: 'yes' })).toThrow(/overwrite must be true or false/);
    expect(() => batch({ tone: { ...tone, exposure: 99 } })).toThrow(/exposure/);
  });

  it('refuses export options out of range: no or unknown or repeated formats, quality, template, folder', () => {
    const bad = (change: Record<string, unknown>) => () => batch({ options: { ...options, ...change } });
    expect(bad({ formats: [] })).toThrow(/options.formats must list 1 to 3/);
    expect(bad({ formats: ['gif'] })).toThrow(/options.formats\[0\] must be one of jpeg, exr, tiff/);
    expect(bad({ formats: ['jpeg', 'jpeg'] })).toThrow(/twice/);
    expect(bad({ quality: 0 })).toThrow(/options.quality/);
    expect(bad({ maxSide: 10 })).toThrow(/options.maxSide/);
    expect(bad({ output: 'rec2020' })).toThrow(/options.output/);
    expect(bad({ template: '../{name}' })).toThrow(/folder/);
    expect(bad({ template: '{who}' })).toThrow(/unknown token/);
    expect(bad({ template: 7 })).toThrow(/template must be a string/);
    expect(bad({ folder: 'out' })).toThrow(/options.folder must be an absolute path/);
    expect(() => batch({ options: null })).toThrow(/options must be an object/);
  });

  it('checks the folder dialog, existing-file and batch status/cancel calls', () => {
    expect(validators['dialog:choose-folder']([null])).toEqual([null]);
    expect(validators['dialog:choose-folder'](['/home/u'])).toEqual(['/home/u']);
    expect(() => validators['dialog:choose-folder'](['home'])).toThrow(/absolute/);
    expect(() => validators['dialog:choose-folder']([])).toThrow(/1 argument/);
    expect(validators['files:existing']([['/a.jpg']])).toEqual([['/a.jpg']]);
    expect(() => validators['files:existing']([['a.jpg']])).toThrow(/absolute/);
    expect(() => validators['files:existing']([Array.from({ length: 3001 }, (_, i) => `/f${i}`)])).toThrow(/at most 3000/);
    expect(() => validators['batch:status'](['x'])).toThrow(/0 argument/);
    expect(() => validators['batch:cancel']([1])).toThrow(/0 argument/);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_SETTINGS, loadExportSettings, saveExportSettings } from '../../../src-renderer/src/stores/export-settings';

function memory(initial?: string) {
  const items = new Map<string, string>(initial === undefined ? [] : [['luxfuse:export', initial]]);
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

describe('the Export dialog settings kept between uses', () => {
  it('come back as saved', () => {
    const storage = memory();
    const settings = { formats: ['exr', 'tiff'] as const, quality: 70, maxSide: 1600, exrPixelType: 'float', exrCompression: 'piz', template: '{date}-{n}', folder: '/out' } as const;
    saveExportSettings({ ...settings, formats: [...settings.formats] }, storage);
    expect(loadExportSettings(storage)).toEqual({ ...settings, formats: ['exr', 'tiff'] });
  });

  it('fall back field by field to the defaults when missing, malformed or out of range', () => {
    expect(loadExportSettings(memory())).toEqual(DEFAULT_EXPORT_SETTINGS);
    expect(loadExportSettings(memory('{not json'))).toEqual(DEFAULT_EXPORT_SETTINGS);
    expect(loadExportSettings(memory('null'))).toEqual(DEFAULT_EXPORT_SETTINGS);
    const odd = loadExportSettings(memory(JSON.stringify({ formats: ['gif'], quality: 300, maxSide: 10, exrPixelType: 'x', exrCompression: 'dwaa', template: '  ', folder: 5 })));
    expect(odd).toEqual(DEFAULT_EXPORT_SETTINGS);
    expect(loadExportSettings(memory(JSON.stringify({ formats: ['tiff', 'gif'], quality: 55 })))).toMatchObject({ formats: ['tiff'], quality: 55, maxSide: null });
  });

  it('survive a storage that refuses writes', () => {
    expect(() => saveExportSettings(DEFAULT_EXPORT_SETTINGS, { setItem: () => { throw new Error('quota'); } })).not.toThrow();
  });
});

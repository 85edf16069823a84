import { describe, expect, it } from 'vitest';
import { validators } from '../../../../src-main/ipc/validate-args';

describe('IPC argument validation', () => {
  it('accepts a well-formed export request and drops unknown fields', () => {
    const [req] = validators['project:export']([
      { projectId: 'abc-1', tone: { operator: 'drago', exposure: 1.5, contrast: -0.2, options: { bias: 0.7 } }, output: 'display-p3', exrPath: '/out/a.exr', extra: 'x' },
    ]);
    expect(req).toEqual({
      projectId: 'abc-1',
      tone: { operator: 'drago', exposure: 1.5, contrast: -0.2, options: { bias: 0.7 } },
      output: 'display-p3',
      exrPath: '/out/a.exr',
      jpegPath: undefined,
    });
  });

  it('rejects out-of-range and wrongly typed values', () => {
    const tone = { operator: 'reinhard', exposure: 0, contrast: 0 };
    expect(() => validators['project:export']([{ projectId: 'p', tone, exrPath: 'rel.exr' }])).toThrow(/absolute/);
    expect(() => validators['project:export']([{ projectId: 'p', tone }])).toThrow(/exrPath, jpegPath/);
    expect(() => validators['project:export']([{ projectId: 'p', tone: { ...tone, exposure: Number.NaN }, jpegPath: '/a.jpg' }])).toThrow(/exposure/);
    expect(() => validators['project:export']([{ projectId: 'p', tone: { ...tone, exposure: 5.5 }, jpegPath: '/a.jpg' }])).toThrow(/exposure/);
    expect(() => validators['project:export']([{ projectId: 'P!', tone, jpegPath: '/a.jpg' }])).toThrow(/projectId/);
    expect(() => validators['project:export']([{ projectId: 'p', tone: { ...tone, operator: 'magic' }, jpegPath: '/a.jpg' }])).toThrow(/operator/);
    expect(() => validators['project:export']([{ projectId: 'p', tone: { ...tone, key: 3 }, jpegPath: '/a.jpg' }])).toThrow(/key is not a known control/);
    expect(() => validators['project:export']([{ projectId: 'p', tone: { ...tone, options: { bias: 0.7 } }, jpegPath: '/a.jpg' }])).toThrow(/options\.bias/);
    expect(() => validators['project:export']([{ projectId: 'p', tone, output: 'adobe-rgb', jpegPath: '/a.jpg' }])).toThrow(/output/);
    expect(() => validators['project:merge']([{ projectId: 'p', method: 'radiance', exposureTimes: [0.01, -1] }])).toThrow(/exposureTimes\[1\]/);
    expect(() => validators['project:merge']([{ projectId: 'p', method: 'magic' }])).toThrow(/method must be one of mertens, radiance, learned, recover, recover-hdr, recover-classical/);
    expect(validators['project:merge']([{ projectId: 'p', method: 'recover-hdr' }])).toEqual([{ projectId: 'p', method: 'recover-hdr' }]);
    expect(() => validators['project:load']([Array.from({ length: 65 }, (_, i) => `/f${i}.jpg`)])).toThrow(/1 to 64/);
    expect(() => validators['project:load']([['/a\0.jpg']])).toThrow(/path/);
    expect(() => validators['dialog:open-images'](['x'])).toThrow(/0 argument/);
  });
});

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
    expect(validators['project:merge']([{ projectId: 'p', method: 'mertens', stage: 'preview' }])).toEqual([{ projectId: 'p', method: 'mertens', stage: 'preview' }]);
    expect(() => validators['project:merge']([{ projectId: 'p', method: 'mertens', stage: 'draft' }])).toThrow(/stage must be one of preview, full/);
    expect(validators['project:merge']([{ projectId: 'p', method: 'mertens', stage: 'full', generation: 3 }])[0].generation).toBe(3);
    expect(() => validators['project:merge']([{ projectId: 'p', method: 'mertens', generation: 1.5 }])).toThrow(/generation must be a whole number/);
    expect(() => validators['project:load']([Array.from({ length: 65 }, (_, i) => `/f${i}.jpg`)])).toThrow(/1 to 64/);
    expect(() => validators['project:load']([['/a\0.jpg']])).toThrow(/path/);
    expect(() => validators['dialog:open-images'](['x'])).toThrow(/0 argument/);
  });

  it('takes a frame preview request: a project, a whole frame index and a long side of 64 to 4096 pixels, nothing else', () => {
    const frame = (req: unknown) => validators['project:frame-preview']([req]);
    expect(frame({ projectId: 'p', index: 2, maxSide: 1280.4, junk: 1 })).toEqual([{ projectId: 'p', index: 2, maxSide: 1280 }]);
    expect(() => frame({ projectId: 'p', index: 1.5, maxSide: 1280 })).toThrow(/index must be a frame index 0..63/);
    expect(() => frame({ projectId: 'p', index: -1, maxSide: 1280 })).toThrow(/index/);
    expect(() => frame({ projectId: 'p', index: 64, maxSide: 1280 })).toThrow(/index/);
    expect(() => frame({ projectId: 'p', index: 0, maxSide: 8192 })).toThrow(/maxSide must be a number in \[64, 4096\]/);
    expect(() => frame({ projectId: 'p', index: 0 })).toThrow(/maxSide/);
    expect(() => frame({ projectId: '../x', index: 0, maxSide: 256 })).toThrow(/projectId/);
    expect(() => frame('p')).toThrow(/request must be an object/);
    expect(() => validators['project:frame-preview']([])).toThrow(/1 argument/);
  });

  it('takes a preview region: whole pixels inside 0..65535, at most 64 MP, a long side of 64 to 4096', () => {
    const region = (req: Record<string, unknown>) => validators['project:preview-region']([{ projectId: 'p', x: 10, y: 20, width: 300, height: 200, maxSide: 1024, ...req }]);
    expect(region({ junk: 1 })).toEqual([{ projectId: 'p', x: 10, y: 20, width: 300, height: 200, maxSide: 1024 }]);
    expect(() => region({ x: 1.5 })).toThrow(/x must be a whole number of pixels/);
    expect(() => region({ y: -1 })).toThrow(/y must be a number in \[0, 65535\]/);
    expect(() => region({ width: 0 })).toThrow(/width must be a number in \[1, 65535\]/);
    expect(() => region({ height: Number.NaN })).toThrow(/height must be a whole number/);
    expect(() => region({ width: 10_000, height: 10_000 })).toThrow(/at most 67108864 pixels/);
    expect(() => region({ maxSide: 10 })).toThrow(/maxSide/);
    expect(() => validators['project:preview-region'](['p'])).toThrow(/request must be an object/);
  });

  it('takes deghosting settings field by field: reference, threshold and brush strokes, with their counts capped', () => {
    const merge = (deghost: unknown) => validators['project:merge']([{ projectId: 'p', method: 'mertens', deghost }]);
    const stroke = { mode: 'add', radius: 0.02, points: [[0.1, 0.2], [0.3, 0.4]], extra: 1 };
    expect(merge({ reference: 2, threshold: 1.8, strokes: [stroke], junk: 'x' })[0].deghost).toEqual({
      reference: 2,
      threshold: 1.8,
      strokes: [{ mode: 'add', radius: 0.02, points: [[0.1, 0.2], [0.3, 0.4]] }],
    });
    expect(merge({})[0].deghost).toEqual({});
    expect(validators['project:merge']([{ projectId: 'p', method: 'mertens' }])[0].deghost).toBeUndefined();
    expect(() => merge(true)).toThrow(/deghost must be an object/);
    expect(() => merge({ reference: 1.5 })).toThrow(/deghost.reference must be a frame index/);
    expect(() => merge({ reference: 64 })).toThrow(/deghost.reference/);
    expect(() => merge({ threshold: 0 })).toThrow(/deghost.threshold must be above 0/);
    expect(() => merge({ threshold: Number.POSITIVE_INFINITY })).toThrow(/deghost.threshold/);
    expect(() => merge({ strokes: [{ ...stroke, mode: 'erase' }] })).toThrow(/strokes\[0\].mode must be one of add, remove/);
    expect(() => merge({ strokes: [{ ...stroke, radius: 0 }] })).toThrow(/radius must be above 0/);
    expect(() => merge({ strokes: [{ ...stroke, radius: 0.7 }] })).toThrow(/radius must be a number in \[0, 0.5\]/);
    expect(() => merge({ strokes: [{ ...stroke, points: [] }] })).toThrow(/points must be a list of 1 to 4000/);
    expect(() => merge({ strokes: [{ ...stroke, points: [[0.1, 1.2]] }] })).toThrow(/points\[0\]\[1\] must be a number in \[0, 1\]/);
    expect(() => merge({ strokes: [{ ...stroke, points: [[0.1, Number.NaN]] }] })).toThrow(/points\[0\]\[1\]/);
    expect(() => merge({ strokes: [{ ...stroke, points: [[0.1, 0.2, 0.3]] }] })).toThrow(/points\[0\] must be \[x, y\]/);
    expect(() => merge({ strokes: [{ ...stroke, points: Array.from({ length: 4001 }, () => [0.5, 0.5]) }] })).toThrow(/1 to 4000/);
    expect(() => merge({ strokes: Array.from({ length: 501 }, () => stroke) })).toThrow(/at most 500 strokes/);
    // Under both per-stroke caps, but too many points in all.
    const long = { ...stroke, points: Array.from({ length: 4000 }, () => [0.5, 0.5]) };
    expect(() => merge({ strokes: Array.from({ length: 26 }, () => long) })).toThrow(/more than 100000 points in all/);
  });

  it('saves and loads deghosting with the edits, checked the same way', () => {
    const edits = { tone: { operator: 'filmic', controls: { exposure: 0 }, options: {}, output: 'srgb' }, method: 'mertens', align: 'off' };
    const stroke = { mode: 'remove', radius: 0.05, points: [[0.5, 0.5]] };
    const [, saved] = validators['edits:save']([['/a.jpg', '/b.jpg'], { ...edits, deghost: { referencePath: '/b.jpg', threshold: 2, strokes: [stroke] } }]);
    expect(saved.deghost).toEqual({ referencePath: '/b.jpg', threshold: 2, strokes: [stroke] });
    expect(validators['edits:save']([['/a.jpg'], edits])[1].deghost).toBeUndefined();
    expect(validators['edits:save']([['/a.jpg'], { ...edits, deghost: {} }])[1].deghost).toEqual({ strokes: [] });
    expect(() => validators['edits:save']([['/a.jpg'], { ...edits, deghost: { referencePath: 'b.jpg', strokes: [] } }])).toThrow(/referencePath must be an absolute path/);
    expect(() => validators['edits:save']([['/a.jpg'], { ...edits, deghost: { strokes: [{ ...stroke, mode: 'x' }] } }])).toThrow(/edits.deghost.strokes\[0\].mode/);
    expect(() => validators['edits:save']([['/a.jpg'], { ...edits, deghost: { threshold: -1, strokes: [] } }])).toThrow(/edits.deghost.threshold/);
  });
});

describe('preset and recent channel arguments', () => {
  const tone = { operator: 'filmic', exposure: 0.5 };

  it('accepts a preset, completes its tone and tidies its name', () => {
    const [preset, replace] = validators['presets:save']([{ name: '  My  look ', method: 'radiance', tone, extra: 1 }, false]);
    expect(replace).toBe(false);
    expect(preset.name).toBe('My look');
    expect(preset.method).toBe('radiance');
    expect(preset.tone).toMatchObject({ operator: 'filmic', exposure: 0.5, contrast: 0, options: { curve: 'hill' } });
    expect(preset).not.toHaveProperty('extra');
  });

  it('refuses bad presets, names and ids before a service sees them', () => {
    expect(() => validators['presets:save']([{ name: '', tone }, false])).toThrow(/presets:save: Give the preset a name/);
    expect(() => validators['presets:save']([{ name: 'x', tone: { ...tone, exposure: 8 } }, false])).toThrow(/exposure/);
    expect(() => validators['presets:save']([{ name: 'x', method: 'recover', tone }, false])).toThrow(/method/);
    expect(() => validators['presets:save']([{ name: 'x', tone }, 'yes'])).toThrow(/replace/);
    expect(() => validators['presets:save']([{ name: 'x', tone }])).toThrow(/2 argument/);
    expect(() => validators['presets:rename'](['a', 'b\u0000'])).toThrow(/control characters/);
    expect(validators['presets:rename'](['Old', '  New  '])).toEqual(['Old', 'New']);
    expect(() => validators['presets:delete']([''])).toThrow(/preset name/);
    expect(() => validators['presets:delete']([{}])).toThrow(/preset name/);
    expect(validators['recent:remove'](['0123456789abcdef'])).toEqual(['0123456789abcdef']);
    expect(() => validators['recent:remove'](['../recent.json'])).toThrow(/id/);
    expect(() => validators['recent:clear'](['all'])).toThrow(/0 argument/);
  });
});

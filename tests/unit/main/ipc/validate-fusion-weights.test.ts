/**
 * The renderer's network output is untrusted input: project:merge accepts fusionWeights only for a
 * learned merge, of a known shape, as a Float32Array of K x H x W finite samples >= 0 with an input
 * key of the right form; project:fusion-input takes a learned merge request; models:read and
 * models:warm a known model, and nothing else.
 */
import { describe, expect, it } from 'vitest';
import { validators } from '../../../../src-main/ipc/validate-args';

const K = 3;
const H = 8;
const W = 12;
const good = () => ({ exposures: K, paddedWidth: W, paddedHeight: H, data: new Float32Array(K * H * W).fill(1 / 3), inputKey: '3x8x12:0123abcd' });
const merge = (fusionWeights: unknown, method = 'learned') => validators['project:merge']([{ projectId: 'p', method, fusionWeights }]);

describe('fusionWeights on project:merge', () => {
  it('passes good weights through, field by field', () => {
    const w = good();
    const [req] = merge({ ...w, extra: 'dropped' });
    expect(req.fusionWeights).toEqual(w);
    expect(Object.keys(req.fusionWeights!).sort()).toEqual(['data', 'exposures', 'inputKey', 'paddedHeight', 'paddedWidth']);
    expect(merge(undefined)[0].fusionWeights).toBeUndefined();
  });

  it('refuses them for another method', () => {
    expect(() => merge(good(), 'mertens')).toThrow(/project:merge: fusionWeights go with method 'learned' only/);
  });

  it('refuses a wrong shape, type or key', () => {
    expect(() => merge('weights')).toThrow(/fusionWeights must be an object/);
    expect(() => merge({ ...good(), exposures: 1 })).toThrow(/exposures must be a whole number 2\.\.16/);
    expect(() => merge({ ...good(), exposures: 2.5 })).toThrow(/exposures/);
    expect(() => merge({ ...good(), paddedWidth: 10 })).toThrow(/paddedWidth must be a multiple of 4/);
    expect(() => merge({ ...good(), paddedHeight: 8192 })).toThrow(/paddedHeight must be a multiple of 4 up to 4096/);
    expect(() => merge({ ...good(), data: Array.from(good().data) })).toThrow(/data must be a Float32Array/);
    expect(() => merge({ ...good(), data: new Float64Array(K * H * W) })).toThrow(/data must be a Float32Array/);
    expect(() => merge({ ...good(), data: new Float32Array(K * H * W - 1) })).toThrow(/weights hold 287 samples, expected 3x8x12 = 288/);
    expect(() => merge({ ...good(), inputKey: 'whatever' })).toThrow(/inputKey must be the key project:fusion-input returned/);
  });

  it('refuses non-finite or negative weights, naming the sample', () => {
    for (const [bad, message] of [
      [Number.NaN, /weight 17 is NaN/],
      [Infinity, /weight 17 is Infinity/],
      [-1e-3, /weight 17 is -0.001/],
    ] as const) {
      const w = good();
      w.data[17] = bad;
      expect(() => merge(w)).toThrow(message);
    }
    const zero = good();
    zero.data.fill(0);
    expect(merge(zero)[0].fusionWeights!.data).toBe(zero.data);
  });
});

describe('project:fusion-input, models:read and models:warm', () => {
  it('takes a learned merge request without weights', () => {
    expect(validators['project:fusion-input']([{ projectId: 'p', method: 'learned', align: 'off' }])).toEqual([{ projectId: 'p', method: 'learned', align: 'off' }]);
    expect(() => validators['project:fusion-input']([{ projectId: 'p', method: 'mertens' }])).toThrow(/method must be 'learned'/);
    expect(() => validators['project:fusion-input']([{ projectId: 'p', method: 'learned', fusionWeights: good() }])).toThrow(/fusionWeights belong to project:merge/);
    expect(() => validators['project:fusion-input']([{ projectId: '../x', method: 'learned' }])).toThrow(/projectId/);
  });

  it('reads only known models', () => {
    expect(validators['models:read'](['fusion'])).toEqual(['fusion']);
    expect(() => validators['models:read'](['../../etc/passwd'])).toThrow(/model must be one of fusion/);
    expect(() => validators['models:read']([])).toThrow(/expected 1 argument/);
  });

  it('warms only known models, named alone', () => {
    expect(validators['models:warm'](['fusion'])).toEqual(['fusion']);
    expect(() => validators['models:warm'](['judge'])).toThrow(/models:warm: model must be one of fusion/);
    expect(() => validators['models:warm']([{ name: 'fusion' }])).toThrow(/model must be one of fusion/);
    expect(() => validators['models:warm']([])).toThrow(/expected 1 argument/);
    expect(() => validators['models:warm'](['fusion', 'fusion'])).toThrow(/expected 1 argument/);
  });
});

import { describe, expect, it } from 'vitest';
import { describePattern, isClassicAeb } from '../../../../src-shared/bracket/pattern';

describe('describePattern', () => {
  it.each([
    [[0, -2, 2], 'center-first'],
    [[0, 2, -2], 'center-first'],
    [[0, -1, 1, -2, 2], 'center-first'],
    [[0, -1, -2, 1, 2], 'center-first'],
    [[-2, 0, 2], 'ascending'],
    [[2, 0, -2], 'descending'],
    [[0, -2, 1, -1, 2], 'other'],
    [[-2, 2, 0], 'other'],
    [[0, 3], 'ascending'],
  ])('%j is %s', (values, order) => {
    expect(describePattern(values).order).toBe(order);
  });

  it('sees even steps, symmetry and the classic AEB shape', () => {
    const p = describePattern([0, -1, 1, -2, 2]);
    expect(p).toMatchObject({ count: 5, distinct: true, evenSteps: true, symmetric: true, step: 1, span: 4 });
    expect(isClassicAeb(p)).toBe(true);
    expect(isClassicAeb(describePattern([0, -1, 1, -3, 3]))).toBe(false);
    expect(isClassicAeb(describePattern([-3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7]))).toBe(false);
    expect(isClassicAeb(describePattern([0, -2]))).toBe(false);
  });

  it('tolerates nominal rounding in the steps', () => {
    expect(describePattern([0, -2.06, 1.91]).evenSteps).toBe(true);
  });

  it('finds repeated exposures', () => {
    expect(describePattern([0, -2, 2, 0]).distinct).toBe(false);
    expect(describePattern([0, 0.1]).distinct).toBe(false);
    expect(describePattern([0, 0.1]).order).toBe('other');
  });
});

import { describe, expect, it } from 'vitest';
import { beforeFrameIndex, stepFrame } from '../../../src-renderer/src/lib/viewer-frames';

describe('viewer frames', () => {
  it("takes the alignment's reference as the before frame, else the middle frame", () => {
    expect(beforeFrameIndex([{ method: 'similarity' }, { method: 'similarity' }, { method: 'reference' }], 3)).toBe(2);
    expect(beforeFrameIndex([{ method: 'none' }, { method: 'none' }, { method: 'none' }], 3)).toBe(1);
    expect(beforeFrameIndex([], 5)).toBe(2);
    expect(beforeFrameIndex([], 1)).toBe(0);
    expect(beforeFrameIndex([], 2)).toBe(0);
  });

  it('steps merge -> frames -> merge both ways, and from a frame that is gone back to the start', () => {
    expect(stepFrame(null, 1, 3)).toBe(0);
    expect(stepFrame(2, 1, 3)).toBeNull();
    expect(stepFrame(null, -1, 3)).toBe(2);
    expect(stepFrame(0, -1, 3)).toBeNull();
    expect(stepFrame(7, 1, 3)).toBe(0);
  });
});

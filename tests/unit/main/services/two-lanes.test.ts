/** inTwoLanes: how readBracket and OriginalFrames.all read a bracket's files, two at a time, stopping at the first failure. */
import { describe, expect, it } from 'vitest';
import { inTwoLanes } from '../../../../src-main/services/frames';

const tick = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('inTwoLanes', () => {
  it('reads every index into its place, never more than two at a time, started in order', async () => {
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const out = await inTwoLanes(7, async (i) => {
      started.push(i);
      most = Math.max(most, ++running);
      await tick((7 - i) % 3);
      running--;
      return i * 10;
    });
    expect(out).toEqual([0, 10, 20, 30, 40, 50, 60]);
    expect(most).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await inTwoLanes(0, async () => 1)).toEqual([]);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const failing = inTwoLanes(6, async (i) => {
      started.push(i);
      await tick(i === 1 ? 1 : 5);
      if (i === 1) throw new Error('frame 1 is cut short');
      return i;
    });
    await expect(failing).rejects.toThrow('frame 1 is cut short');
    await tick(20);
    // 0 and 1 start together; 1 fails before 0 ends, so neither lane starts 2.
    expect(started).toEqual([0, 1]);
  });
});

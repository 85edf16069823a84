/** The engine's quiet time: a pause of the asked length with no call in flight, however many calls overlap. */
import { describe, expect, it } from 'vitest';
import { EngineActivity } from '../../../../src-main/services/engine-activity';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EngineActivity', () => {
  it('is quiet once no call has run for the time asked, counted from its start before any call', async () => {
    const activity = new EngineActivity();
    const started = performance.now();
    await activity.quiet(60);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    const again = performance.now();
    await activity.quiet(30);
    expect(performance.now() - again).toBeLessThan(25);
  });

  it('waits while calls run, and for the time asked after the last one ends; a failed call counts as ended', async () => {
    const activity = new EngineActivity();
    const order: string[] = [];
    let ended = 0;
    const first = activity.track(async () => {
      await sleep(80);
      order.push('first');
    });
    const second = activity.track(async () => {
      await sleep(140);
      order.push('second');
      ended = performance.now();
      throw new Error('failed');
    });
    const quiet = activity.quiet(50).then(() => order.push('quiet'));
    await expect(second).rejects.toThrow('failed');
    await Promise.all([first, quiet]);
    expect(order).toEqual(['first', 'second', 'quiet']);
    expect(performance.now() - ended).toBeGreaterThanOrEqual(50);
  });
});

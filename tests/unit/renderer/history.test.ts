import { describe, expect, it } from 'vitest';
import { COALESCE_MS, History, HISTORY_LIMIT } from '../../../src-renderer/src/lib/history';

describe('History', () => {
  it('undoes and redoes changes in order, and a new change drops what was undone', () => {
    const h = new History<{ v: number }>();
    h.reset({ v: 0 });
    expect(h.canUndo).toBe(false);
    h.record({ v: 1 }, 'one', 'a', 1000);
    h.record({ v: 2 }, 'two', 'b', 1001);
    expect(h.undoLabel).toBe('two');
    expect(h.undo()).toEqual({ v: 1 });
    expect(h.undo()).toEqual({ v: 0 });
    expect(h.undo()).toBeNull();
    expect(h.redo()).toEqual({ v: 1 });
    expect(h.redoLabel).toBe('two');
    h.record({ v: 5 }, 'five', 'c', 5000);
    expect(h.canRedo).toBe(false);
    expect(h.undo()).toEqual({ v: 1 });
  });

  it('coalesces a drag of one control into one entry, but not changes of different controls or after a pause', () => {
    const h = new History<number>();
    h.reset(0);
    for (let i = 1; i <= 10; i++) h.record(i / 10, 'exposure', 'control:exposure', 1000 + i * 50);
    h.record(7, 'contrast', 'control:contrast', 1600);
    h.record(8, 'contrast', 'control:contrast', 1600 + COALESCE_MS + 1);
    expect(h.undo()).toBe(7);
    expect(h.undo()).toBe(1);
    expect(h.undo()).toBe(0);
  });

  it('does not coalesce a change with one that was undone and redone', () => {
    const h = new History<number>();
    h.reset(0);
    h.record(1, 'x', 'k', 1000);
    h.undo();
    h.redo();
    h.record(2, 'x', 'k', 1001);
    expect(h.undo()).toBe(1);
  });

  it('ignores a change to the same state and keeps at most HISTORY_LIMIT entries', () => {
    const h = new History<number>();
    h.reset(0);
    h.record(0, 'same', 'k', 1);
    expect(h.canUndo).toBe(false);
    for (let i = 1; i <= HISTORY_LIMIT + 50; i++) h.record(i, 'n', `k${i}`, i * 10_000);
    let undos = 0;
    while (h.undo() !== null) undos++;
    expect(undos).toBe(HISTORY_LIMIT - 1);
  });
});

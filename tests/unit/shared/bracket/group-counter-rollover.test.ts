import { describe, expect, it } from 'vitest';
import { groupBrackets } from '../../../../src-shared/bracket/group';
import type { ShotInfo } from '../../../../src-shared/bracket/shot-info';
import { AEB_3, AEB_5, Camera, D750, R5, files, wholeSeconds, shuffle } from './shoot';

const names = (shots: ShotInfo[]): string[] => shots.map((s) => s.file.slice(s.file.lastIndexOf('/') + 1));

describe('groupBrackets: the file counter wraps inside a bracket shot within one second', () => {
  it('orders IMG_9998, IMG_9999, IMG_0001 by counter, not by name, when they share a whole-second time', () => {
    const cam = new Camera(R5, 9998, { wrapTo: 1 });
    const bracket = wholeSeconds(cam.aeb(AEB_3));
    expect(names(bracket)).toEqual(['IMG_9998.CR3', 'IMG_9999.CR3', 'IMG_0001.CR3']);
    expect(new Set(bracket.map((s) => s.captureTime)).size).toBe(1);
    const { groups, ungrouped } = groupBrackets(shuffle(bracket));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([0, -2, 2]);
  });

  it('orders DSC_9999 -> DSC_0000 across two whole seconds, a 5-frame set', () => {
    const cam = new Camera(D750, 9997, { wrapTo: 0 });
    const bracket = wholeSeconds(cam.aeb(AEB_5, 1 / 125, 300));
    expect(names(bracket)).toEqual(['DSC_9997.NEF', 'DSC_9998.NEF', 'DSC_9999.NEF', 'DSC_0000.NEF', 'DSC_0001.NEF']);
    const { groups } = groupBrackets(shuffle(bracket, 5));
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([0, -1, 1, -2, 2]);
  });

  it('splits two back-to-back sets across the wrap (9998, 9999, 0001 | 0002, 0003, 0004) in the same seconds', () => {
    const cam = new Camera(R5, 9998, { wrapTo: 1 });
    const sets = [cam.aeb(AEB_3, 1 / 125, 150), cam.aeb(AEB_3, 1 / 125, 150)];
    wholeSeconds(sets.flat());
    const { groups, ungrouped } = groupBrackets(shuffle(sets.flat(), 3));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual(sets.map(files));
    for (const g of groups) expect(g.exposureValues).toEqual([0, -2, 2]);
  });

  it('follows the counter into the next DCF folder (100CANON/IMG_9999 -> 101CANON/IMG_0001)', () => {
    const cam = new Camera({ ...R5, folder: 'card/DCIM/100CANON' }, 9998, { wrapTo: 1, newFolderOnWrap: true });
    const bracket = wholeSeconds(cam.aeb(AEB_3));
    expect(files(bracket)).toEqual(['card/DCIM/100CANON/IMG_9998.CR3', 'card/DCIM/100CANON/IMG_9999.CR3', 'card/DCIM/101CANON/IMG_0001.CR3']);
    const { groups } = groupBrackets(shuffle(bracket, 2));
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([0, -2, 2]);
  });

  it('follows a counter that continues into a new DCF folder (100CANON/IMG_0457 -> 101CANON/IMG_0458)', () => {
    const cam = new Camera({ ...R5, folder: 'card/DCIM/100CANON' }, 456);
    const bracket = cam.aeb([-2, 0, 2]);
    bracket.splice(2, 1, { ...bracket[2], file: 'card/DCIM/101CANON/IMG_0458.CR3' });
    wholeSeconds(bracket);
    const { groups } = groupBrackets(shuffle(bracket, 4));
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([-2, 0, 2]);
  });

  it('keeps counters in order where the wrap and a new second coincide (9999 at :00, 0001 and 0002 at :01)', () => {
    const cam = new Camera(D750, 9999, { wrapTo: 1 });
    cam.clock = 900;
    const bracket = wholeSeconds(cam.aeb([-2, 0, 2], 1 / 125, 150));
    expect(bracket.map((s) => s.captureTime! % 10_000)).toEqual([0, 1000, 1000]);
    const { groups } = groupBrackets(shuffle(bracket));
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([-2, 0, 2]);
  });
});

import { describe, expect, it } from 'vitest';
import { groupBrackets } from '../../../../src-shared/bracket/group';
import { AEB_3, AEB_5, AEB_7, Camera, D750, R5, files, speed, wholeSeconds } from './shoot';

const ORDERS: [string, number[]][] = [
  ['0,-,+ (Canon default)', AEB_3],
  ['-,0,+', [-2, 0, 2]],
  ['+,0,-', [2, 0, -2]],
  ['0,-,+ in 1-stop steps', [0, -1, 1]],
  ['5 frames, 0,-,+,--,++', AEB_5],
  ['5 frames, -- to ++', [-2, -1, 0, 1, 2]],
  ['7 frames, 0,-,+,...', AEB_7],
  ['7 frames, +++ to ---', [3, 2, 1, 0, -1, -2, -3]],
  ['9 frames, 0,-,+,...', [0, -1, 1, -2, 2, -3, 3, -4, 4]],
  ['9 frames, ---- to ++++', [-4, -3, -2, -1, 0, 1, 2, 3, 4]],
  ['2 frames, 0,+', [0, 2]],
  ['2 frames, 0,-', [0, -2]],
];

describe('groupBrackets: AEB orders and sizes, with whole-second capture times', () => {
  it.each(ORDERS)('finds one bracket of %s', (_label, offsets) => {
    const cam = new Camera(R5);
    const bracket = wholeSeconds(cam.aeb(offsets, 1 / 125, 150));
    const { groups, ungrouped } = groupBrackets(bracket);
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    const reference = offsets.length === 2 ? offsets[0] : [...offsets].sort((a, b) => a - b)[(offsets.length - 1) >> 1];
    expect(groups[0].exposureValues).toEqual(offsets.map((o) => o - reference));
  });

  it.each(ORDERS)('splits a bracketed panorama of %s: four positions back to back, the same seconds, no pause', (_label, offsets) => {
    const cam = new Camera(D750);
    const sets = [0, 1, 2, 3].map(() => cam.aeb(offsets, 1 / 125, 120));
    wholeSeconds(sets.flat());
    const { groups, ungrouped } = groupBrackets(sets.flat());
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual(sets.map(files));
  });
});

describe('groupBrackets: bursts and singles around brackets', () => {
  it('leaves a continuous burst at one exposure ungrouped, right before and after a bracket in the same seconds', () => {
    const cam = new Camera(R5);
    const before = cam.burst(6, 1 / 125, 80);
    const bracket = cam.aeb(AEB_3, 1 / 125, 120);
    const after = cam.burst(6, 1 / 125, 80);
    const all = wholeSeconds([...before, ...bracket, ...after]);
    const { groups, ungrouped } = groupBrackets(all);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(ungrouped).toEqual(files([...before, ...after]));
  });

  it('leaves a burst in manual mode (ExposureMode 1, one exposure) ungrouped', () => {
    const cam = new Camera(D750);
    const burst = Array.from({ length: 8 }, () => cam.shoot({ exposureTime: 1 / 1000, exposureMode: 1 }, 100));
    expect(groupBrackets(wholeSeconds(burst)).groups).toEqual([]);
  });

  it('leaves a burst without ExposureMode or bias ungrouped', () => {
    const cam = new Camera(D750);
    const burst = Array.from({ length: 8 }, () => cam.shoot({ exposureTime: 1 / 1000, exposureMode: undefined, exposureBias: undefined }, 100));
    expect(groupBrackets(wholeSeconds(burst)).groups).toEqual([]);
  });

  it('keeps a single exposure-compensated shot between two AEB sets single', () => {
    const cam = new Camera(R5);
    const a = cam.aeb(AEB_3, 1 / 125, 150);
    const single = cam.shoot({ exposureTime: speed(1 / 125, -1), exposureBias: -1, exposureMode: 0 }, 400);
    const b = cam.aeb(AEB_3, 1 / 125, 150);
    const { groups, ungrouped } = groupBrackets(wholeSeconds([...a, single, ...b]));
    expect(groups.map((g) => g.files)).toEqual([files(a), files(b)]);
    expect(ungrouped).toEqual([single.file]);
  });

  it('keeps a single exposure-compensated shot between two compensation brackets single', () => {
    // Aperture priority, the compensation dial turned for each frame: -2, 0, +2; then one frame at -1; then -2, 0, +2.
    const cam = new Camera(R5);
    const comp = (b: number, gap: number) => cam.shoot({ exposureTime: speed(1 / 125, b), exposureBias: b, exposureMode: 0 }, gap);
    const a = [-2, 0, 2].map((b) => comp(b, 700));
    const single = comp(-1, 700);
    const b = [-2, 0, 2].map((x) => comp(x, 700));
    const { groups, ungrouped } = groupBrackets(wholeSeconds([...a, single, ...b]));
    expect(groups.map((g) => g.files)).toEqual([files(a), files(b)]);
    expect(ungrouped).toEqual([single.file]);
  });

  it('keeps a single compensated shot between two metered-first compensation brackets single (0,-2,+2, -1, 0,-2,+2)', () => {
    const cam = new Camera(R5);
    const comp = (b: number) => cam.shoot({ exposureTime: speed(1 / 125, b), exposureBias: b, exposureMode: 0 }, 700);
    const a = [0, -2, 2].map(comp);
    const single = comp(-1);
    const b = [0, -2, 2].map(comp);
    const { groups, ungrouped } = groupBrackets([...a, single, ...b]);
    expect(groups.map((g) => g.files)).toEqual([files(a), files(b)]);
    expect(ungrouped).toEqual([single.file]);
  });

  it('keeps a single shot at another exposure between two manual brackets single', () => {
    const cam = new Camera(D750);
    const a = cam.manual([-2, 0, 2], 1 / 125, 900);
    const single = cam.shoot({ exposureTime: 1 / 60, exposureMode: 1 }, 900);
    const b = cam.manual([-2, 0, 2], 1 / 125, 900);
    const { groups, ungrouped } = groupBrackets(wholeSeconds([...a, single, ...b]));
    expect(groups.map((g) => g.files)).toEqual([files(a), files(b)]);
    expect(ungrouped).toEqual([single.file]);
  });

  it('splits back-to-back sets whose base exposure the meter moved, by their offsets (0,+2 | 0,+2), with whole-second times', () => {
    const cam = new Camera(R5);
    const sets = [1 / 250, 1 / 60, 1 / 500, 1 / 125].map((base) => cam.aeb([0, 2], base, 150));
    const { groups, ungrouped } = groupBrackets(wholeSeconds(sets.flat()));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual(sets.map(files));
  });

  it('keeps 2-frame AEB sets back to back as pairs', () => {
    const cam = new Camera(R5);
    const sets = [0, 1, 2].map(() => cam.aeb([0, 2], 1 / 250, 150));
    const { groups, ungrouped } = groupBrackets(wholeSeconds(sets.flat()));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual(sets.map(files));
  });
});

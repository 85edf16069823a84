import { describe, expect, it } from 'vitest';
import { groupBrackets } from '../../../../src-shared/bracket/group';
import type { ShotInfo } from '../../../../src-shared/bracket/shot-info';
import { AEB_3, AEB_5, Camera, R5, files, wholeSeconds, type Body } from './shoot';

/** An R5 that writes no serial number (as many bodies do in JPEGs and some RAW files). */
const ANON: Body = { ...R5, serial: undefined };

/** Two photographers' shots, as they end up merged into one folder: sorted by name. */
function merged(...shots: ShotInfo[][]): ShotInfo[] {
  return shots.flat().sort((a, b) => (a.file < b.file ? -1 : 1));
}

/** Two bodies of the same model bracketing the same scene at the same time; `b` presses `offsetMs` after `a`. */
function pair(bodyA: Body, bodyB: Body, firstA: number, firstB: number, offsetMs = 90): [Camera, Camera] {
  const a = new Camera(bodyA, firstA);
  const b = new Camera(bodyB, firstB);
  b.clock = offsetMs;
  return [a, b];
}

describe('groupBrackets: two bodies of one model without serial numbers, shooting one scene interleaved', () => {
  it('tells them apart by their counters (IMG_0100.. and IMG_0533..)', () => {
    const [a, b] = pair(ANON, ANON, 100, 533);
    const a1 = a.aeb(AEB_3);
    const b1 = b.aeb(AEB_3);
    const a2 = a.aeb(AEB_3);
    const b2 = b.aeb(AEB_3);
    const { groups, ungrouped } = groupBrackets(merged(a1, b1, a2, b2));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([a1, b1, a2, b2].map(files));
  });

  it('tells them apart by their counters with whole-second capture times', () => {
    const [a, b] = pair(ANON, ANON, 100, 533);
    const a1 = a.aeb(AEB_5);
    const b1 = b.aeb(AEB_5);
    const { groups, ungrouped } = groupBrackets(wholeSeconds(merged(a1, b1)));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files).sort()).toEqual([a1, b1].map(files).sort());
  });

  it('tells them apart by counters that follow on (IMG_0100.. and IMG_0103..)', () => {
    const [a, b] = pair(ANON, ANON, 100, 103, 40);
    const a1 = a.aeb(AEB_3);
    const b1 = b.aeb(AEB_3);
    const { groups } = groupBrackets(merged(a1, b1));
    expect(groups.map((g) => g.files)).toEqual([a1, b1].map(files));
  });

  it('tells them apart by counters that follow on, with whole-second times straddling a second', () => {
    const [a, b] = pair(ANON, ANON, 100, 103, 40);
    a.clock = 700;
    b.clock = 740;
    const a1 = a.aeb(AEB_3);
    const b1 = b.aeb(AEB_3);
    const all = wholeSeconds(merged(a1, b1));
    expect(new Set(all.map((s) => s.captureTime)).size).toBe(2);
    const { groups } = groupBrackets(all);
    expect(groups.map((g) => g.files)).toEqual([a1, b1].map(files));
  });

  it('tells them apart by the file name prefix (a custom prefix on one body)', () => {
    const [a, b] = pair(ANON, { ...ANON, prefix: 'JDO_' }, 100, 100);
    const a1 = a.aeb(AEB_3);
    const b1 = b.aeb(AEB_3);
    const { groups, ungrouped } = groupBrackets(merged(a1, b1));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([a1, b1].map(files));
  });

  it('tells them apart when the same counters sit in two folders (two cards copied side by side)', () => {
    const [a, b] = pair({ ...ANON, folder: 'anna' }, { ...ANON, folder: 'ben' }, 100, 100);
    const a1 = a.aeb(AEB_3);
    const b1 = b.aeb(AEB_3);
    const { groups } = groupBrackets(merged(a1, b1));
    expect(groups.map((g) => g.files)).toEqual([a1, b1].map(files));
  });

  it('tells them apart when their clocks differ by a few seconds', () => {
    const [a, b] = pair(ANON, ANON, 100, 533, 2_600);
    const a1 = a.aeb(AEB_3);
    const b1 = b.aeb(AEB_3);
    const { groups } = groupBrackets(merged(a1, b1));
    expect(groups.map((g) => g.files)).toEqual([a1, b1].map(files));
  });

  it.each([
    ['the lens model', { lensModel: 'RF24-70mm F2.8 L IS USM' }],
    ['the lens serial number', { lensSerial: '0000c1234' }],
    ['the owner name', { owner: 'Ben Doe' }],
    ['the artist', { artist: 'Ben Doe' }],
    ['the firmware version', { software: 'Firmware Version 1.8.1' }],
  ])('tells them apart by %s where the names do not (files renamed in time order)', (_what, tags) => {
    const [a, b] = pair({ ...ANON, lensSerial: '0000a9876', software: 'Firmware Version 1.9.0' } as Body, ANON, 1, 1);
    const a1 = a.aeb(AEB_3);
    const b1 = b.aeb(AEB_3, 1 / 125, 200, tags as Partial<ShotInfo>);
    // A renaming tool numbered the merged files in capture order: the names say nothing about the body.
    const all = [...a1, ...b1].sort((x, y) => x.captureTime! - y.captureTime!);
    all.forEach((s, i) => (s.file = `party/party-${String(i + 1).padStart(3, '0')}.jpg`));
    const { groups, ungrouped } = groupBrackets(all);
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([a1, b1].map(files));
  });

  it('says so, with a low confidence, when nothing in the files tells the two bodies apart', () => {
    const [a, b] = pair(ANON, ANON, 1, 1, 300);
    const a1 = a.aeb(AEB_3);
    const b1 = b.aeb(AEB_3);
    const all = [...a1, ...b1].sort((x, y) => x.captureTime! - y.captureTime!);
    all.forEach((s, i) => (s.file = `party/party-${String(i + 1).padStart(3, '0')}.jpg`));
    const { groups } = groupBrackets(all);
    for (const g of groups) {
      expect(g.reason).toMatch(/two (cameras|bodies)/);
      expect(g.confidence).toBeLessThan(0.5);
    }
  });

  it('does not suspect one body of being two: sets back to back, a 5-frame set then a 3-frame set, a set cut short, a test shot', () => {
    const cam = new Camera(ANON, 1);
    const shots = [
      cam.shoot({ exposureTime: 1 / 125, exposureMode: 0 }, 300),
      ...cam.aeb(AEB_3),
      ...cam.aeb(AEB_3, 1 / 60),
      ...cam.aeb(AEB_5, 1 / 250),
      ...cam.aeb(AEB_3),
      ...cam.aeb([0, -2]),
      ...cam.wait(4000).aeb([2, 0, -2]),
      ...cam.aeb([2, 0, -2]),
    ];
    for (const all of [shots, wholeSeconds(shots.map((s) => ({ ...s })))]) {
      const { groups } = groupBrackets(all);
      expect(groups).toHaveLength(7);
      for (const g of groups) expect(g.reason).not.toMatch(/two bodies/);
    }
  });

  it('keeps one body that skips counters (a frame deleted in camera) as one sequence', () => {
    const cam = new Camera(ANON, 100);
    const a1 = cam.aeb(AEB_3);
    const a2 = cam.wait(800).aeb(AEB_3);
    const kept = [...a1, ...a2].filter((s) => !s.file.includes('IMG_0104'));
    const { groups, ungrouped } = groupBrackets(kept);
    expect(groups.map((g) => g.files)).toEqual([files(a1), files([a2[0], a2[2]])]);
    expect(ungrouped).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { groupBrackets } from '../../../../src-shared/bracket/group';
import { AEB_3, Camera, D750, R5, files } from './shoot';

const isoOf = (base: number, stops: number): number => Math.round(base * 2 ** stops);

describe('groupBrackets: brackets made by ISO alone', () => {
  it('finds a tagged AEB that varies the ISO (manual exposure with auto ISO)', () => {
    const cam = new Camera(R5);
    const bracket = AEB_3.map((o) => cam.shoot({ exposureTime: 1 / 125, fNumber: 8, iso: isoOf(400, o), exposureBias: o, exposureMode: 2 }, 150));
    const { groups, ungrouped } = groupBrackets(bracket);
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([0, -2, 2]);
    expect(groups[0].reason).toMatch(/ISO/);
  });

  it('finds an auto-ISO compensation bracket (manual shutter and aperture, compensation dial)', () => {
    const cam = new Camera(R5);
    const bracket = [-2, 0, 2].map((o) => cam.shoot({ exposureTime: 1 / 250, fNumber: 5.6, iso: isoOf(800, o), exposureBias: o, exposureMode: 0 }, 900));
    const { groups } = groupBrackets(bracket);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([-2, 0, 2]);
  });

  it('finds an untagged manual ISO ladder', () => {
    const cam = new Camera(D750);
    const bracket = [100, 400, 1600].map((iso) => cam.shoot({ exposureTime: 1 / 60, fNumber: 8, iso, exposureMode: 1 }, 1500));
    const { groups } = groupBrackets(bracket);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([-2, 0, 2]);
    expect(groups[0].reason).toMatch(/ISO/);
  });
});

describe('groupBrackets: brackets made by aperture', () => {
  it('finds a manual aperture bracket and says the depth of field changes', () => {
    const cam = new Camera(D750);
    const bracket = [16, 8, 4].map((n) => cam.shoot({ exposureTime: 1 / 60, fNumber: n, iso: 100, exposureMode: 1 }, 1500));
    const { groups } = groupBrackets(bracket);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([-2, 0, 2]);
    expect(groups[0].reason).toMatch(/depth of field/);
    const shutter = groupBrackets(new Camera(D750).manual([-2, 0, 2], 1 / 60, 1500)).groups[0];
    expect(groups[0].confidence).toBeLessThan(shutter.confidence);
  });

  it('finds an AEB that varied the aperture (aperture-priority bodies set to bracket by aperture) and flags it', () => {
    const cam = new Camera(R5);
    const bracket = AEB_3.map((o) => cam.shoot({ exposureTime: 1 / 125, fNumber: [8, 16, 4][AEB_3.indexOf(o)], iso: 100, exposureBias: o, exposureMode: 2 }, 150));
    const { groups } = groupBrackets(bracket);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([0, -2, 2]);
    expect(groups[0].reason).toMatch(/depth of field/);
  });

  it('says nothing of depth of field when only the shutter speed varies', () => {
    const { groups } = groupBrackets(new Camera(R5).aeb(AEB_3));
    expect(groups[0].reason).not.toMatch(/depth of field|ISO/);
  });
});

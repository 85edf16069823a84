import { describe, expect, it } from 'vitest';
import { groupBrackets } from '../../../../src-shared/bracket/group';
import type { ShotInfo } from '../../../../src-shared/bracket/shot-info';
import { AEB_3, AEB_5, AEB_7, Camera, D750, R5, files } from './shoot';

/** A long event on two bodies: what each press should end up as is known while generating. */
function generateShoot(minFiles: number): { shots: ShotInfo[]; groups: string[][]; ungrouped: string[] } {
  const nikon = new Camera(D750, 1);
  const canon = new Camera(R5, 1);
  canon.clock = 777;
  const shots: ShotInfo[] = [];
  const groups: { files: string[]; time: number }[] = [];
  const ungrouped: string[] = [];
  const bracket = (s: ShotInfo[]) => {
    shots.push(...s);
    groups.push({ files: files(s), time: s[0].captureTime! });
  };
  const single = (s: ShotInfo[]) => {
    shots.push(...s);
    ungrouped.push(...files(s));
  };
  const bases = [1 / 30, 1 / 60, 1 / 125, 1 / 250];
  for (let scene = 0; shots.length < minFiles; scene++) {
    const base = bases[scene % bases.length];
    switch (scene % 5) {
      case 0:
        bracket(nikon.aeb(AEB_3, base));
        bracket(nikon.aeb(AEB_3, base));
        bracket(canon.aeb(AEB_5, base, 150));
        break;
      case 1:
        bracket(canon.aeb(AEB_7, base, 120));
        single(nikon.burst(6));
        break;
      case 2:
        bracket(nikon.manual([-2, -1, 0, 1, 2], base, 1600));
        single([canon.shoot({ exposureTime: base })]);
        break;
      case 3: {
        const raws = nikon.aeb(AEB_5, base);
        bracket(raws);
        // RAW+JPEG: the JPEGs must vanish
        shots.push(...raws.map((r) => ({ ...r, file: r.file.replace('.NEF', '.JPG') })));
        break;
      }
      default:
        single([nikon.shoot({ exposureTime: base })]);
        bracket(canon.aeb([-2, 0, 2], base));
        bracket(canon.aeb([-2, 0, 2], base));
    }
    nikon.wait(15_000 + (scene % 7) * 1000);
    canon.wait(21_000 + (scene % 3) * 1000);
  }
  groups.sort((a, b) => a.time - b.time);
  return { shots, groups: groups.map((g) => g.files), ungrouped };
}

describe('groupBrackets at scale', () => {
  it('groups 1,000+ files of a long two-body shoot correctly', () => {
    const { shots, groups, ungrouped } = generateShoot(1000);
    expect(shots.length).toBeGreaterThanOrEqual(1000);
    // scramble the input as a folder listing of several cards would
    const input = [...shots].sort((a, b) => (a.file.split('/').pop()! < b.file.split('/').pop()! ? -1 : 1));
    const t0 = performance.now();
    const result = groupBrackets(input);
    const ms = performance.now() - t0;
    console.log(`groupBrackets: ${input.length} files -> ${result.groups.length} groups, ${result.ungrouped.length} ungrouped in ${ms.toFixed(1)} ms`);
    expect(result.groups.map((g) => g.files)).toEqual(groups);
    expect([...result.ungrouped].sort()).toEqual([...ungrouped].sort());
  });

  it('stays linear-ish on 20,000 identical burst frames', () => {
    const cam = new Camera(D750);
    const burst = cam.burst(20_000, 1 / 1000, 50);
    const t0 = performance.now();
    const result = groupBrackets(burst);
    console.log(`groupBrackets: 20,000 burst frames in ${(performance.now() - t0).toFixed(1)} ms`);
    expect(result.groups).toEqual([]);
    expect(result.ungrouped).toHaveLength(20_000);
  });
});

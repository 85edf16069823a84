import { describe, expect, it } from 'vitest';
import { groupBrackets } from '../../../../src-shared/bracket/group';
import type { ShotInfo } from '../../../../src-shared/bracket/shot-info';
import { AEB_3, AEB_5, AEB_7, Camera, D750, R5, T0, bare, files, speed, shuffle } from './shoot';

describe('groupBrackets: auto exposure bracketing', () => {
  it('finds a 3-frame AEB (0,-2,+2) and explains it', () => {
    const cam = new Camera(D750);
    const bracket = cam.aeb(AEB_3);
    const { groups, ungrouped } = groupBrackets(bracket);
    expect(ungrouped).toEqual([]);
    expect(groups).toHaveLength(1);
    const [g] = groups;
    expect(g.files).toEqual(files(bracket));
    expect(g.exposureValues).toEqual([0, -2, 2]);
    expect(g.confidence).toBeGreaterThanOrEqual(0.9);
    expect(g.confidence).toBeLessThanOrEqual(1);
    expect(g.reason).toMatch(/^3 frames from NIKON D750 #3012345 within 0\.\d s, exposures 0\/-2\/\+2 EV, auto-bracket/);
  });

  it.each([
    ['5 frames, metered first', AEB_5],
    ['7 frames, metered first', AEB_7],
    ['9 frames, dark to bright', [-4, -3, -2, -1, 0, 1, 2, 3, 4]],
    ['3 frames, bright to dark', [2, 0, -2]],
    ['5 frames, 0,-,--,+,++ order', [0, -1, -2, 1, 2]],
    ['3 frames of 1/3 stop', [0, -1 / 3, 1 / 3]],
  ])('finds AEB of %s', (_label, offsets) => {
    const cam = new Camera(R5);
    const bracket = cam.aeb(offsets);
    const { groups, ungrouped } = groupBrackets(bracket);
    expect(ungrouped).toEqual([]);
    expect(groups).toHaveLength(1);
    expect(groups[0].files).toEqual(files(bracket));
    groups[0].exposureValues.forEach((ev, i) => expect(ev).toBeCloseTo(offsets[i], 2));
    expect(groups[0].confidence).toBeGreaterThanOrEqual(0.9);
    expect(groups[0].reason).toContain('Canon EOS R5 #082021001234');
  });

  it('splits back-to-back AEB sets shot 1 s apart (0,-2,+2,0,-2,+2)', () => {
    const cam = new Camera(D750);
    const first = cam.aeb(AEB_3);
    cam.wait(800);
    const second = cam.aeb(AEB_3);
    const { groups, ungrouped } = groupBrackets([...first, ...second]);
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([files(first), files(second)]);
  });

  it('splits back-to-back AEB sets by pattern alone when the drive never pauses', () => {
    const cam = new Camera(D750);
    const sets = [cam.aeb(AEB_3), cam.aeb(AEB_3), cam.aeb(AEB_3)];
    const { groups } = groupBrackets(sets.flat());
    expect(groups.map((g) => g.files)).toEqual(sets.map(files));
    expect(groups[0].reason).toContain('split from a neighbouring set by its exposure pattern');
  });

  it('splits back-to-back -,0,+ sets and 5-frame sets', () => {
    const cam = new Camera(R5);
    const a = cam.aeb([-2, 0, 2]);
    const b = cam.aeb([-2, 0, 2]);
    const c = cam.aeb(AEB_5);
    const d = cam.aeb(AEB_5);
    const { groups, ungrouped } = groupBrackets([...a, ...b, ...c, ...d]);
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([a, b, c, d].map(files));
  });

  it('splits back-to-back sets when the meter moved the base exposure between them', () => {
    const cam = new Camera(D750);
    const a = cam.aeb(AEB_3, 1 / 125);
    const b = cam.aeb(AEB_3, 1 / 250);
    const { groups } = groupBrackets([...a, ...b]);
    expect(groups.map((g) => g.files)).toEqual([files(a), files(b)]);
  });

  it('keeps a 9-frame set whole rather than cutting it into smaller classic sets', () => {
    const cam = new Camera(D750);
    const bracket = cam.aeb([-4, -3, -2, -1, 0, 1, 2, 3, 4], 1 / 125, 150);
    expect(groupBrackets(bracket).groups.map((g) => g.files)).toEqual([files(bracket)]);
  });
});

describe('groupBrackets: time', () => {
  it('splits sets separated by a pause, and leaves singles between brackets ungrouped', () => {
    const cam = new Camera(D750);
    const a = cam.aeb(AEB_3);
    cam.wait(20_000);
    const single1 = cam.shoot({ exposureTime: 1 / 60 });
    cam.wait(8_000);
    const single2 = cam.shoot({ exposureTime: 1 / 1000 });
    cam.wait(30_000);
    const b = cam.aeb(AEB_3, 1 / 30);
    cam.wait(5_000);
    const single3 = cam.shoot({ exposureTime: 1 / 30 });
    const { groups, ungrouped } = groupBrackets([...a, single1, single2, ...b, single3]);
    expect(groups.map((g) => g.files)).toEqual([files(a), files(b)]);
    expect(ungrouped).toEqual(files([single1, single2, single3]));
  });

  it('leaves a test shot taken just before a bracket out of it', () => {
    const cam = new Camera(D750);
    const test = cam.shoot({ exposureTime: 1 / 125, exposureMode: 0 }, 600);
    const bracket = cam.aeb(AEB_3);
    const { groups, ungrouped } = groupBrackets([test, ...bracket]);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(ungrouped).toEqual([test.file]);
  });

  it('splits at a gap much longer than the typical gap even when it is short in absolute terms', () => {
    // Two dark-to-bright sets 0.3 s between frames and 2.5 s between sets: by exposure alone
    // they would read as one 6-frame ladder (-3,-1,+1,+3,+5,+7).
    const cam = new Camera(D750);
    const a = cam.manual([-3, -1, 1], 1 / 125, 300);
    cam.wait(2_200);
    const b = cam.manual([3, 5, 7], 1 / 125, 300);
    const { groups } = groupBrackets([...a, ...b]);
    expect(groups.map((g) => g.files)).toEqual([files(a), files(b)]);
  });

  it('never joins frames more than a few seconds apart', () => {
    const cam = new Camera(D750);
    const shots = [-2, 0, 2].map((o) => cam.shoot({ exposureTime: 1 / 125 * 2 ** o, exposureMode: 1 }, 10_000));
    const { groups, ungrouped } = groupBrackets(shots);
    expect(groups).toEqual([]);
    expect(ungrouped).toEqual(files(shots));
  });

  it('allows for long exposures (and their dark frames) between frames', () => {
    const cam = new Camera(D750);
    const bracket = cam.manual([-2, 0, 2], 8, 0);
    // 2 s, 8 s, 30 s; each followed by a dark frame as long (long-exposure noise reduction) and a 1 s pause
    let t = T0;
    for (const s of bracket) {
      s.captureTime = t;
      t += s.exposureTime! * 2000 + 1000;
    }
    const { groups } = groupBrackets(bracket);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].exposureValues).toEqual([-2, 0, 2]);
  });

  it('orders files by capture time, not by name (counter rolled over)', () => {
    const cam = new Camera({ ...D750, folder: undefined }, 9998);
    const bracket = cam.aeb(AEB_3); // DSC_9998, DSC_9999, DSC_10000 -> name it DSC_0001
    bracket[2].file = 'DSC_0001.NEF';
    const { groups } = groupBrackets(shuffle(bracket));
    expect(groups[0].files).toEqual(['DSC_9998.NEF', 'DSC_9999.NEF', 'DSC_0001.NEF']);
    expect(groups[0].exposureValues).toEqual([0, -2, 2]);
  });

  it('handles whole-second timestamps (no SubSecTimeOriginal)', () => {
    const cam = new Camera(D750);
    const sets = [cam.aeb(AEB_3), cam.wait(400).aeb(AEB_3), cam.wait(400).aeb(AEB_3)];
    for (const s of sets.flat()) s.captureTime = Math.floor(s.captureTime! / 1000) * 1000;
    const { groups, ungrouped } = groupBrackets(shuffle(sets.flat(), 7));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual(sets.map(files));
    expect(groups[0].reason).toMatch(/within \d s/);
  });

  it('is the same whatever order the shots come in', () => {
    const cam = new Camera(D750);
    const shots = [...cam.aeb(AEB_5), ...cam.burst(4), ...cam.wait(9000).aeb(AEB_3), ...cam.aeb(AEB_3)];
    const a = groupBrackets(shots);
    const b = groupBrackets(shuffle(shots, 42));
    expect(b).toEqual(a);
    expect(a.groups).toHaveLength(3);
  });
});

describe('groupBrackets: bodies, lenses and sizes', () => {
  it('separates two bodies bracketing at the same time', () => {
    const nikon = new Camera(D750);
    const canon = new Camera(R5);
    canon.clock = 90; // interleaved presses
    const n1 = nikon.aeb(AEB_3);
    const c1 = canon.aeb(AEB_5);
    const n2 = nikon.aeb(AEB_3, 1 / 60);
    const c2 = canon.aeb(AEB_5, 1 / 60);
    const all = [...n1, ...c1, ...n2, ...c2].sort((a, b) => a.captureTime! - b.captureTime!);
    const { groups, ungrouped } = groupBrackets(all);
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([n1, c1, n2, c2].map(files));
  });

  it('separates two bodies of the same model by serial number', () => {
    const a = new Camera({ ...D750, folder: 'a' });
    const b = new Camera({ ...D750, folder: 'b', serial: '3099999' });
    b.clock = 50;
    const sa = a.aeb(AEB_3);
    const sb = b.aeb(AEB_3);
    const { groups } = groupBrackets([...sa, ...sb]);
    expect(groups.map((g) => g.files)).toEqual([files(sa), files(sb)]);
  });

  it('splits when focal length, lens or image size changes', () => {
    const cam = new Camera(D750);
    const a = cam.aeb([0, -1, 1]);
    const zoomed = cam.aeb([-2, 2], 1 / 125, 200, { focalLength: 70 });
    const lens = cam.aeb([-3, 3], 1 / 125, 200, { lensModel: '50.0 mm f/1.8' });
    const cropped = cam.aeb([-4, 4], 1 / 125, 200, { width: 3936, height: 2624 });
    const { groups } = groupBrackets([...a, ...zoomed, ...lens, ...cropped]);
    expect(groups.map((g) => g.files)).toEqual([a, zoomed, lens, cropped].map(files));
  });
});

describe('groupBrackets: what is not a bracket', () => {
  it('leaves a burst of identical exposures ungrouped', () => {
    const cam = new Camera(D750);
    const burst = cam.burst(12);
    const { groups, ungrouped } = groupBrackets(burst);
    expect(groups).toEqual([]);
    expect(ungrouped).toEqual(files(burst));
  });

  it('leaves single frames ungrouped', () => {
    const cam = new Camera(D750);
    expect(groupBrackets([cam.shoot({ exposureTime: 1 / 100 })])).toEqual({ groups: [], ungrouped: ['shoot/DSC_0001.NEF'], companions: [] });
    expect(groupBrackets([])).toEqual({ groups: [], ungrouped: [], companions: [] });
  });

  it('does not take metering changes in auto exposure for a bracket', () => {
    // Walking around in program mode: exposures change with the scene, compensation stays 0.
    const cam = new Camera(D750);
    const walk = [1 / 250, 1 / 60, 1 / 1000, 1 / 125, 1 / 30].map((t) => cam.shoot({ exposureTime: t, exposureMode: 0 }, 1500));
    const { groups, ungrouped } = groupBrackets(walk);
    expect(groups).toEqual([]);
    expect(ungrouped).toEqual(files(walk));
  });

  it('accepts an untagged whole-stop ladder shot in one quick sequence, with lower confidence', () => {
    // Some bodies bracket without writing ExposureMode 2 or a bias.
    const cam = new Camera(D750);
    const bracket = [0, -2, 2].map((o) => cam.shoot({ exposureTime: speed(1 / 125, o), exposureMode: 0, exposureBias: 0 }, 200));
    const { groups } = groupBrackets(bracket);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(groups[0].confidence).toBeLessThan(0.8);
    expect(groups[0].reason).toContain('no bracketing tag');
  });

  it('leaves files without any EXIF ungrouped', () => {
    const shots = ['street/a.png', 'street/b.png', 'street/c.png'].map((f) => bare(f));
    expect(groupBrackets(shots)).toEqual({ groups: [], ungrouped: files(shots), companions: [] });
  });

  it('drops repeated paths', () => {
    const cam = new Camera(D750);
    const bracket = cam.aeb(AEB_3);
    const { groups, ungrouped } = groupBrackets([...bracket, ...bracket]);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(ungrouped).toEqual([]);
  });
});

describe('groupBrackets: manual and compensation brackets', () => {
  it('finds a manual bracket without ExposureMode (dark to bright, dial turned between frames)', () => {
    const cam = new Camera(D750);
    const bracket = cam.manual([-2, -1, 0, 1, 2], 1 / 60, 1800, { exposureMode: undefined, exposureBias: undefined });
    const { groups, ungrouped } = groupBrackets(bracket);
    expect(ungrouped).toEqual([]);
    expect(groups).toHaveLength(1);
    expect(groups[0].exposureValues).toEqual([-2, -1, 0, 1, 2]);
    expect(groups[0].reason).toContain('manual bracket, dark to bright');
    expect(groups[0].confidence).toBeGreaterThan(0.6);
    expect(groups[0].confidence).toBeLessThan(0.9);
  });

  it('finds a manual bracket by aperture and ISO as well as time', () => {
    const cam = new Camera(D750);
    const shots = [
      cam.shoot({ exposureTime: 1 / 125, fNumber: 8, iso: 100, exposureMode: 1 }, 1000),
      cam.shoot({ exposureTime: 1 / 125, fNumber: 4, iso: 100, exposureMode: 1 }, 1000),
      cam.shoot({ exposureTime: 1 / 125, fNumber: 4, iso: 400, exposureMode: 1 }, 1000),
    ];
    expect(groupBrackets(shots).groups[0].exposureValues).toEqual([-2, 0, 2]);
  });

  it('finds a bracket made with the exposure compensation dial in aperture priority', () => {
    const cam = new Camera(R5);
    const bracket = [-2, 0, 2].map((b) => cam.shoot({ exposureTime: 1 / 125 * 2 ** b, exposureBias: b, exposureMode: 0 }, 1200));
    const { groups } = groupBrackets(bracket);
    expect(groups).toHaveLength(1);
    expect(groups[0].reason).toContain('exposure compensation bracket');
  });

  it('ranks a manual 2-frame pair below a tagged AEB', () => {
    const cam = new Camera(D750);
    const pair = cam.manual([0, -3]);
    cam.wait(60_000);
    const aeb = cam.aeb(AEB_3);
    const { groups } = groupBrackets([...pair, ...aeb]);
    expect(groups.map((g) => g.files)).toEqual([files(pair), files(aeb)]);
    expect(groups[0].confidence).toBeLessThan(groups[1].confidence);
    expect(groups[0].exposureValues).toEqual([0, -3]);
  });

  it('uses the exposure bias when a file has no exposure time', () => {
    const shots: ShotInfo[] = [0, -1, 1].map((b, i) => ({
      file: `x/${i}.jpg`,
      exposureBias: b,
      exposureMode: 2,
      captureTime: T0 + i * 300,
      make: 'Apple',
      model: 'iPhone 15',
    }));
    const { groups } = groupBrackets(shots);
    expect(groups[0].exposureValues).toEqual([0, -1, 1]);
    expect(groups[0].reason).toContain('(exposure bias)');
  });
});

describe('groupBrackets: files without capture times', () => {
  const noTime = (s: ShotInfo): ShotInfo => ({ ...s, captureTime: undefined });

  it('groups by name order when the exposures form a ladder, with lower confidence', () => {
    const cam = new Camera(D750);
    const a = cam.aeb(AEB_3).map(noTime);
    const b = cam.aeb([-2, 0, 2], 1 / 30).map(noTime);
    const { groups, ungrouped } = groupBrackets(shuffle([...a, ...b]));
    expect(ungrouped).toEqual([]);
    expect(groups.map((g) => g.files)).toEqual([files(a), files(b)]);
    expect(groups[0].reason).toContain('no capture times, consecutive by file name');
    expect(groups[0].confidence).toBeLessThan(0.7);
  });

  it('leaves them ungrouped when the exposures form no pattern', () => {
    const cam = new Camera({ ...D750 });
    const shots = [1 / 125, 1 / 2000, 1 / 160, 1 / 15].map((t) => noTime(cam.shoot({ exposureTime: t, exposureMode: 1 })));
    const pair = [1 / 125, 1 / 30].map((t) => noTime(cam.shoot({ exposureTime: t, exposureMode: 1 })));
    const { groups, ungrouped } = groupBrackets([...shots, ...pair]);
    expect(groups).toEqual([]);
    expect(ungrouped).toHaveLength(6);
  });

  it('does not join files across folders', () => {
    const shots = [-2, 0, 2].map((o, i) => ({ file: `${'abc'[i]}/DSC_0001.NEF`, exposureTime: 2 ** o / 125, exposureMode: 1 }));
    expect(groupBrackets(shots).groups).toEqual([]);
  });
});

describe('groupBrackets: RAW+JPEG pairs', () => {
  function rawPlusJpeg(cam: Camera, raws: ShotInfo[]): ShotInfo[] {
    return raws.map((r) => ({ ...r, file: r.file.replace(/\.NEF$/, '.JPG'), width: 6016, height: 4016 }));
  }

  it('treats a JPEG beside its RAW as the same shot and keeps the RAW', () => {
    const cam = new Camera(D750);
    const raws = cam.aeb(AEB_3);
    const jpegs = rawPlusJpeg(cam, raws);
    const all = [jpegs[0], raws[0], jpegs[1], raws[1], raws[2], jpegs[2]];
    const { groups, ungrouped } = groupBrackets(all);
    expect(groups.map((g) => g.files)).toEqual([files(raws)]);
    expect(ungrouped).toEqual([]);
    expect(groups[0].reason).toContain('3 same-shot copies (e.g. JPEG beside RAW) left out');
  });

  it('keeps a lone single RAW+JPEG pair out of the ungrouped list twice', () => {
    const cam = new Camera(D750);
    const raw = cam.shoot({ exposureTime: 1 / 200 });
    const jpeg = { ...raw, file: 'shoot/DSC_0001.jpg', captureTime: raw.captureTime! + 40 };
    expect(groupBrackets([jpeg, raw])).toEqual({ groups: [], ungrouped: [raw.file], companions: [{ file: jpeg.file, of: raw.file }] });
  });

  it('prefers TIFF over JPEG, and any RAW over TIFF', () => {
    const base: ShotInfo = { file: '', exposureTime: 1 / 125, captureTime: T0, make: 'X', model: 'Y' };
    const tif = { ...base, file: 'e/IMG_1.tif' };
    const jpg = { ...base, file: 'e/IMG_1.jpeg' };
    expect(groupBrackets([jpg, tif]).ungrouped).toEqual(['e/IMG_1.tif']);
    const dng = { ...base, file: 'e/IMG_1.DNG' };
    expect(groupBrackets([jpg, tif, dng]).ungrouped).toEqual(['e/IMG_1.DNG']);
  });

  it('fills a RAW without readable EXIF from its JPEG', () => {
    const cam = new Camera(R5);
    const jpegs = cam.aeb(AEB_3).map((s) => ({ ...s, file: s.file.replace('.CR3', '.JPG') }));
    const raws = jpegs.map((j) => ({ file: j.file.replace('.JPG', '.CR3') }));
    const { groups } = groupBrackets([...raws, ...jpegs]);
    expect(groups.map((g) => g.files)).toEqual([files(raws)]);
    expect(groups[0].exposureValues).toEqual([0, -2, 2]);
  });

  it('keeps files that share a name but not a capture time apart', () => {
    const a: ShotInfo = { file: 'p/IMG_0001.JPG', exposureTime: 1 / 125, captureTime: T0, make: 'X', model: 'Y' };
    const b: ShotInfo = { ...a, file: 'p/IMG_0001.CR2', captureTime: T0 + 86_400_000 };
    expect(groupBrackets([a, b]).ungrouped).toEqual(['p/IMG_0001.CR2', 'p/IMG_0001.JPG']);
  });
});

describe('groupBrackets: a day of shooting', () => {
  it('sorts out a realistic card: two bodies, RAW+JPEG, AEB 3/5/7, manual sets, bursts and singles', () => {
    const nikon = new Camera(D750, 100);
    const canon = new Camera({ ...R5, folder: 'shoot' }, 5000);
    canon.clock = 1_234;
    const expected: string[][] = [];
    const expectedUngrouped: string[] = [];
    const shots: ShotInfo[] = [];
    const add = (s: ShotInfo[], group: boolean) => {
      shots.push(...s);
      if (group) expected.push(files(s));
      else expectedUngrouped.push(...files(s));
    };
    for (let scene = 0; scene < 6; scene++) {
      add(nikon.aeb(scene % 2 ? AEB_5 : AEB_3, 1 / 60), true);
      add(nikon.aeb(AEB_3, 1 / 250), true);
      add([nikon.wait(12_000).shoot({ exposureTime: 1 / 500 })], false);
      add(canon.aeb(AEB_7, 1 / 125, 120), true);
      add(canon.wait(6_000).burst(5), false);
      nikon.wait(40_000);
      add(nikon.manual([-3, -1.5, 0, 1.5, 3], 1 / 125, 2000), true);
      canon.wait(70_000);
      nikon.wait(30_000);
    }
    const jpegs = shots.filter((s) => s.file.endsWith('.NEF')).map((s) => ({ ...s, file: s.file.replace('.NEF', '.JPG') }));
    const { groups, ungrouped } = groupBrackets(shuffle([...shots, ...jpegs], 3));
    const byTime = (a: string[], b: string[]) => {
      const t = (f: string) => shots.find((s) => s.file === f)!.captureTime!;
      return t(a[0]) - t(b[0]);
    };
    expect(groups.map((g) => g.files)).toEqual(expected.sort(byTime));
    expect(ungrouped.sort()).toEqual(expectedUngrouped.sort());
    for (const g of groups) {
      expect(g.confidence).toBeGreaterThan(0.5);
      expect(g.exposureValues).toContain(0);
    }
  });
});

describe('groupBrackets: what a card dump holds besides brackets', () => {
  it('takes no auto-ISO steps of a third of a stop for brackets (a burst in manual mode)', () => {
    // Manual 1/2000 f/5.6 with auto ISO at 10 fps: the ISO walks by thirds of a stop with the scene.
    const cam = new Camera(R5);
    const burst = [1600, 1600, 2000, 2500, 2000, 1600, 1250, 1250, 1600, 2000].map((iso) =>
      cam.shoot({ exposureTime: 1 / 2000, fNumber: 5.6, iso, exposureMode: 1 }, 100),
    );
    const { groups, ungrouped } = groupBrackets(burst);
    expect(groups).toEqual([]);
    expect(ungrouped).toEqual(files(burst));
  });

  it('takes no pair a third of a stop apart for a bracket (a timelapse, a re-shot, a compensation nudge)', () => {
    const cam = new Camera(D750);
    const timelapse = [100, 100, 100, 125, 125, 125, 160, 160, 160].map((iso) => cam.shoot({ exposureTime: 1 / 50, iso, exposureMode: 1 }, 3000));
    const reshot = [cam.wait(60_000).shoot({ exposureTime: 1 / 125, exposureMode: 1 }, 2000), cam.shoot({ exposureTime: 1 / 100, exposureMode: 1 })];
    const nudged = [0, -1 / 3].map((b) => cam.wait(60_000).shoot({ exposureTime: speed(1 / 125, b), exposureBias: b, exposureMode: 0 }, 2000));
    const { groups } = groupBrackets([...timelapse, ...reshot, ...nudged]);
    expect(groups).toEqual([]);
  });

  it('still finds a manual bracket of 2/3-stop steps', () => {
    const cam = new Camera(D750);
    const bracket = cam.manual([-2 / 3, 0, 2 / 3], 1 / 125, 1200);
    expect(groupBrackets(bracket).groups.map((g) => g.files)).toEqual([files(bracket)]);
  });

  it('keeps an AEB whole when the camera ran out of shutter speeds (two frames at 1/8000)', () => {
    const cam = new Camera(R5);
    const bracket = [0, -2, 2, -4, 4].map((o) => cam.shoot({ exposureTime: o < -2 ? 1 / 8000 : speed(1 / 2000, o), exposureBias: o, exposureMode: 2 }, 100));
    expect(bracket[1].exposureTime).toBe(bracket[3].exposureTime);
    const { groups, ungrouped } = groupBrackets(bracket);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(ungrouped).toEqual([]);
    expect(groups[0].exposureValues).toEqual([0, -2, 2, -2, 4]);
    expect(groups[0].reason).toContain("1 frame repeats another's exposure");
  });

  it('keeps a night AEB whole through long-exposure noise reduction (a dark frame after each long one)', () => {
    // 2 s, 0.5 s, 8 s, 1/8 s, 30 s; the body records a dark frame as long as each exposure of 1 s or more.
    const cam = new Camera(D750);
    const offsets = [0, -2, 2, -4, 4];
    const bracket = offsets.map((o) => cam.shoot({ exposureTime: speed(2, o), exposureBias: o, exposureMode: 2 }, 300));
    let t = T0;
    for (const s of bracket) {
      s.captureTime = t;
      t += s.exposureTime! * 1000 * (s.exposureTime! >= 1 ? 2 : 1) + 300;
    }
    const { groups } = groupBrackets(bracket);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
  });

  it('finds a manual bracket shot at its own pace right after a fast burst', () => {
    const cam = new Camera(R5);
    const burst = cam.burst(10, 1 / 1000, 100);
    cam.wait(2_400);
    const bracket = cam.manual([0, 2, -2], 1 / 125, 2000);
    const { groups, ungrouped } = groupBrackets([...burst, ...bracket]);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(ungrouped).toEqual(files(burst));
  });

  it('keeps a tagged AEB whole when the photographer waited between presses (single-shot drive)', () => {
    const cam = new Camera(R5);
    const bracket = [cam.shoot({ exposureTime: 1 / 125, exposureBias: 0, exposureMode: 2 }, 1000), cam.shoot({ exposureTime: 1 / 500, exposureBias: -2, exposureMode: 2 }, 6000), cam.shoot({ exposureTime: 1 / 30, exposureBias: 2, exposureMode: 2 })];
    expect(groupBrackets(bracket).groups.map((g) => g.files)).toEqual([files(bracket)]);
    // Untagged frames further apart than a self-timer's pace stay apart.
    const manual = new Camera(D750).manual([0, -2, 2], 1 / 125, 9000);
    expect(groupBrackets(manual).groups).toEqual([]);
  });

  it('finds a manual bracket shot on a 2 s self-timer (4-5 s between frames), but no slow pair or uneven walk', () => {
    const cam = new Camera(D750);
    const timer = cam.manual([-2, -1, 0, 1, 2], 1 / 60, 4500);
    cam.wait(60_000);
    const centre = cam.manual([0, -2, 2], 1 / 125, 5000);
    cam.wait(60_000);
    // The same pace between two subjects: a pair, then three frames stepping unevenly (0, +1, +3).
    const pair = cam.manual([0, -1], 1 / 250, 5000);
    cam.wait(60_000);
    const walk = cam.manual([0, 1, 3], 1 / 250, 5000);
    const { groups, ungrouped } = groupBrackets([...timer, ...centre, ...pair, ...walk]);
    expect(groups.map((g) => g.files)).toEqual([files(timer), files(centre)]);
    expect(groups[0].exposureValues).toEqual([-2, -1, 0, 1, 2]);
    expect(ungrouped).toEqual(files([...pair, ...walk]));
  });

  it('takes no flash/no-flash pair for a bracket, and keeps brackets whose frames agree on the flash', () => {
    const cam = new Camera(D750);
    const pair = [cam.shoot({ exposureTime: 1 / 15, exposureMode: 1, flashFired: false }, 1500), cam.shoot({ exposureTime: 1 / 200, exposureMode: 1, flashFired: true })];
    expect(groupBrackets(pair).groups).toEqual([]);
    const bracket = cam.wait(60_000).aeb(AEB_3, 1 / 125, 200, { flashFired: false });
    expect(groupBrackets(bracket).groups.map((g) => g.files)).toEqual([files(bracket)]);
  });

  it('sets copies of a file aside instead of splitting its bracket ("IMG_0001 - Copy.JPG")', () => {
    const cam = new Camera({ ...R5, ext: 'JPG' });
    const bracket = cam.aeb(AEB_3);
    const copies = bracket.map((s) => ({ ...s, file: s.file.replace('.JPG', ' - Copy.JPG') }));
    const { groups, ungrouped } = groupBrackets([...copies, ...bracket]);
    expect(groups.map((g) => g.files)).toEqual([files(bracket)]);
    expect(ungrouped).toEqual(files(copies).sort());
    // One name in two folders (a card imported twice) is a copy too.
    const twice = bracket.map((s) => ({ ...s, file: s.file.replace('shoot/', 'shoot-again/') }));
    expect(groupBrackets([...bracket, ...twice]).groups.map((g) => g.files)).toEqual([files(bracket)]);
  });

  it('keeps two fast bracket sets within one whole second apart, not taken for copies of each other', () => {
    const cam = new Camera(R5);
    const sets = [cam.aeb(AEB_3, 1 / 125, 100), cam.aeb(AEB_3, 1 / 125, 100)];
    for (const s of sets.flat()) s.captureTime = T0; // no sub-seconds: one timestamp for all six
    const { groups, ungrouped } = groupBrackets(sets.flat());
    expect(groups.map((g) => g.files)).toEqual(sets.map(files));
    expect(ungrouped).toEqual([]);
  });
});

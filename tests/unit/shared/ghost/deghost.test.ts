/**
 * Deghosting in the merge: off by default (byte for byte the merge it was), and when on, every merge
 * method ends closer to the motion-free truth; the reference frame is never touched.
 */
import { describe, expect, it } from 'vitest';
import { DeghostUndoError, deghostBracket, type TileSpill, featherMask, planWithoutGhosts, UNDO_TILE } from '../../../../src-shared/ghost/deghost';
import { bracketAroundMedian, renderDynamicBracket } from '../../../../src-shared/ghost/dynamic-bracket';
import type { Rgba8Image } from '../../../../src-shared/image/linear-image';
import { shareFrameSamples } from '../../../../src-shared/image/samples';
import { psnr } from '../../../../src-shared/metrics/psnr';
import { mergeBracket, prepareMerge, type MergeOutcome } from '../../../../src-shared/pipeline/merge-bracket';
import { DEFAULT_RADIANCE_TONE, renderOutcome } from '../../../../src-shared/pipeline/render-display';
import { autoKey } from '../../../../src-shared/tonemap/global';
import { radianceField } from '../merge/synthetic-bracket';
import { blockIndex, expandPlane, fullPlane, nearestIndex, scaledPlane } from '../../../../src-shared/image/scaled-plane';
import { dilate } from '../../../../src-shared/ghost/morphology';
import { boxFilter, createBoxScratch } from '../../../../src-shared/filters/box-filter';

const radiance = radianceField(200, 150, 8, 11);
const bracket = renderDynamicBracket(radiance, { evs: bracketAroundMedian(radiance, 3, 2), seed: 11, objects: 3, flickers: 1 });
const { frames, staticFrames, reference } = bracket;
const display = (o: MergeOutcome): Rgba8Image => renderOutcome(o, DEFAULT_RADIANCE_TONE);
const score = (a: Rgba8Image, b: Rgba8Image): number => psnr(a, b);

describe('deghosting', () => {
  it('changes nothing when off: the same bytes as a merge without the option, and no ghost report', () => {
    for (const method of ['mertens', 'radiance'] as const) {
      const plain = mergeBracket(frames, method);
      const off = mergeBracket(frames, method, { deghost: { mode: 'off' } });
      expect('ghost' in plain).toBe(false);
      expect('ghost' in off).toBe(false);
      const image = (o: MergeOutcome) => (method === 'mertens' ? o.fused! : o.radiance!).data;
      expect(Buffer.from(image(off).buffer).equals(Buffer.from(image(plain).buffer))).toBe(true);
    }
  });

  it('brings the radiance merge (tone mapped) and Mertens closer to the motion-free truth', () => {
    const deghost = { mode: 'auto' as const, reference };
    const truth = display({ method: 'radiance', width: 200, height: 150, fused: null, radiance: bracket.staticRadiance, plan: null, key: autoKey(bracket.staticRadiance) });
    const plain = score(display(mergeBracket(frames, 'radiance')), truth);
    const deghosted = mergeBracket(frames, 'radiance', { deghost });
    const still = score(display(mergeBracket(staticFrames, 'radiance')), truth);
    expect(deghosted.ghost?.reference).toBe(reference);
    expect(deghosted.ghost!.area).toBeGreaterThan(0.02);
    // Most of the way from the plain merge to the merge of the same scene without motion (the rest is
    // what only the reference shows: where it clips, the other frames' view of the scene is gone).
    expect(score(display(deghosted), truth) - plain).toBeGreaterThan(0.75 * (still - plain));
    const fusedTruth = display(mergeBracket(staticFrames, 'mertens'));
    const fusedPlain = score(display(mergeBracket(frames, 'mertens')), fusedTruth);
    expect(score(display(mergeBracket(frames, 'mertens', { deghost })), fusedTruth)).toBeGreaterThan(fusedPlain + 3);
  });

  it('never changes the reference frame, nor a frame nothing moved in', () => {
    const result = deghostBracket(frames, { mode: 'auto', reference });
    expect(result.frames[reference]).toBe(frames[reference]);
    const still = deghostBracket(staticFrames, { mode: 'auto', reference });
    still.frames.forEach((f, i) => expect(f).toBe(staticFrames[i]));
    expect(() => deghostBracket(frames, { mode: 'auto', reference: 3 })).toThrow(RangeError);
  });

  it('in place, writes the same samples into the given frames, holding no copy; otherwise leaves them untouched', () => {
    const copied = deghostBracket(frames, { mode: 'auto', reference });
    const replaced = copied.frames.map((f, i) => f !== frames[i]);
    expect(replaced.filter(Boolean).length).toBeGreaterThan(0);
    const own = frames.map((f) => ({ ...f, data: f.data.slice() }));
    const before = own.map((f) => f.data.slice());
    const inPlace = deghostBracket(own, { mode: 'auto', reference, inPlace: true });
    inPlace.frames.forEach((f, i) => {
      expect(f.data).toBe(own[i].data);
      expect(Buffer.from(f.data.buffer).equals(Buffer.from(copied.frames[i].data.buffer))).toBe(true);
      // Only the frames deghosting replaced were written.
      expect(Buffer.from(own[i].data.buffer).equals(Buffer.from(before[i].buffer))).toBe(!replaced[i]);
    });
    frames.forEach((f, i) => expect(Buffer.from(f.data.buffer).equals(Buffer.from(before[i].buffer))).toBe(true));
  });

  it('in place and undoable, writes the same samples, saves only the tiles it changed, and restore puts back every sample', () => {
    const copied = deghostBracket(frames, { mode: 'auto', reference });
    const own = frames.map((f) => ({ ...f, data: f.data.slice() }));
    const before = own.map((f) => f.data.slice());
    const undoable = deghostBracket(own, { mode: 'auto', reference, inPlace: 'undoable' });
    const replacedCount = copied.frames.filter((f, i) => f !== frames[i]).length;
    undoable.frames.forEach((f, i) => {
      expect(f.data).toBe(own[i].data);
      expect(Buffer.from(f.data.buffer).equals(Buffer.from(copied.frames[i].data.buffer))).toBe(true);
    });
    // What it kept: the tiles (UNDO_TILE a side; the frame's last ones narrower) with a changed sample, of the replaced frames only.
    let changed = 0;
    own.forEach((f, i) => {
      for (let y0 = 0; y0 < 150; y0 += UNDO_TILE) {
        for (let x0 = 0; x0 < 200; x0 += UNDO_TILE) {
          let differs = false;
          for (let y = y0; y < Math.min(150, y0 + UNDO_TILE); y++) {
            for (let k = (y * 200 + x0) * 3; k < (y * 200 + Math.min(200, x0 + UNDO_TILE)) * 3; k++) differs ||= f.data[k] !== before[i][k];
          }
          if (differs) changed += (Math.min(150, y0 + UNDO_TILE) - y0) * (Math.min(200, x0 + UNDO_TILE) - x0) * 3 * 4;
        }
      }
    });
    expect(changed).toBeGreaterThan(0);
    // Every tile that changed is kept, and fewer than all the replaced frames' (where a copy would have been made).
    expect(undoable.savedBytes).toBeGreaterThanOrEqual(changed);
    expect(undoable.savedBytes).toBeLessThan(replacedCount * 200 * 150 * 3 * 4);
    undoable.restore!();
    own.forEach((f, i) => expect(Buffer.from(f.data.buffer).equals(Buffer.from(before[i].buffer))).toBe(true));
    // Once only: a second restore does not write the saved bands over later samples.
    own[0].data.fill(0.5);
    undoable.restore!();
    expect(own[0].data.every((v) => v === 0.5)).toBe(true);
    // A plan that fails (exposure times that do not fit) after deghosting in place leaves the frames as they were.
    const again = own.map((f, i) => ({ ...f, data: before[i].slice() }));
    expect(() => prepareMerge(again, 'radiance', { exposureTimes: [1 / 60], deghost: { mode: 'auto', reference, inPlace: 'undoable' } })).toThrow(/1 exposure times given for 3 frames/);
    again.forEach((f, i) => expect(Buffer.from(f.data.buffer).equals(Buffer.from(before[i].buffer))).toBe(true));
  });

  it('undoable with a spill keeps the tiles there, the rest in memory from a write it refuses, and names the frames whose tiles cannot be read back', () => {
    const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    const copied = deghostBracket(frames, { mode: 'auto', reference });
    const before = frames.map((f) => f.data.slice());
    const own = () => frames.map((f, i) => ({ ...f, data: before[i].slice() }));
    /** A spill in memory: refuses writes from the `full`-th on, fails reads when told. */
    const spillOf = (full = Infinity) => {
      const kept: Float32Array[] = [];
      let failRead = false;
      const spill: TileSpill = {
        write: (data) => {
          if (kept.length >= full) throw new Error('ENOSPC: no space left on device, write');
          return kept.push(data.slice()) - 1;
        },
        read: (handle, into) => {
          if (failRead) throw new Error('EIO: i/o error, read');
          into.set(kept[handle]);
        },
      };
      return { spill, kept, failReads: () => (failRead = true) };
    };
    // All in the spill: nothing kept in memory, the same samples written, all put back.
    const all = spillOf();
    const a = own();
    const spilled = deghostBracket(a, { mode: 'auto', reference, inPlace: 'undoable', spill: all.spill });
    a.forEach((f, i) => expect(same(f.data, copied.frames[i].data)).toBe(true));
    expect(all.kept.length).toBeGreaterThan(2);
    expect(spilled.savedBytes).toBe(0);
    expect(spilled.spilledBytes).toBe(all.kept.reduce((n, t) => n + t.byteLength, 0));
    expect(spilled.spillFailure).toBeUndefined();
    spilled.restore!();
    a.forEach((f, i) => expect(same(f.data, before[i])).toBe(true));
    // A full disk after two tiles: those two in the spill, the rest in memory, and why; all put back.
    const full = spillOf(2);
    const b = own();
    const part = deghostBracket(b, { mode: 'auto', reference, inPlace: 'undoable', spill: full.spill });
    expect(full.kept.length).toBe(2);
    expect(part.spilledBytes).toBe(full.kept[0].byteLength + full.kept[1].byteLength);
    expect(part.savedBytes! + part.spilledBytes!).toBe(spilled.spilledBytes);
    expect(String(part.spillFailure)).toMatch(/ENOSPC/);
    part.restore!();
    b.forEach((f, i) => expect(same(f.data, before[i])).toBe(true));
    // Reads that fail: every tile kept in memory is still put back, and the error names the frames left deghosted.
    const lost = spillOf(2);
    const c = own();
    const broken = deghostBracket(c, { mode: 'auto', reference, inPlace: 'undoable', spill: lost.spill });
    lost.failReads();
    let thrown: unknown;
    try {
      broken.restore!();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DeghostUndoError);
    expect((thrown as Error).message).toMatch(/could not be read back from the temporary file \(EIO: i\/o error, read\)/);
    const named = (thrown as DeghostUndoError).frames;
    expect(named.length).toBeGreaterThan(0);
    c.forEach((f, i) => {
      if (!named.includes(f)) expect(same(f.data, before[i])).toBe(true);
    });
    // The two spilled tiles were the first frame's replaced: it alone is named, the others were put back whole.
    expect(named).toEqual([c[copied.frames.findIndex((f, i) => f !== frames[i])]]);
  });

  it("puts a replaced frame where frames live: shared memory where this thread's workers read them (their fusion's two threads)", () => {
    shareFrameSamples(true);
    try {
      const result = deghostBracket(frames, { mode: 'auto', reference });
      const replaced = result.frames.filter((f, i) => f !== frames[i]);
      expect(replaced.length).toBeGreaterThan(0);
      for (const f of replaced) expect(f.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    } finally {
      shareFrameSamples(false);
    }
  });

  it('feathers a mask kept at a working size exactly as its full-size mask dilated and box-filtered twice', () => {
    // The literal definition: the full-size mask, dilated by twice the box radius, then two box filters.
    const literal = (full: Uint8Array, w: number, h: number, feather: number): Float32Array => {
      const r = Math.max(1, Math.round(feather / 4));
      const soft = new Float32Array(dilate(full, w, h, 2 * r));
      const scratch = createBoxScratch(w, h);
      boxFilter(soft, w, h, r, soft, scratch);
      boxFilter(soft, w, h, r, soft, scratch);
      return soft;
    };
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const [ww, wh, w, h, map, feather] of [
      [13, 9, 61, 40, 'nearest', 8],
      [20, 11, 83, 47, 'blocks', 5],
      [30, 30, 30, 30, 'nearest', 12],
      [7, 40, 29, 163, 'nearest', 40],
      [9, 6, 9, 6, 'nearest', 100],
    ] as const) {
      const data = Uint8Array.from({ length: ww * wh }, () => (random() < 0.15 ? 1 : 0));
      const factor = Math.floor(w / ww);
      const plane =
        map === 'nearest'
          ? scaledPlane(data, ww, wh, nearestIndex(ww, w), nearestIndex(wh, h))
          : scaledPlane(data, ww, wh, blockIndex(ww, w, factor), blockIndex(wh, h, factor));
      const soft = featherMask(plane, feather);
      expect(Buffer.from(soft.buffer).equals(Buffer.from(literal(expandPlane(plane), w, h, feather).buffer))).toBe(true);
    }
  });

  it('feathers a mask into weights that are 1 on it and fall to 0 within the feather', () => {
    const w = 40;
    const mask = new Uint8Array(w * w);
    for (let y = 15; y < 25; y++) for (let x = 15; x < 25; x++) mask[y * w + x] = 1;
    const soft = featherMask(fullPlane(mask, w, w), 8);
    for (let p = 0; p < mask.length; p++) {
      if (mask[p]) expect(soft[p]).toBeCloseTo(1, 5);
      expect(soft[p]).toBeGreaterThanOrEqual(0);
      expect(soft[p]).toBeLessThanOrEqual(1 + 1e-6);
    }
    expect(soft[20 * w + 27]).toBeGreaterThan(0);
    expect(soft[20 * w + 34]).toBe(0);
  });

  it('plans exposures without the ghosts and leaves the frames as they were', () => {
    const copies = frames.map((f) => Float32Array.from(f.data));
    const result = deghostBracket(frames, { mode: 'auto', reference });
    // It replaced something, in copies.
    expect(result.summary.area).toBeGreaterThan(0);
    const plan = planWithoutGhosts(frames, {});
    frames.forEach((f, i) => expect(Buffer.from(f.data.buffer).equals(Buffer.from(copies[i].buffer))).toBe(true));
    const truth = bracketAroundMedian(radiance, 3, 2).map((e) => e - bracketAroundMedian(radiance, 3, 2)[1]);
    plan.ev.forEach((ev, i) => expect(ev).toBeCloseTo(truth[i], 1));
  });

  it('leaves no seam: across the feather the deghosted merge has no more pixel-to-pixel change than the motion-free merge there', () => {
    const deghost = { mode: 'auto' as const, reference };
    const merged = mergeBracket(frames, 'radiance', { deghost });
    const a = display(merged);
    const b = display(mergeBracket(staticFrames, 'radiance'));
    const { mask, width, height } = merged.ghost!;
    const soft = featherMask(mask, Math.max(2, Math.round(Math.min(width, height) / 150)));
    // Mean absolute step to the right and downward neighbour, over the transition (0 < weight < 1 or its inner edge).
    const steps = (img: Rgba8Image): number => {
      let s = 0;
      let n = 0;
      for (let y = 0; y < height - 1; y++) {
        for (let x = 0; x < width - 1; x++) {
          const p = y * width + x;
          if (!(soft[p] > 0 && (soft[p] < 1 || soft[p + 1] < 1 || soft[p + width] < 1))) continue;
          for (let c = 0; c < 3; c++) s += Math.abs(img.data[p * 4 + c] - img.data[(p + 1) * 4 + c]) + Math.abs(img.data[p * 4 + c] - img.data[(p + width) * 4 + c]);
          n += 6;
        }
      }
      return s / n;
    };
    expect(steps(a)).toBeLessThan(1.25 * steps(b));
  });

  it('plans a deghosted bracket on all of its pixels (robust fit; the mask hides nothing) and leaves the frames as they were', () => {
    const mask = new Uint8Array(200 * 150);
    for (let y = 0; y < 150; y++) for (let x = 70; x < 140; x++) mask[y * 200 + x] = 1;
    const before = staticFrames.map((f) => Float32Array.from(f.data));
    const plan = planWithoutGhosts(staticFrames, {});
    staticFrames.forEach((f, k) => expect(f.data).toEqual(before[k]));
    const truth = bracketAroundMedian(radiance, 3, 2).map((e) => e - bracketAroundMedian(radiance, 3, 2)[1]);
    plan.ev.forEach((ev, i) => expect(ev).toBeCloseTo(truth[i], 1));
  });
});

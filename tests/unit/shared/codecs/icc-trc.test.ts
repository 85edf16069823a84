/** Tone reproduction curves of ICC profiles ('curv', 'para'): read both ways, and never a reason to lose a file. */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adobeRgbProfile, iccProfile } from '../../../../src-shared/codecs/icc';
import { iccTransfer } from '../../../../src-shared/codecs/icc-read';
import { channelTransfer, parseTrc, profileTransfer, type ChannelTransfer } from '../../../../src-shared/codecs/icc-trc';
import { linearToSrgb, srgbToLinear } from '../../../../src-shared/image/srgb';

const ADOBE_GAMMA = 563 / 256;

/** A 'curv' tag body: no entry (identity), one u8Fixed8 gamma, or a table of u16 values. */
function curv(entries: number[]): Uint8Array {
  const t = new Uint8Array(12 + 2 * entries.length);
  const view = new DataView(t.buffer);
  t.set([0x63, 0x75, 0x72, 0x76]); // 'curv'
  view.setUint32(8, entries.length);
  entries.forEach((v, i) => view.setUint16(12 + 2 * i, v));
  return t;
}

/** A 'para' tag body of function type `fn` with parameters as s15Fixed16. */
function para(fn: number, params: number[]): Uint8Array {
  const t = new Uint8Array(12 + 4 * params.length);
  const view = new DataView(t.buffer);
  t.set([0x70, 0x61, 0x72, 0x61]); // 'para'
  view.setUint16(8, fn);
  params.forEach((v, k) => view.setInt32(12 + 4 * k, Math.round(v * 65536)));
  return t;
}

/** A profile of just these tags (header size and 'acsp' as icc-read checks them): enough for iccTransfer. */
function profileOf(tags: Record<string, Uint8Array>): Uint8Array {
  const entries = Object.entries(tags);
  let at = 132 + entries.length * 12;
  const placed = entries.map(([sig, body]) => {
    const offset = at;
    at += (body.length + 3) & ~3;
    return { sig, body, offset };
  });
  const icc = new Uint8Array(at);
  const view = new DataView(icc.buffer);
  view.setUint32(0, at);
  icc.set([0x61, 0x63, 0x73, 0x70], 36); // 'acsp'
  view.setUint32(128, entries.length);
  placed.forEach(({ sig, body, offset }, i) => {
    icc.set(Array.from(sig, (c) => c.charCodeAt(0)), 132 + i * 12);
    view.setUint32(136 + i * 12, offset);
    view.setUint32(140 + i * 12, body.length);
    icc.set(body, offset);
  });
  return icc;
}

const one = (tag: Uint8Array): ChannelTransfer => channelTransfer(parseTrc(tag));

/** Largest |encode(decode(k / 255)) - k / 255| in 8-bit levels over every code. */
function worstRoundTrip(ch: ChannelTransfer): number {
  let worst = 0;
  for (let k = 0; k <= 255; k++) worst = Math.max(worst, Math.abs(ch.encode(ch.decode(k / 255)) * 255 - k));
  return worst;
}

describe('ICC tone curves', () => {
  it('reads our Adobe RGB profile as a 563/256 power both ways (code 10 is 0.00081 linear, not sRGB\'s 0.0030; code 50 0.0278, not 0.0319)', () => {
    const t = iccTransfer(adobeRgbProfile());
    expect(t.srgb).toBe(false);
    expect(t.problem).toBeUndefined();
    const [r, g, b] = t.channels;
    expect(r.curve).toEqual({ kind: 'parametric', type: 0, params: [ADOBE_GAMMA] });
    for (const ch of [r, g, b]) {
      expect(ch.decode(10 / 255)).toBeCloseTo((10 / 255) ** ADOBE_GAMMA, 12);
      expect(ch.decode(50 / 255)).toBeCloseTo((50 / 255) ** ADOBE_GAMMA, 12);
      expect(worstRoundTrip(ch)).toBeLessThan(1e-9);
    }
    expect(r.decode(10 / 255)).toBeCloseTo(0.000807, 6);
    expect(r.decode(50 / 255)).toBeCloseTo(0.0278, 4);
    expect(srgbToLinear(50 / 255)).toBeCloseTo(0.0319, 4);
    expect(srgbToLinear(10 / 255)).toBeCloseTo(0.0030, 4);
  });

  it('takes our sRGB and Display P3 profiles (sRGB\'s curve as para type 3) for the sRGB curve itself', () => {
    for (const icc of [iccProfile('srgb'), iccProfile('display-p3')]) {
      const t = iccTransfer(icc);
      expect(t.srgb).toBe(true);
      expect(t.problem).toBeUndefined();
      expect(t.channels[0].curve).toEqual({ kind: 'srgb' });
    }
    // The para type 3 itself, read as written: within 1e-4 of the exact curve everywhere.
    const ch = one(para(3, [2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045]));
    for (let k = 0; k <= 255; k++) expect(Math.abs(ch.decode(k / 255) - srgbToLinear(k / 255))).toBeLessThan(1e-4);
    expect(worstRoundTrip(ch)).toBeLessThan(1e-6);
  });

  it("reads 'curv' with no entry as identity, one entry as a u8Fixed8 power, and more as a table", () => {
    const identity = one(curv([]));
    expect(identity.decode(0.3)).toBeCloseTo(0.3, 12);
    expect(identity.encode(0.3)).toBeCloseTo(0.3, 12);
    const g18 = one(curv([461])); // 461 / 256 = 1.80078125
    expect(g18.curve).toEqual({ kind: 'gamma', gamma: 461 / 256 });
    expect(g18.decode(0.5)).toBeCloseTo(0.5 ** (461 / 256), 12);
    expect(g18.encode(0.5 ** (461 / 256))).toBeCloseTo(0.5, 12);
    // Five entries: 0, 1/16, 1/4, 9/16, 1 of the u16 range (x^2 sampled at quarters), interpolated between them.
    const table = one(curv([0, 4096, 16384, 36864, 65535]));
    expect(table.decode(0.25)).toBeCloseTo(4096 / 65535, 12);
    expect(table.decode(0.375)).toBeCloseTo((4096 + 16384) / 2 / 65535, 12);
    expect(table.encode(16384 / 65535)).toBeCloseTo(0.5, 12);
    expect(table.encode((16384 + 36864) / 2 / 65535)).toBeCloseTo(0.625, 12);
    expect(table.encode(0)).toBe(0);
    expect(table.encode(1)).toBe(1);
  });

  it("reads 'para' function types 0-4 by ICC.1:2010 10.18, and inverts each", () => {
    const cases: { fn: number; params: number[]; at: [number, number][] }[] = [
      { fn: 0, params: [2.5], at: [[0.5, 0.5 ** 2.5]] },
      // (aX + b)^g above -b/a, 0 below.
      { fn: 1, params: [2, 1, -0.5], at: [[0.25, 0], [0.75, 0.0625], [1, 0.25]] },
      // ... + c throughout.
      { fn: 2, params: [2, 1, -0.5, 0.125], at: [[0.25, 0.125], [0.75, 0.1875]] },
      // ProPhoto (ROMM): power 1.8 above 1/32, 1/16 X below.
      { fn: 3, params: [1.8, 1, 0, 1 / 16, 1 / 32], at: [[0.02, 0.02 / 16], [0.5, 0.5 ** 1.8]] },
      // (0.5X + 0.5)^2 - 0.2 above 0.2, 0.25X + 0.01 below.
      { fn: 4, params: [2, 0.5, 0.5, 0.25, 0.2, -0.2, 0.01], at: [[0.1, 0.035], [0.6, 0.64 - 0.2], [1, 0.8]] },
    ];
    for (const { fn, params, at } of cases) {
      const ch = one(para(fn, params));
      expect(ch.curve).toMatchObject({ kind: 'parametric', type: fn });
      for (const [x, y] of at) {
        expect(ch.decode(x), `type ${fn} at ${x}`).toBeCloseTo(y, 4);
        // The inverse finds x again wherever the curve rises there.
        if (fn > 2 || x > 0.5) expect(ch.encode(ch.decode(x)), `type ${fn} inverse at ${x}`).toBeCloseTo(x, 4);
      }
      // Monotone both ways over the whole range.
      for (let k = 1; k <= 256; k++) expect(ch.encode(k / 256)).toBeGreaterThanOrEqual(ch.encode((k - 1) / 256));
    }
  });

  it('inverts a table with a flat stretch and a dip by its running maximum, black staying black', () => {
    // Flat at 0 over the first three entries, a dip at the 6th, then rising.
    const values = [0, 0, 0, 1000, 8000, 7000, 20000, 40000, 65535];
    const ch = one(curv(values));
    expect(ch.encode(0)).toBe(0);
    let last = -1;
    for (let k = 0; k <= 1000; k++) {
      const x = ch.encode(k / 1000);
      expect(x).toBeGreaterThanOrEqual(last);
      last = x;
    }
    // Where the table rises, encode undoes decode.
    for (const x of [0.3, 0.45, 0.8, 0.95]) expect(ch.encode(ch.decode(x))).toBeCloseTo(x, 9);
  });

  it('falls back to sRGB, saying why, for tone curves that are missing, cut short, of another type or falling, and never throws', () => {
    const bad: [string, (Uint8Array | null)[]][] = [
      ['no rTRC', [null, curv([563]), curv([563])]],
      ['cut short', [curv([563]).subarray(0, 10), curv([563]), curv([563])]],
      ["a 'curv' table cut short", [curv([1, 2]).subarray(0, 14), null, null]],
      ['function type 7', [para(7, [2.2]), para(7, [2.2]), para(7, [2.2])]],
      ["type 'mft2'", [Uint8Array.from([0x6d, 0x66, 0x74, 0x32, 0, 0, 0, 0, 0, 0, 0, 0]), null, null]],
      ['falling table', [curv([65535, 30000, 0]), curv([563]), curv([563])]],
      ['gamma 0', [curv([0]), curv([563]), curv([563])]],
      ['negative slope', [para(3, [2.4, 1, 0, -1, 0.5]), curv([563]), curv([563])]],
    ];
    for (const [what, tags] of bad) {
      const t = profileTransfer(tags);
      expect(t.srgb, what).toBe(true);
      expect(t.problem, what).toMatch(/\w/);
      expect(t.channels[0].curve, what).toEqual({ kind: 'srgb' });
    }
    // A whole profile without tone curves (a LUT profile's shape), and one whose tag points past its end.
    expect(iccTransfer(profileOf({ desc: new Uint8Array(16) })).problem).toBe('it has no rTRC tag');
    const cut = profileOf({ rTRC: curv([563]), gTRC: curv([563]), bTRC: curv([563]) });
    new DataView(cut.buffer).setUint32(140, 4000);
    expect(iccTransfer(cut)).toMatchObject({ srgb: true, problem: 'it has no rTRC tag' });
  });

  it('reads a profile with its own curve per channel', () => {
    const t = iccTransfer(profileOf({ rTRC: curv([563]), gTRC: para(0, [1.8]), bTRC: curv([0, 16384, 65535]) }));
    expect(t.srgb).toBe(false);
    expect(t.channels.map((c) => c.curve.kind)).toEqual(['gamma', 'parametric', 'table']);
    expect(t.channels[1].decode(0.5)).toBeCloseTo(0.5 ** 1.8, 4);
    expect(t.channels[2].decode(0.5)).toBeCloseTo(0.25, 4);
  });

  const ADOBE_FILE = '/usr/share/color/icc/compatibleWithAdobeRGB1998.icc';
  const adobeFile = existsSync(ADOBE_FILE);
  it(`reads ${adobeFile ? ADOBE_FILE + " (icc-profiles-free: 'curv' gamma 563)" : "a hand-built 'curv' gamma 563 profile (icc-profiles-free's compatibleWithAdobeRGB1998.icc is not installed)"} as our Adobe RGB's curve`, () => {
    const icc = adobeFile ? new Uint8Array(readFileSync(ADOBE_FILE)) : profileOf({ rTRC: curv([563]), gTRC: curv([563]), bTRC: curv([563]) });
    const t = iccTransfer(icc);
    const ours = iccTransfer(adobeRgbProfile());
    expect(t.srgb).toBe(false);
    expect(t.channels[0].curve).toEqual({ kind: 'gamma', gamma: ADOBE_GAMMA });
    for (let k = 0; k <= 255; k++) {
      for (let c = 0; c < 3; c++) expect(t.channels[c].decode(k / 255)).toBeCloseTo(ours.channels[c].decode(k / 255), 12);
    }
  });

  const SRGB_FILE = '/usr/share/color/icc/sRGB.icc';
  const srgbFile = existsSync(SRGB_FILE);
  it(`takes ${srgbFile ? SRGB_FILE + " (icc-profiles-free: a 1024-entry 'curv' table)" : "a hand-built 1024-entry 'curv' table of the sRGB curve (icc-profiles-free's sRGB.icc is not installed)"} for sRGB, and its table inverts within a thousandth of a level`, () => {
    const table = Array.from({ length: 1024 }, (_, i) => Math.round(srgbToLinear(i / 1023) * 65535));
    const icc = srgbFile ? new Uint8Array(readFileSync(SRGB_FILE)) : profileOf({ rTRC: curv(table), gTRC: curv(table), bTRC: curv(table) });
    expect(iccTransfer(icc).srgb).toBe(true);
    const rTRC = srgbFile ? null : curv(table);
    const ch = rTRC ? one(rTRC) : one(curvOf(icc, 'rTRC'));
    expect(ch.curve.kind).toBe('table');
    // Table entries are u16: away from black (where 1/65535 is many 8-bit levels of sRGB's linear toe) within 0.05 of a level.
    for (let k = 8; k <= 255; k++) expect(Math.abs(linearToSrgb(ch.decode(k / 255)) * 255 - k)).toBeLessThan(0.05);
    expect(worstRoundTrip(ch)).toBeLessThan(1e-3);
  });

  const LSTAR_FILE = '/usr/share/color/icc/LStar-RGB.icc';
  const lstarFile = existsSync(LSTAR_FILE);
  it(`reads ${lstarFile ? LSTAR_FILE + " (icc-profiles-free: a 256-entry L* table)" : "a hand-built 256-entry L* 'curv' table (icc-profiles-free's LStar-RGB.icc is not installed)"} as a table that is not sRGB: code 0.5 is L* 50, 18.4% linear`, () => {
    const lstar = (v: number): number => (v > 0.08 ? ((v * 100 + 16) / 116) ** 3 : (v * 100) / 903.3);
    const table = Array.from({ length: 256 }, (_, i) => Math.round(lstar(i / 255) * 65535));
    const icc = lstarFile ? new Uint8Array(readFileSync(LSTAR_FILE)) : profileOf({ rTRC: curv(table), gTRC: curv(table), bTRC: curv(table) });
    const t = iccTransfer(icc);
    expect(t.srgb).toBe(false);
    expect(t.channels[1].curve.kind).toBe('table');
    expect(t.channels[1].decode(0.5)).toBeCloseTo(0.1842, 3);
    expect(worstRoundTrip(t.channels[1])).toBeLessThan(1e-6);
  });
});

/** The body of tag `sig` in a whole profile. */
function curvOf(icc: Uint8Array, sig: string): Uint8Array {
  const view = new DataView(icc.buffer, icc.byteOffset, icc.byteLength);
  for (let i = 0; i < view.getUint32(128); i++) {
    const e = 132 + i * 12;
    if (String.fromCharCode(...icc.subarray(e, e + 4)) === sig) return icc.subarray(view.getUint32(e + 4), view.getUint32(e + 4) + view.getUint32(e + 8));
  }
  throw new Error(`no ${sig}`);
}

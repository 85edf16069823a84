/**
 * Renders an exposure bracket of a scene in which things move between frames, with the exact ghost
 * truth: from scene radiance R (linear RGB), frame k photographs its own scene S_k (R with moving
 * pasted objects, a locally warped region, a flickering region) as radiance * 2^ev_k, Poisson-Gaussian
 * noise, clipping at 1, the sRGB curve and 8 bits (render-pair.ts's camera). The reference frame's
 * scene is the static truth; frame k's ghost mask marks where S_k differs from it: each object's
 * footprint in frame k union its footprint in the reference (hard edges, so the footprint is exact),
 * the flicker region where its gain differs, and the warped pixels whose radiance (3 x 3 mean) moved by
 * more than WARP_DIFFERENCE. The same bracket without motion (the static scene, the same noise draws) comes
 * with it. Seeded: one seed gives the same pixels on every platform.
 */
import type { LinearImage } from '../image/linear-image';
import { linearToSrgb, srgb8ToLinearLut } from '../image/srgb';
import { exposeWithNoise } from '../correct/render-pair';
import { mulberry32 } from '../random';

export interface DynamicBracketOptions {
  /** Exposure of each frame in stops: frame k photographs radiance * 2^evs[k]. */
  evs: readonly number[];
  /** Index of the frame whose scene is the static truth; default the middle one. */
  reference?: number;
  seed: number;
  /** Moving pasted objects; default 2. */
  objects?: number;
  /** Regions warped non-rigidly between frames; default 0. */
  warps?: number;
  /** Regions whose brightness flickers between frames; default 0. */
  flickers?: number;
  /** Object radius range as a fraction of the image's short side; default [0.06, 0.16]. */
  objectSize?: readonly [number, number];
  /** Shot-noise variance per unit of linear signal; default 2e-4 (a clean camera; 2e-3 is a noisy one). */
  shot?: number;
  /** Read-noise standard deviation in linear units; default 5e-4. */
  read?: number;
  /** The exposure each frame's metadata reports (null: none), where it should lie; default evs. */
  reportedEv?: readonly (number | null)[];
}

export interface DynamicBracket {
  /** The photographed frames, decoded to linear light as a PNG decoder would (8-bit sRGB, clip level 1). */
  frames: LinearImage[];
  /** The 8-bit sRGB codes of each frame, interleaved RGB. */
  codes: Uint8Array[];
  /** Per frame: 1 where its scene differs from the reference frame's (all 0 for the reference itself). */
  masks: Uint8Array[];
  /** 1 where any frame's mask is 1. */
  union: Uint8Array;
  /**
   * The masks where the difference also shows in the frame: its noise-free 8-bit rendering differs
   * from the static scene's (a change inside a region the frame clips or crushes to black does not).
   */
  visibleMasks: Uint8Array[];
  visibleUnion: Uint8Array;
  reference: number;
  /** The scene as in the reference frame (the truth a deghosted merge aims at). */
  staticRadiance: LinearImage;
  /** The bracket photographed from the static scene with the same exposures and noise draws. */
  staticFrames: LinearImage[];
}

/**
 * A warped pixel counts as changed when a channel of its 3 x 3 mean moved by more than this fraction
 * of the larger value: less hides under camera noise and nobody sees it.
 */
export const WARP_DIFFERENCE = 0.1;

/** mulberry32 uniforms in [0, 1). */
const uniformSampler = mulberry32;

interface Placement {
  x: number;
  y: number;
  angle: number;
  present: boolean;
}

interface MovingObject {
  /** Radius of the shape before its harmonics, pixels. */
  radius: number;
  aspect: number;
  /** Radial harmonics 2..4 of the outline: amplitude and phase. */
  harmonics: { a: number; phase: number; order: number }[];
  /** 'patch': radiance cut from (srcX, srcY) of the map; 'procedural': stripes and blotches at a level. */
  texture: 'patch' | 'procedural';
  srcX: number;
  srcY: number;
  gain: number;
  level: number;
  tint: [number, number, number];
  frequency: number;
  stripeAngle: number;
  place: Placement[];
}

interface Warp {
  cx: number;
  cy: number;
  radius: number;
  /** Per frame: translation at the centre (pixels) and swirl (radians at the centre). */
  shift: { dx: number; dy: number; swirl: number }[];
}

interface Flicker {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  gain: number[];
}

function checkOptions(radiance: LinearImage, o: DynamicBracketOptions): number {
  const k = o.evs.length;
  if (k < 2) throw new RangeError(`a bracket needs at least 2 exposures, got ${k}`);
  if (!o.evs.every(Number.isFinite)) throw new RangeError('exposures must be finite numbers of stops');
  if (radiance.channels !== 3) throw new RangeError(`the radiance map must be RGB, got ${radiance.channels} channel(s)`);
  if (radiance.width < 16 || radiance.height < 16) throw new RangeError(`the radiance map is too small: ${radiance.width}x${radiance.height}`);
  const reference = o.reference ?? (k - 1) >> 1;
  if (!Number.isInteger(reference) || reference < 0 || reference >= k) throw new RangeError(`reference must be a frame index 0..${k - 1}, got ${reference}`);
  if (o.reportedEv && o.reportedEv.length !== k) throw new RangeError(`${o.reportedEv.length} reported exposures for ${k} frames`);
  for (const [name, v, max] of [['objects', o.objects ?? 2, 31], ['warps', o.warps ?? 0, 64], ['flickers', o.flickers ?? 0, 64]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${name} must be a whole number 0..${max}, got ${v}`);
  }
  return reference;
}

/** Luminance of the radiance map near (x, y): the level a procedural object is lit at. */
function localLevel(r: LinearImage, x: number, y: number): number {
  const { width: w, height: h, data } = r;
  let s = 0;
  let n = 0;
  for (let j = -4; j <= 4; j++) {
    for (let i = -4; i <= 4; i++) {
      const px = Math.min(w - 1, Math.max(0, Math.round(x) + i * 2));
      const py = Math.min(h - 1, Math.max(0, Math.round(y) + j * 2));
      const q = (py * w + px) * 3;
      s += 0.2126 * data[q] + 0.7152 * data[q + 1] + 0.0722 * data[q + 2];
      n++;
    }
  }
  return Math.max(s / n, 1e-4);
}

function planObjects(r: LinearImage, o: DynamicBracketOptions, reference: number, rand: () => number): MovingObject[] {
  const { width: w, height: h } = r;
  const short = Math.min(w, h);
  const [smin, smax] = o.objectSize ?? [0.06, 0.16];
  const k = o.evs.length;
  return Array.from({ length: o.objects ?? 2 }, () => {
    const radius = short * (smin + (smax - smin) * rand());
    const speed = radius * (0.35 + 0.9 * rand());
    const heading = rand() * 2 * Math.PI;
    const x0 = radius + rand() * (w - 2 * radius);
    const y0 = radius + rand() * (h - 2 * radius);
    const spin = (rand() - 0.5) * 0.4;
    // One object in five is missing from one frame (something walks into or out of the picture).
    const absent = rand() < 0.2 ? Math.floor(rand() * k) : -1;
    const place = Array.from({ length: k }, (_, f): Placement => ({
      x: x0 + (f - reference) * speed * Math.cos(heading),
      y: y0 + (f - reference) * speed * Math.sin(heading),
      angle: (f - reference) * spin,
      present: f !== absent,
    }));
    const texture = rand() < 0.5 ? 'patch' : 'procedural';
    const tintHue = rand();
    return {
      radius,
      aspect: 0.55 + 0.9 * rand(),
      harmonics: [2, 3, 4].map((order) => ({ order, a: 0.12 * rand(), phase: rand() * 2 * Math.PI })),
      texture,
      srcX: rand() * w,
      srcY: rand() * h,
      // Most objects sit within two stops of their surroundings: some hard to tell apart.
      gain: 2 ** ((rand() - 0.5) * 2),
      level: localLevel(r, x0, y0) * 2 ** ((rand() - 0.5) * 4),
      tint: [0.7 + 0.6 * tintHue, 1, 1.3 - 0.6 * tintHue],
      frequency: (2 + 6 * rand()) / radius,
      stripeAngle: rand() * Math.PI,
      place,
    } satisfies MovingObject;
  });
}

function planWarps(r: LinearImage, o: DynamicBracketOptions, reference: number, rand: () => number): Warp[] {
  const short = Math.min(r.width, r.height);
  return Array.from({ length: o.warps ?? 0 }, () => {
    const radius = short * (0.1 + 0.15 * rand());
    return {
      cx: radius + rand() * (r.width - 2 * radius),
      cy: radius + rand() * (r.height - 2 * radius),
      radius,
      shift: o.evs.map((_, f) => {
        if (f === reference) return { dx: 0, dy: 0, swirl: 0 };
        const a = rand() * 2 * Math.PI;
        const m = radius * (0.04 + 0.12 * rand());
        return { dx: m * Math.cos(a), dy: m * Math.sin(a), swirl: (rand() - 0.5) * 0.6 };
      }),
    };
  });
}

function planFlickers(r: LinearImage, o: DynamicBracketOptions, reference: number, rand: () => number): Flicker[] {
  const short = Math.min(r.width, r.height);
  return Array.from({ length: o.flickers ?? 0 }, () => {
    const rx = short * (0.08 + 0.15 * rand());
    const ry = short * (0.08 + 0.15 * rand());
    return {
      cx: rx + rand() * (r.width - 2 * rx),
      cy: ry + rand() * (r.height - 2 * ry),
      rx,
      ry,
      // 0.3 to 1 stop brighter or darker than in the reference.
      gain: o.evs.map((_, f) => (f === reference ? 1 : 2 ** ((rand() < 0.5 ? -1 : 1) * (0.3 + 0.7 * rand())))),
    };
  });
}

/** Bilinear sample of the radiance map at (x, y), clamped to the edges, into out[o..o+2]. */
function sample(r: LinearImage, x: number, y: number, out: Float32Array, o: number): void {
  const { width: w, height: h, data } = r;
  const cx = Math.min(w - 1, Math.max(0, x));
  const cy = Math.min(h - 1, Math.max(0, y));
  const x0 = Math.min(w - 2, Math.floor(cx));
  const y0 = Math.min(h - 2, Math.floor(cy));
  const fx = cx - x0;
  const fy = cy - y0;
  const a = (y0 * w + x0) * 3;
  const b = a + w * 3;
  for (let c = 0; c < 3; c++) {
    const top = data[a + c] + fx * (data[a + 3 + c] - data[a + c]);
    const bottom = data[b + c] + fx * (data[b + 3 + c] - data[b + c]);
    out[o + c] = top + fy * (bottom - top);
  }
}

/** Smooth bump, 1 at the centre and 0 (with zero slope) from distance 1 on. */
const bump = (d: number): number => (d >= 1 ? 0 : (1 - d * d) ** 2);

/** The background of frame f: the radiance map with the warps of frame f applied. */
function warpedBackground(r: LinearImage, warps: Warp[], f: number): Float32Array {
  const out = Float32Array.from(r.data);
  const { width: w } = r;
  for (const wp of warps) {
    const { dx, dy, swirl } = wp.shift[f];
    if (dx === 0 && dy === 0 && swirl === 0) continue;
    const x0 = Math.max(0, Math.floor(wp.cx - wp.radius));
    const x1 = Math.min(w - 1, Math.ceil(wp.cx + wp.radius));
    const y0 = Math.max(0, Math.floor(wp.cy - wp.radius));
    const y1 = Math.min(r.height - 1, Math.ceil(wp.cy + wp.radius));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const ux = x - wp.cx;
        const uy = y - wp.cy;
        const b = bump(Math.hypot(ux, uy) / wp.radius);
        if (b === 0) continue;
        // Scene content at x came from x - d(x): a shift plus a rotation about the centre, both fading out.
        const t = -swirl * b;
        const sx = wp.cx + ux * Math.cos(t) - uy * Math.sin(t) - dx * b;
        const sy = wp.cy + ux * Math.sin(t) + uy * Math.cos(t) - dy * b;
        sample(r, sx, sy, out, (y * w + x) * 3);
      }
    }
  }
  return out;
}

function inFlicker(fl: Flicker, x: number, y: number): boolean {
  return ((x - fl.cx) / fl.rx) ** 2 + ((y - fl.cy) / fl.ry) ** 2 <= 1;
}

/** Whether pixel centre (x, y) lies inside the object at placement p. */
function inside(ob: MovingObject, p: Placement, x: number, y: number): boolean {
  const ux = x - p.x;
  const uy = y - p.y;
  const c = Math.cos(-p.angle);
  const s = Math.sin(-p.angle);
  const lx = (ux * c - uy * s) / ob.aspect;
  const ly = ux * s + uy * c;
  const d = Math.hypot(lx, ly);
  if (d > ob.radius * 1.4) return false;
  const theta = Math.atan2(ly, lx);
  let edge = 1;
  for (const hm of ob.harmonics) edge += hm.a * Math.cos(hm.order * theta + hm.phase);
  return d <= ob.radius * edge;
}

/** The object's radiance at pixel (x, y) when placed at p: its texture moves and turns with it. */
function objectRadiance(r: LinearImage, ob: MovingObject, p: Placement, x: number, y: number, out: Float32Array, o: number): void {
  const ux = x - p.x;
  const uy = y - p.y;
  const c = Math.cos(-p.angle);
  const s = Math.sin(-p.angle);
  const lx = ux * c - uy * s;
  const ly = ux * s + uy * c;
  if (ob.texture === 'patch') {
    sample(r, ob.srcX + lx, ob.srcY + ly, out, o);
    for (let k = 0; k < 3; k++) out[o + k] *= ob.gain;
    return;
  }
  const along = lx * Math.cos(ob.stripeAngle) + ly * Math.sin(ob.stripeAngle);
  const stripes = 0.65 + 0.35 * Math.sin(along * ob.frequency * 2 * Math.PI);
  const blotch = 0.8 + 0.2 * Math.sin(lx * 0.31 + 1.7) * Math.cos(ly * 0.23 - 0.4);
  const v = ob.level * stripes * blotch;
  for (let k = 0; k < 3; k++) out[o + k] = v * ob.tint[k];
}

interface FrameScene {
  scene: Float32Array;
  /** Per pixel, the bit set of the objects covering it (for the footprint masks). */
  cover: Uint32Array;
  /** The warped radiance map alone, before flicker and objects. */
  background: Float32Array;
}

/** 3 x 3 box mean of an RGB plane at pixel (x, y), clipped at the borders, into out. */
function boxMean(plane: Float32Array, w: number, h: number, x: number, y: number, out: Float64Array): void {
  out.fill(0);
  let n = 0;
  for (let yy = Math.max(0, y - 1); yy <= Math.min(h - 1, y + 1); yy++) {
    for (let xx = Math.max(0, x - 1); xx <= Math.min(w - 1, x + 1); xx++) {
      const q = (yy * w + xx) * 3;
      out[0] += plane[q];
      out[1] += plane[q + 1];
      out[2] += plane[q + 2];
      n++;
    }
  }
  for (let c = 0; c < 3; c++) out[c] /= n;
}

/** Scene of frame f: the warped map, flicker, then the objects at their places in frame f. */
function frameScene(r: LinearImage, objects: MovingObject[], warps: Warp[], flickers: Flicker[], f: number): FrameScene {
  const { width: w, height: h } = r;
  const background = warpedBackground(r, warps, f);
  const scene = Float32Array.from(background);
  const cover = new Uint32Array(w * h);
  for (const fl of flickers) {
    const g = fl.gain[f];
    if (g === 1) continue;
    for (let y = Math.max(0, Math.floor(fl.cy - fl.ry)); y <= Math.min(h - 1, Math.ceil(fl.cy + fl.ry)); y++) {
      for (let x = Math.max(0, Math.floor(fl.cx - fl.rx)); x <= Math.min(w - 1, Math.ceil(fl.cx + fl.rx)); x++) {
        if (!inFlicker(fl, x, y)) continue;
        const q = (y * w + x) * 3;
        scene[q] *= g;
        scene[q + 1] *= g;
        scene[q + 2] *= g;
      }
    }
  }
  objects.forEach((ob, bit) => {
    const p = ob.place[f];
    if (!p.present) return;
    const reach = ob.radius * 1.4 * Math.max(1, ob.aspect);
    for (let y = Math.max(0, Math.floor(p.y - reach)); y <= Math.min(h - 1, Math.ceil(p.y + reach)); y++) {
      for (let x = Math.max(0, Math.floor(p.x - reach)); x <= Math.min(w - 1, Math.ceil(p.x + reach)); x++) {
        if (!inside(ob, p, x, y)) continue;
        objectRadiance(r, ob, p, x, y, scene, (y * w + x) * 3);
        cover[y * w + x] |= 1 << bit;
      }
    }
  });
  return { scene, cover, background };
}

function ghostMask(
  w: number,
  h: number,
  f: number,
  reference: number,
  frame: FrameScene,
  ref: FrameScene,
  warps: Warp[],
  flickers: Flicker[],
): Uint8Array {
  const mask = new Uint8Array(w * h);
  if (f === reference) return mask;
  const a = new Float64Array(3);
  const b = new Float64Array(3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (frame.cover[p] !== 0 || ref.cover[p] !== 0) {
        mask[p] = 1;
        continue;
      }
      if (flickers.some((fl) => fl.gain[f] !== fl.gain[reference] && inFlicker(fl, x, y))) {
        mask[p] = 1;
        continue;
      }
      if (warps.some((wp) => Math.hypot(x - wp.cx, y - wp.cy) < wp.radius)) {
        // At the scale of 3 pixels: a map's own pixel grain moving is no visible change.
        boxMean(frame.background, w, h, x, y, a);
        boxMean(ref.background, w, h, x, y, b);
        for (let c = 0; c < 3; c++) if (Math.abs(a[c] - b[c]) > WARP_DIFFERENCE * Math.max(a[c], b[c])) mask[p] = 1;
      }
    }
  }
  return mask;
}

/** The mask where the noise-free 8-bit renderings of the two scenes at ev differ in some channel. */
function visibleChange(mask: Uint8Array, scene: Float32Array, still: Float32Array, ev: number): Uint8Array {
  const gain = 2 ** ev;
  const code = (v: number): number => Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, v * gain))));
  const out = new Uint8Array(mask.length);
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    const q = p * 3;
    if (code(scene[q]) !== code(still[q]) || code(scene[q + 1]) !== code(still[q + 1]) || code(scene[q + 2]) !== code(still[q + 2])) out[p] = 1;
  }
  return out;
}

/** Photographs a scene at ev: noise, clip, sRGB, 8 bits; returns the codes and the decoded frame. */
function photograph(scene: LinearImage, ev: number, reported: number | null, shot: number, read: number, seed: number, name: string): { frame: LinearImage; codes: Uint8Array } {
  const exposed = exposeWithNoise(scene, ev, shot, read, seed);
  const lut = srgb8ToLinearLut();
  const codes = new Uint8Array(exposed.length);
  const data = new Float32Array(exposed.length);
  for (let i = 0; i < exposed.length; i++) {
    const code = Math.round(255 * linearToSrgb(Math.min(1, Math.max(0, exposed[i]))));
    codes[i] = code;
    data[i] = lut[code];
  }
  const frame: LinearImage = {
    width: scene.width,
    height: scene.height,
    channels: 3,
    data,
    ev: reported,
    meta: { sourceName: name, sourceTransfer: 'srgb', sourceBits: 8, clipLevel: 1 },
  };
  return { frame, codes };
}

export function renderDynamicBracket(radiance: LinearImage, options: DynamicBracketOptions): DynamicBracket {
  const reference = checkOptions(radiance, options);
  const { evs, seed, shot = 2e-4, read = 5e-4 } = options;
  const { width: w, height: h } = radiance;
  const rand = uniformSampler(seed);
  const objects = planObjects(radiance, options, reference, rand);
  const warps = planWarps(radiance, options, reference, rand);
  const flickers = planFlickers(radiance, options, reference, rand);
  const scenes = evs.map((_, f) => frameScene(radiance, objects, warps, flickers, f));
  const ref = scenes[reference];
  const masks = scenes.map((s, f) => ghostMask(w, h, f, reference, s, ref, warps, flickers));
  const union = new Uint8Array(w * h);
  for (const m of masks) for (let p = 0; p < m.length; p++) union[p] |= m[p];
  const visibleMasks = masks.map((m, f) => visibleChange(m, scenes[f].scene, ref.scene, evs[f]));
  const visibleUnion = new Uint8Array(w * h);
  for (const m of visibleMasks) for (let p = 0; p < m.length; p++) visibleUnion[p] |= m[p];
  const staticRadiance: LinearImage = { width: w, height: h, channels: 3, data: ref.scene, ev: 0, meta: { sourceTransfer: 'linear', clipLevel: Infinity } };
  const shots = evs.map((ev, f) => {
    const scene: LinearImage = { ...staticRadiance, data: scenes[f].scene };
    const reported = options.reportedEv ? options.reportedEv[f] : ev;
    const name = `frame${f + 1}.png`;
    const noiseSeed = (seed * 7919 + f * 104729 + 1) >>> 0;
    return {
      moving: photograph(scene, ev, reported, shot, read, noiseSeed, name),
      still: photograph(staticRadiance, ev, reported, shot, read, noiseSeed, name),
    };
  });
  return {
    frames: shots.map((s) => s.moving.frame),
    codes: shots.map((s) => s.moving.codes),
    masks,
    union,
    visibleMasks,
    visibleUnion,
    reference,
    staticRadiance,
    staticFrames: shots.map((s) => s.still.frame),
  };
}

/** Exposures of a bracket of `count` frames `step` stops apart, centred where the scene's median luminance reads 0.18. */
export function bracketAroundMedian(radiance: LinearImage, count: number, step: number): number[] {
  const n = radiance.width * radiance.height;
  const y = new Float32Array(n);
  for (let p = 0; p < n; p++) y[p] = 0.2126 * radiance.data[p * 3] + 0.7152 * radiance.data[p * 3 + 1] + 0.0722 * radiance.data[p * 3 + 2];
  y.sort();
  const mid = Math.log2(0.18 / Math.max(y[n >> 1], 1e-9));
  return Array.from({ length: count }, (_, i) => mid + (i - (count - 1) / 2) * step);
}

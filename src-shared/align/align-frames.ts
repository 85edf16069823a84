/**
 * Aligns the frames of a bracket to a reference frame: a median threshold bitmap search for the
 * whole-pixel shift, then ECC refinement to a sub-pixel shift or a similarity (shift, rotation,
 * scale), each kept only if it lowers the exposure-independent residual and stays within the caps.
 * Frames too far in exposure from the reference to share usable pixels with it are aligned to their
 * neighbour in exposure order (already aligned) and the two transforms composed.
 */
import { BracketMismatchError } from '../errors';
import type { LinearImage } from '../image/linear-image';
import { eccRefine } from './ecc';
import { codePyramid, mtbLevelsFor, mtbShift } from './mtb';
import { ALIGN_PROXY_SIDE, greyProxy, logPyramid, proxyFactor, sharedValidFraction, type GreyProxy, type LogLevel } from './proxy';
import { residual, type Residual } from './residual';
import { composeAffine, describeAffine, identityTransform, IDENTITY, invertAffine, maxCornerDisplacement, rmsDisplacement, type Affine, type AlignTransform } from './transform';
import { intersectRects, warpFrame, type Rect } from './warp';

export type AlignMode = 'translation' | 'similarity' | 'off';

export interface AlignOptions {
  /** Index of the frame the others are aligned to (it is never moved). */
  reference: number;
  /** 'similarity' (default): sub-pixel shift, rotation and scale; 'translation': whole-pixel shift only (no resampling). */
  mode?: AlignMode;
  /** Largest shift applied, as a fraction of the longer side (default 0.05); larger ones are reported and not applied. */
  maxShiftFraction?: number;
  /** Largest rotation a similarity may have (default 3 degrees). */
  maxRotationDeg?: number;
  /** Largest |scale - 1| a similarity may have (default 0.03). */
  maxScaleChange?: number;
  /** Longer side of the grey proxy the estimates are made on (default ALIGN_PROXY_SIDE, 1536). */
  proxySide?: number;
  /** The frames' grey proxies at that side, when the caller has them already (suggestReference's); built here otherwise. */
  proxies?: readonly GreyProxy[];
  /**
   * The caller gives the input frames up: each moved frame's entry in `frames` is replaced by its moved copy as soon
   * as that is made, so the original can be collected before the next frame is moved (the peak holds one frame more
   * than the bracket, not one more per moved frame). The caller must hold no other reference to them.
   */
  consume?: boolean;
}

/** The transform applied: 'none' when the frame was left as it is (see note). */
export type AlignMethod = 'reference' | 'none' | 'translation' | 'similarity';

export interface FrameAlignReport {
  dx: number;
  dy: number;
  rotationDeg: number;
  scale: number;
  method: AlignMethod;
  /** Residual (stops, see residual.ts) against `alignedTo` with no motion; NaN for the reference and in mode 'off'. */
  residualBefore: number;
  /** Residual against `alignedTo` with the transform applied. */
  residualAfter: number;
  /** The frame it was matched against: the reference, or its neighbour in exposure when too few pixels are usable in both. */
  alignedTo: number;
  /** log2 of this frame's brightness over `alignedTo`'s, measured from usable pixels. */
  exposureOffsetStops: number;
  /** Whether a new, resampled frame was made. */
  warped: boolean;
  /** Why a refinement or the alignment itself was not used. */
  note?: string;
  /**
   * For a frame moved: the residual its transform removed over what as much motion again adds (MIN_EXPLAINED's
   * test, at least 0.5 when applied).
   */
  evidence?: number;
}

export interface AlignResult {
  /** Frames on the reference grid; the ones that needed no warp are the input objects themselves. */
  frames: LinearImage[];
  transforms: AlignTransform[];
  /** The region every frame covers with its own pixels: crop to it for edge-free output. */
  crop: Rect;
  report: FrameAlignReport[];
}

/** Frames used to align a frame to when fewer than this fraction of pixels is usable in it and the reference. */
const MIN_SHARED_FRACTION = 0.2;
/**
 * Motion smaller than this everywhere (px) is left alone: bilinear resampling blurs more than it corrects
 * (measured on tripod renders of real radiance maps: a 0.2 px "correction" raised the radiance error 0.75 -> 0.95 %).
 */
const NO_MOTION_PX = 0.5;

/**
 * A candidate must be told apart from noise: what it lowers the residual by, against what moving the frame by its
 * own displacement again (four probes, +-x and +-y from it) raises the residual by, at least this much. For real
 * motion the two are alike: 0.62–1.88 on the 14 frames of the ../shared brackets that move by 0.5 px or more, which
 * Hugin's align_image_stack moves alike (bench/align-real.ts, the report's `evidence`), and 0.71–1.10 on synthetic
 * motion of 0.6–1.5 px (bench/align-subpixel.ts). An estimate fitted to noise gains far less than its size would
 * (the notes of `luxfuse merge ... --json` on the ../shared triplets): a 46.6 px shift on the SecretBeach triplet
 * (residual 0.2755 -> 0.2714 stops) 0.13, a 0.4 deg rotation with a 4.5 px shift on its under/over pair 0.12,
 * a 1 px similarity on the Flowers pair 0.30; each used to be applied.
 */
const MIN_EXPLAINED = 0.5;

interface FrameData {
  proxy: GreyProxy;
  codes: ReturnType<typeof codePyramid>;
  logs: LogLevel[];
}

interface Candidate {
  /** Reference grid -> this frame. */
  full: Affine;
  method: 'translation' | 'similarity';
  /** Set by the noise test when it ran (motion of NO_MOTION_PX or more). */
  evidence?: number;
}

const translation = (dx: number, dy: number): Affine => [1, 0, dx, 0, 1, dy];

function checkFrames(frames: LinearImage[], reference: number): void {
  if (frames.length === 0) throw new RangeError('no frames to align');
  if (!Number.isInteger(reference) || reference < 0 || reference >= frames.length) {
    throw new RangeError(`reference must be a frame index 0..${frames.length - 1}, got ${reference}`);
  }
  const { width, height } = frames[reference];
  for (const f of frames) {
    if (f.width !== width || f.height !== height) {
      throw new BracketMismatchError(`${f.meta.sourceName ?? 'a frame'} is ${f.width}x${f.height}, the reference is ${width}x${height}`, f.meta.sourceName);
    }
    if (f.data.length !== f.width * f.height * f.channels) throw new RangeError(`${f.meta.sourceName ?? 'a frame'} has the wrong number of samples`);
  }
}

/** Frame indices from darkest to brightest: by ev where every frame has one, else by proxy brightness. */
function exposureOrder(frames: LinearImage[], data: FrameData[]): number[] {
  const idx = [...frames.keys()];
  if (frames.every((f) => f.ev !== null && Number.isFinite(f.ev))) return idx.sort((a, b) => (frames[a].ev as number) - (frames[b].ev as number) || a - b);
  const brightness = data.map(({ proxy }) => proxy.grey.reduce((s, v) => s + Math.min(v, proxy.clip), 0) / proxy.clip);
  return idx.sort((a, b) => brightness[a] - brightness[b] || a - b);
}

export function alignFrames(frames: LinearImage[], opts: AlignOptions): AlignResult {
  const { reference, mode = 'similarity', maxShiftFraction = 0.05, maxRotationDeg = 3, maxScaleChange = 0.03, proxySide = ALIGN_PROXY_SIDE, proxies } = opts;
  checkFrames(frames, reference);
  if (!(maxShiftFraction >= 0)) throw new RangeError(`maxShiftFraction must be >= 0, got ${maxShiftFraction}`);
  const { width: w, height: h } = frames[reference];
  const n = frames.length;
  const identityReport = (i: number, note?: string): FrameAlignReport => ({
    dx: 0,
    dy: 0,
    rotationDeg: 0,
    scale: 1,
    method: i === reference ? 'reference' : 'none',
    residualBefore: NaN,
    residualAfter: NaN,
    alignedTo: reference,
    exposureOffsetStops: NaN,
    warped: false,
    ...(note && i !== reference ? { note } : {}),
  });
  if (mode === 'off' || n === 1) {
    return {
      frames: [...frames],
      transforms: frames.map(() => identityTransform()),
      crop: { x: 0, y: 0, width: w, height: h },
      report: frames.map((_, i) => identityReport(i, 'alignment off')),
    };
  }

  const factor = proxyFactor(w, h, proxySide);
  const capPx = maxShiftFraction * Math.max(w, h);
  // Search twice the cap so a shift beyond it is seen (and refused) rather than mistaken for a small
  // one, as far as the proxy allows (its coarsest level keeps 16 px).
  const mtbLevels = mtbLevelsFor(Math.max(8, (2 * capPx) / factor));
  if (proxies && (proxies.length !== n || proxies.some((p) => p.factor !== factor))) {
    throw new RangeError(`the given proxies must be one per frame at factor ${factor} (proxy side ${proxySide})`);
  }
  const data: FrameData[] = frames.map((f, i) => {
    const proxy = proxies?.[i] ?? greyProxy(f, factor);
    return { proxy, codes: codePyramid(proxy, mtbLevels), logs: logPyramid(proxy, 6) };
  });

  const order = exposureOrder(frames, data);
  const pos = order.indexOf(reference);
  const byDistance = [...order.keys()].filter((p) => p !== pos).sort((a, b) => Math.abs(a - pos) - Math.abs(b - pos) || a - b);

  const full: Affine[] = frames.map(() => [...IDENTITY] as Affine);
  const report: FrameAlignReport[] = frames.map((_, i) => identityReport(i));

  /** The shift at the image centre. */
  const shiftOf = (m: Affine): [number, number] => {
    const d = describeAffine(m, w, h);
    return [d.dx, d.dy];
  };
  const implausible = (m: Affine): string | null => {
    const d = describeAffine(m, w, h);
    if (Math.hypot(d.dx, d.dy) > capPx) return `shift ${Math.hypot(d.dx, d.dy).toFixed(1)} px exceeds the cap of ${capPx.toFixed(1)} px`;
    if (Math.abs(d.rotationDeg) > maxRotationDeg) return `rotation ${d.rotationDeg.toFixed(2)} deg exceeds the cap of ${maxRotationDeg} deg`;
    if (Math.abs(d.scale - 1) > maxScaleChange) return `scale ${d.scale.toFixed(4)} exceeds the cap of 1 ± ${maxScaleChange}`;
    return null;
  };

  for (const p of byDistance) {
    const i = order[p];
    const neighbour = order[p < pos ? p + 1 : p - 1];
    const direct = sharedValidFraction(data[i].proxy, data[reference].proxy) >= MIN_SHARED_FRACTION;
    const t = direct || neighbour === reference ? reference : neighbour;
    const base = full[t];
    const invBase = invertAffine(base);
    const tmpl = data[t];
    const mov = data[i];
    // Candidates are whole maps from the reference grid; their residual is measured against t.
    const score = (m: Affine) => residual(tmpl.logs[0], mov.logs[0], composeAffine(m, invBase));
    const before = residual(tmpl.logs[0], mov.logs[0], IDENTITY);
    const notes: string[] = [];

    const mtb = mtbShift(tmpl.codes, mov.codes);
    const mtbPair = translation(mtb.sx * factor, mtb.sy * factor);
    const mtbFull = composeAffine(mtbPair, base);
    /** The candidate's residual when it is plausible and no worse than leaving the frame as it is. */
    const accept = (c: Candidate): Residual | null => {
      const bad = implausible(c.full);
      if (bad) {
        notes.push(`${c.method}: ${bad}`);
        return null;
      }
      const r = score(c.full);
      if (!(r.value <= before.value)) {
        notes.push(`${c.method} did not lower the residual (${r.value.toFixed(4)} vs ${before.value.toFixed(4)})`);
        return null;
      }
      // Motion too small to apply is reset to none below; only what would move the frame must show it is real.
      const rel = composeAffine(c.full, invBase);
      if (maxCornerDisplacement(rel, w, h) < NO_MOTION_PX) return r;
      const d = Math.max(0.25, rmsDisplacement(rel, w, h));
      const probes = [translation(d, 0), translation(-d, 0), translation(0, d), translation(0, -d)];
      const probe = probes.reduce((sum, t) => sum + score(composeAffine(t, c.full)).value, 0) / probes.length;
      // Probes no worse than the candidate: it is not a minimum, or the residual is flat there; either way no evidence.
      const explained = probe > r.value ? (before.value - r.value) / (probe - r.value) : 0;
      c.evidence = explained;
      if (explained >= MIN_EXPLAINED) return r;
      notes.push(
        `${c.method} (${d.toFixed(2)} px rms) lowered the residual by ${(before.value - r.value).toFixed(4)}, ` +
          `${explained.toFixed(2)} of what as much motion again adds: not told apart from noise`,
      );
      return null;
    };
    let chosen: Candidate | null = null;
    let after = before;
    const tooFar = implausible(translation(...shiftOf(mtbFull)));
    if (tooFar) {
      notes.push(`${tooFar}; not applied`);
    } else if (!(before.pixels > 0)) {
      // Nothing to check a candidate against, so none can be shown not to make things worse.
      notes.push(`no usable pixels in common with frame ${t}`);
    } else {
      // Translation first (the fallback), then the similarity, which is kept only if it lowers the residual further.
      const tr = eccRefine(tmpl.logs, mov.logs, 'translation', mtbPair);
      if (!tr.ok) notes.push(`translation refinement failed (${tr.reason}); kept the bitmap shift`);
      const trPair = tr.ok ? tr.matrix : mtbPair;
      const trFull = composeAffine(trPair, base);
      // Translation mode moves whole pixels only, so no frame is resampled.
      const candidates: (() => Candidate | null)[] = [
        () => ({ full: mode === 'translation' ? translation(Math.round(trFull[2]), Math.round(trFull[5])) : trFull, method: 'translation' }),
      ];
      if (mode === 'similarity') {
        candidates.push(() => {
          const sim = eccRefine(tmpl.logs, mov.logs, 'similarity', trPair);
          if (sim.ok) return { full: composeAffine(sim.matrix, base), method: 'similarity' };
          notes.push(`similarity refinement failed (${sim.reason})`);
          return null;
        });
      }
      for (const make of candidates) {
        const c = make();
        const r = c && accept(c);
        if (!c || !r) continue;
        if (!chosen || r.value < after.value) {
          chosen = c;
          after = r;
        } else {
          notes.push(`${c.method} did not lower the residual below the ${chosen.method}'s (${r.value.toFixed(4)} vs ${after.value.toFixed(4)})`);
        }
      }
    }
    if (!chosen) notes.push(report[t].method === 'reference' || !report[t].warped ? 'left unaligned' : `kept the transform of frame ${t}`);

    let m = chosen ? chosen.full : base;
    let method: AlignMethod = chosen ? chosen.method : report[t].method === 'reference' ? 'none' : report[t].method;
    if (maxCornerDisplacement(m, w, h) < NO_MOTION_PX) {
      if (chosen) notes.push(`motion under ${NO_MOTION_PX} px`);
      m = [...IDENTITY];
      method = 'none';
    }
    full[i] = m;
    const d = describeAffine(m, w, h);
    report[i] = {
      dx: d.dx,
      dy: d.dy,
      rotationDeg: d.rotationDeg,
      scale: d.scale,
      method,
      residualBefore: before.value,
      residualAfter: chosen ? after.value : score(m).value,
      alignedTo: t,
      exposureOffsetStops: before.offsetStops,
      warped: method !== 'none',
      ...(notes.length ? { note: notes.join('; ') } : {}),
      ...(chosen?.evidence !== undefined && method !== 'none' ? { evidence: chosen.evidence } : {}),
    };
  }

  let crop: Rect = { x: 0, y: 0, width: w, height: h };
  const out = [...frames];
  for (let i = 0; i < n; i++) {
    if (!report[i].warped) continue;
    const r = warpFrame(out[i], full[i]);
    crop = intersectRects(crop, r.valid);
    out[i] = r.image;
    if (opts.consume) frames[i] = r.image;
  }
  return { frames: out, transforms: full.map((m) => describeAffine(m, w, h)), crop, report };
}

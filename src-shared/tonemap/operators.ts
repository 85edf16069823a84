/**
 * The operators' luminance curves as scalar functions: scene luminance L, scaled by the key so that
 * the log-average sits at mid-grey (0.18), to display luminance 0..1. The stage samples them into
 * tables (tone-tables.ts); the local operators add a per-pixel adaptation on top (prepare-tone.ts).
 */
import type { FilmicCurve } from './tone-settings';

export const MID_GREY = 0.18;
export const LOG2_MID_GREY = Math.log2(MID_GREY);

/** Reinhard et al. 2002, eq. 4: L (1 + L / Lw^2) / (1 + L), with Lw = mid-grey * 2^whiteStops mapping to exactly 1. */
export function reinhardCurve(whiteStops: number): (l: number) => number {
  const white = MID_GREY * 2 ** whiteStops;
  const invW2 = 1 / (white * white);
  return (l) => (l * (1 + l * invW2)) / (1 + l);
}

/**
 * Drago, Myszkowski, Annen, Chiba 2003, eq. 4 with Ld_max = 100 cd/m2 (so white is 1):
 * log(Lw + 1) / log(2 + 8 (Lw / Lw_max)^(log b / log 0.5)) / log10(Lw_max + 1), Lw normalised by the
 * world adaptation luminance (the log-average, here mid-grey). maxL is the key-scaled luminance that
 * reaches white, measured once per image; exposure does not move it. For Lw_max / Lwa above ~2^16
 * the formula turns down below white at low bias: the tables keep its running maximum.
 */
export function dragoCurve(bias: number, maxL: number): (l: number) => number {
  const lmax = Math.max(1, maxL / MID_GREY);
  const p = Math.log(bias) / Math.log(0.5);
  const norm = 1 / Math.log10(lmax + 1);
  const invMax = 1 / lmax;
  return (l) => {
    const lw = l / MID_GREY;
    return (Math.log1p(lw) / Math.log(2 + 8 * Math.pow(lw * invMax, p))) * norm;
  };
}

/** Stephen Hill's fit of the ACES RRT + sRGB ODT (BakingLab, ACES.hlsl); exact on greys, whose rows of his matrices sum to 1. */
export function hillRrtOdt(v: number): number {
  return (v * (v + 0.0245786) - 0.000090537) / (v * (0.983729 * v + 0.432951) + 0.238081);
}

/** Krzysztof Narkowicz's ACES filmic fit (2016), without his 0.6 pre-scale (the stage finds its own). */
export function narkowiczAces(x: number): number {
  return (x * (2.51 * x + 0.03)) / (x * (2.43 * x + 0.59) + 0.14);
}

/** Input gain that makes f(gain * 0.18) = 0.18, found by bisection (f is increasing). */
function midGreyGain(f: (x: number) => number): number {
  let lo = 1e-3;
  let hi = 1e3;
  for (let i = 0; i < 80; i++) {
    const mid = Math.sqrt(lo * hi);
    if (f(mid * MID_GREY) < MID_GREY) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

const filmicGains: Partial<Record<FilmicCurve, number>> = {};

/**
 * A filmic curve applied to luminance, pre-scaled so that scene mid-grey stays display mid-grey
 * (switching operator keeps the exposure the photographer set); toe clipped at 0, shoulder at 1.
 */
export function filmicCurve(curve: FilmicCurve): (l: number) => number {
  const f = curve === 'hill' ? hillRrtOdt : narkowiczAces;
  const gain = (filmicGains[curve] ??= midGreyGain(f));
  return (l) => Math.min(1, Math.max(0, f(l * gain)));
}

/** Knee of the local-contrast operator's shoulder: display luminance passes through unchanged below it. */
const KNEE = 0.5;

/** Identity up to KNEE, then an exponential roll-off to 1 with matching slope (C1): keeps compressed bases off the clip. */
export function softShoulder(l: number): number {
  if (l <= KNEE) return l > 0 ? l : 0;
  return KNEE + (1 - KNEE) * (1 - Math.exp(-(l - KNEE) / (1 - KNEE)));
}

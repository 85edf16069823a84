/** The shape of a sequence of exposures in shooting order: is it a ladder, in which order, with which step. */

/**
 * 'center-first': the metered frame, then ever further under and over (AEB's 0,-,+ and 0,+,-);
 * 'ascending' / 'descending': dark to bright or bright to dark (AEB's -,0,+ and manual ladders);
 * 'other': anything else.
 */
export type BracketOrder = 'center-first' | 'ascending' | 'descending' | 'other';

export interface ExposurePattern {
  count: number;
  /** Every pair of frames differs by at least the tolerance. */
  distinct: boolean;
  order: BracketOrder;
  /** Three or more frames whose sorted exposures are equally spaced. */
  evenSteps: boolean;
  /** Mean step between sorted exposures, in stops. */
  step: number;
  /** Smallest step between sorted exposures, in stops (0 for one frame). */
  minStep: number;
  /** Brightest minus darkest, in stops. */
  span: number;
  /** Sorted exposures mirror around their middle. */
  symmetric: boolean;
}

/** Frame counts that cameras' auto exposure bracketing offers. */
export const AEB_COUNTS: ReadonlySet<number> = new Set([2, 3, 5, 7, 9]);

/** Exposures closer than this (stops) count as the same exposure. */
export const SAME_EXPOSURE_STOPS = 1 / 6;
/** Steps that differ by no more than this (stops) count as even; covers nominal 1/125 vs 1/60 rounding. */
const STEP_TOLERANCE = 0.25;

function orderOf(values: readonly number[], sortedIdx: readonly number[]): BracketOrder {
  const k = values.length;
  let ascending = true;
  let descending = true;
  for (let i = 1; i < k; i++) {
    if (!(values[i] > values[i - 1])) ascending = false;
    if (!(values[i] < values[i - 1])) descending = false;
  }
  if (ascending) return 'ascending';
  if (descending) return 'descending';
  if (k >= 3 && k % 2 === 1) {
    // rank of each frame in the sorted order
    const rank = new Array<number>(k);
    sortedIdx.forEach((frame, r) => (rank[frame] = r));
    const center = (k - 1) / 2;
    if (rank[0] !== center) return 'other';
    let below = center;
    let above = center;
    for (let i = 1; i < k; i++) {
      if (rank[i] === below - 1) below--;
      else if (rank[i] === above + 1) above++;
      else return 'other';
    }
    // Each later frame must be the next one out on its side: 0,-1,+1,-2,+2 and 0,-1,-2,+1,+2
    // (both orders exist in cameras' menus) pass, 0,-2,+1,-1,+2 does not.
    return 'center-first';
  }
  return 'other';
}

/** Describe exposures (stops, any common origin) listed in shooting order. */
export function describePattern(values: readonly number[], tolerance = SAME_EXPOSURE_STOPS): ExposurePattern {
  const k = values.length;
  const sortedIdx = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const sorted = sortedIdx.map((i) => values[i]);
  let distinct = true;
  let minStep = Infinity;
  let maxStep = -Infinity;
  for (let i = 1; i < k; i++) {
    const d = sorted[i] - sorted[i - 1];
    if (d < tolerance) distinct = false;
    minStep = Math.min(minStep, d);
    maxStep = Math.max(maxStep, d);
  }
  const span = k > 0 ? sorted[k - 1] - sorted[0] : 0;
  const step = k > 1 ? span / (k - 1) : 0;
  const evenSteps = k >= 3 && distinct && maxStep - minStep <= STEP_TOLERANCE;
  let symmetric = k >= 2;
  const mid = k > 0 ? (sorted[0] + sorted[k - 1]) / 2 : 0;
  for (let i = 0; i < k && symmetric; i++) {
    if (Math.abs(sorted[i] + sorted[k - 1 - i] - 2 * mid) > STEP_TOLERANCE) symmetric = false;
  }
  return {
    count: k,
    distinct,
    order: distinct ? orderOf(values, sortedIdx) : 'other',
    evenSteps,
    step,
    minStep: k > 1 ? minStep : 0,
    span,
    symmetric,
  };
}

/** The order a camera's auto exposure bracketing would produce: metered first, or dark to bright, or bright to dark. */
export function isLadderOrder(order: BracketOrder): boolean {
  return order !== 'other';
}

/** 3, 5, 7 or 9 frames, evenly spaced and symmetric, in one of AEB's orders. */
export function isClassicAeb(p: ExposurePattern): boolean {
  return p.count >= 3 && p.count % 2 === 1 && p.count <= 9 && p.evenSteps && p.symmetric && isLadderOrder(p.order);
}

/**
 * Telling apart bodies that EXIF calls one (same model, no serial number) by their file counters: each body
 * numbers its files one after another, so frames of two bodies shooting at once interleave in time but not
 * in counters. O(n x LOOK_AROUND log): a greedy matching of each frame to its likeliest predecessor.
 */

import { counterStep, fileCounter, type FileCounter } from './file-counter';

/** Frames looked at either side of one (in shooting order) for its predecessor: covers several bodies interleaved. */
const LOOK_AROUND = 48;

/** Likeliest predecessors kept per frame for the matching (the rest would lose to them). */
const LINKS_PER_FRAME = 4;

/** Most frames a second any body saves (bursts of 30-60 fps exist; pre-capture modes save no faster). */
const MAX_FRAMES_PER_SECOND = 60;

interface Link {
  from: number;
  to: number;
  step: number;
  otherFolder: boolean;
  /** ms. */
  dt: number;
}

/**
 * The frames (in shooting order) split into one stream per body, where their file counters show two or more
 * bodies shooting at the same time: chains of counters that interleave in time. Where they do not (one body,
 * or bodies one after another) the frames come back as one stream. Frames without a counter form a stream of
 * their own when the rest are split.
 */
export function splitByCounters<T>(items: readonly T[], fileOf: (item: T) => string, timeOf: (item: T) => number): T[][] {
  const counters: (FileCounter | undefined)[] = items.map((item) => fileCounter(fileOf(item)));
  if (counters.filter(Boolean).length < 2) return [[...items]];
  const time = items.map(timeOf);
  const chains = monotoneSeries(counters, time) ?? matchedChains(counters, time);
  if (!interleaved(chains, time)) return [[...items]];
  const streams = chains.map((chain) => chain.map((i) => items[i]));
  const bare = items.filter((_, i) => !counters[i]);
  return bare.length ? [...streams, bare] : streams;
}

/** Most files a body can have numbered between two of its frames `dt` seconds apart (whole-second times: a second more). */
function maxStep(timeA: number, timeB: number): number {
  const slack = timeA % 1000 === 0 && timeB % 1000 === 0 ? 1 : 0.05;
  return 1 + Math.floor(((timeB - timeA) / 1000 + slack) * MAX_FRAMES_PER_SECOND);
}

/**
 * The common case in O(n): each series' counters rise through the frames in shooting order, one body's steps
 * apart. Then each series is one chain (one body); null when they do not.
 */
function monotoneSeries(counters: readonly (FileCounter | undefined)[], time: readonly number[]): number[][] | null {
  const chains = new Map<string, number[]>();
  for (let i = 0; i < counters.length; i++) {
    const c = counters[i];
    if (!c) continue;
    const chain = chains.get(c.series);
    if (!chain) {
      chains.set(c.series, [i]);
      continue;
    }
    const last = chain[chain.length - 1];
    const step = counterStep(counters[last]!.number, c.number);
    if (step < 1 || step > maxStep(time[last], time[i])) return null;
    chain.push(i);
  }
  return [...chains.values()];
}

/** Chains of counters by a greedy matching: each frame's likeliest predecessor, nearest counter first. */
function matchedChains(counters: readonly (FileCounter | undefined)[], time: readonly number[]): number[][] {
  const n = counters.length;
  // Nearest counter first; then the same folder (two cards copied side by side); then the nearest time.
  const byLikelihood = (x: Link, y: Link): number =>
    x.step - y.step || Number(x.otherFolder) - Number(y.otherFolder) || x.dt - y.dt || x.from - y.from || x.to - y.to;
  const links: Link[] = [];
  for (let to = 0; to < n; to++) {
    const b = counters[to];
    if (!b) continue;
    const candidates: Link[] = [];
    for (let from = Math.max(0, to - LOOK_AROUND); from < Math.min(n, to + LOOK_AROUND + 1); from++) {
      const a = counters[from];
      if (from === to || !a || a.series !== b.series || time[from] > time[to]) continue;
      const step = counterStep(a.number, b.number);
      if (step < 1 || step > maxStep(time[from], time[to])) continue;
      candidates.push({ from, to, step, otherFolder: a.folder !== b.folder, dt: time[to] - time[from] });
    }
    links.push(...candidates.sort(byLikelihood).slice(0, LINKS_PER_FRAME));
  }
  links.sort(byLikelihood);
  const next = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  for (const l of links) {
    if (next[l.from] >= 0 || prev[l.to] >= 0) continue;
    next[l.from] = l.to;
    prev[l.to] = l.from;
  }
  const chains: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (!counters[i] || prev[i] >= 0) continue;
    const chain: number[] = [];
    for (let j = i; j >= 0; j = next[j]) chain.push(j);
    chains.push(chain.sort((x, y) => x - y));
  }
  return chains;
}

/** Two chains overlap in time: one starts before (or in the same second as) another ends. */
function interleaved(chains: number[][], time: readonly number[]): boolean {
  const spans = chains.map((c) => [time[c[0]], time[c[c.length - 1]]]).sort((a, b) => a[0] - b[0]);
  let end = -Infinity;
  for (const [start, stop] of spans) {
    if (start <= end) return true;
    end = Math.max(end, stop);
  }
  return false;
}

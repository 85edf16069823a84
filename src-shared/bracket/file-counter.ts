/**
 * The file counter in a camera's file name (DCF: 'IMG_1234', 'DSC01234', 'P1010001'): each body numbers its
 * files in the order it takes them, 0001..9999 and round again, whatever its clock says.
 */

import { dirName, stemOf } from './file-kind';

export interface FileCounter {
  /** The name before the counter, lower case ('img_', '_mg_', 'dsc'): one body's series. */
  series: string;
  /** The last four digits: 0..9999. */
  number: number;
  /** The folder, for telling apart two cards copied side by side. */
  folder: string;
}

/** Counters run 0001..9999 and wrap. */
export const COUNTER_MODULUS = 10_000;

/** Counters further apart than this (forward, modulo the wrap) are not one body's next files. */
const HALF_WRAP = COUNTER_MODULUS / 2;

/**
 * The counter of a camera-named file; undefined where the name has none: no run of 4-7 digits at the end
 * ('party-001'), or a date in the name (phones: 'IMG_20240601_183000', 'PXL_20240601_183000123'), whose
 * digits count seconds, not frames.
 */
export function fileCounter(path: string): FileCounter | undefined {
  const m = /^(.*?)(\d{4,7})$/.exec(stemOf(path));
  if (!m) return undefined;
  const head = m[1];
  if (/\d$/.test(head) || /\d{4}/.test(head)) return undefined;
  return { series: head.toLowerCase(), number: Number(m[2].slice(-4)), folder: dirName(path) };
}

/** How many files on from `a` a body numbers `b` (0..9999, round the wrap: 9999 -> 0001 is 2). */
export function counterStep(a: number, b: number): number {
  return (((b - a) % COUNTER_MODULUS) + COUNTER_MODULUS) % COUNTER_MODULUS;
}

/**
 * Orders files that share one capture time (whole-second timestamps) by their counters, across the wrap:
 * IMG_9998, IMG_9999, IMG_0001 rather than name order's IMG_0001, IMG_9998, IMG_9999. Within a series,
 * counters that straddle the wrap (some near 9999, some near 0) count the low ones as after 9999.
 * Files without a counter keep their place after those with one; `tie` breaks what remains.
 */
export function orderByCounter<T>(items: T[], fileOf: (item: T) => string, tie: (a: T, b: T) => number): T[] {
  const keyed = items.map((item) => ({ item, c: fileCounter(fileOf(item)) }));
  const bySeries = new Map<string, number[]>();
  for (const { c } of keyed) if (c) bySeries.set(c.series, [...(bySeries.get(c.series) ?? []), c.number]);
  const wraps = new Set<string>();
  for (const [series, numbers] of bySeries) if (Math.max(...numbers) - Math.min(...numbers) > HALF_WRAP) wraps.add(series);
  const unwrapped = (c: FileCounter): number => (wraps.has(c.series) && c.number < HALF_WRAP ? c.number + COUNTER_MODULUS : c.number);
  return keyed
    .sort((a, b) => {
      if (!a.c || !b.c) return a.c ? -1 : b.c ? 1 : tie(a.item, b.item);
      if (a.c.series !== b.c.series) return a.c.series < b.c.series ? -1 : 1;
      return unwrapped(a.c) - unwrapped(b.c) || tie(a.item, b.item);
    })
    .map((k) => k.item);
}

/**
 * Sorts in shooting order: by time, and items that share a time (whole-second timestamps, several frames a
 * second) by their file counters across the wrap (orderByCounter), then by `tie`. Sorts `items` in place.
 */
export function sortByTimeThenCounter<T>(items: T[], timeOf: (item: T) => number, fileOf: (item: T) => string, tie: (a: T, b: T) => number): T[] {
  items.sort((a, b) => timeOf(a) - timeOf(b) || tie(a, b));
  for (let i = 0; i < items.length; ) {
    let j = i + 1;
    while (j < items.length && timeOf(items[j]) === timeOf(items[i])) j++;
    if (j - i > 1) items.splice(i, j - i, ...orderByCounter(items.slice(i, j), fileOf, tie));
    i = j;
  }
  return items;
}
